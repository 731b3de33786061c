import { createLogger, type Logger } from '../ops/logger.ts';

/** A pino destination that keeps what the server logs, for a test to read. */
export class LogCapture {
  /** Everything written, as written: JSON lines. */
  text = '';

  write(chunk: string): void {
    this.text += chunk;
  }

  /** Every line, parsed. */
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The operation line of this request id. */
  operation(requestId: string): Record<string, unknown> | undefined {
    return this.lines().find(
      (line) => line.msg === 'graphql operation' && line.requestId === requestId,
    );
  }

  /** The SQL statements logged so far (at `trace`), in order. */
  statements(): string[] {
    return this.lines()
      .filter((line) => line.msg === 'sql statement')
      .map((line) => String(line.sql));
  }

  /** A logger at `level` that writes here. */
  logger(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' = 'debug'): Logger {
    return createLogger({ level, destination: this });
  }
}
