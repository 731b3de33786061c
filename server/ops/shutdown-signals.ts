import { constants } from 'node:os';
import type { Logger } from './logger.ts';

/** How long closing sockets, pub/sub, Redis and the database may take after the drain. */
export const SHUTDOWN_CLOSE_MARGIN_MS = 5_000;

/** A process's graceful shutdown, begun by SIGTERM, SIGINT or {@link GracefulShutdown.begin}. */
export interface GracefulShutdown {
  /**
   * Begins the shutdown for `reason` (a log line says it), unless one is under way: a cluster's
   * worker may hear of it twice, from a signal of its own and from the primary.
   */
  begin(reason: string): void;
}

/**
 * Makes SIGTERM and SIGINT shut the process down gracefully: the first runs `stop` and exits
 * with the code it resolves with; a second signal exits at once with 128 + the signal's number, as a
 * shell reports it. A stop that takes longer than `shutdownTimeoutMs` plus `closeMarginMs`
 * (default {@link SHUTDOWN_CLOSE_MARGIN_MS}) exits 1: past that, something hangs.
 */
export function exitOnShutdownSignals(options: {
  readonly logger: Logger;
  readonly shutdownTimeoutMs: number;
  readonly closeMarginMs?: number;
  /** Stops what the process runs; resolves with the exit code. */
  readonly stop: () => Promise<number>;
}): GracefulShutdown {
  const { logger, shutdownTimeoutMs, closeMarginMs = SHUTDOWN_CLOSE_MARGIN_MS } = options;
  let stopping = false;
  const begin = (reason: string, fields: Record<string, unknown> = {}) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      fields,
      `${reason}: finishing what is in flight (up to ${shutdownTimeoutMs / 1000} s).`,
    );
    setTimeout(() => {
      logger.error('The shutdown did not finish in time: exiting.');
      process.exit(1);
    }, shutdownTimeoutMs + closeMarginMs).unref();
    options.stop().then(
      (code) => {
        if (code === 0) logger.info('Stopped.');
        process.exit(code);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'The shutdown failed.');
        process.exit(1);
      },
    );
  };
  // Only a second signal hurries: a worker that the primary asked to stop may still get the
  // signal the primary got (Ctrl-C, systemd's stop signal the whole group).
  let signalled = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (signalled) {
      // The operator insists: no more waiting.
      logger.warn({ signal }, `${signal} received again: exiting now.`);
      process.exit(128 + constants.signals[signal]);
    }
    signalled = true;
    begin(`${signal} received`, { signal });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return { begin: (reason) => begin(reason) };
}
