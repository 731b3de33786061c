import { readFile } from 'node:fs/promises';

/** Why a password could not be had; the CLI prints it with its usage and exits 2. */
export class PasswordInputError extends Error {
  override name = 'PasswordInputError';
}

/** Where `agent create` may take a password from, in this order of preference. */
export interface PasswordSources {
  /** `--password-file FILE`: its content, without one trailing line break. */
  readonly passwordFile: string | undefined;
  /** `SONNY_PASSWORD`. */
  readonly environment: string | undefined;
  /** The terminal to prompt on when neither is given; null when stdin is not one. */
  readonly terminal: Terminal | null;
}

/** A terminal to ask on without echoing: stdin in raw mode, the prompt on stderr. */
export interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
}

/**
 * Why a password never comes from the command line: every local user can read another's
 * arguments (`ps`, /proc/PID/cmdline), and shells keep them in their history.
 */
export const PASSWORD_IN_ARGV_REFUSAL =
  '--password is refused: a password on the command line is visible to other users (ps, /proc) and stays in the shell history. Type it at the prompt, or pass --password-file FILE or SONNY_PASSWORD.';

/**
 * The new agent's password: from `--password-file`, else `SONNY_PASSWORD`, else typed twice at
 * a prompt that echoes nothing. Without any of them (no terminal either) it fails saying how
 * to give one.
 */
export async function readNewPassword(sources: PasswordSources): Promise<string> {
  if (sources.passwordFile !== undefined) {
    let content: string;
    try {
      content = await readFile(sources.passwordFile, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new PasswordInputError(
        `--password-file: cannot read ${sources.passwordFile} (${reason})`,
      );
    }
    return content.replace(/\r?\n$/, '');
  }
  if (sources.environment !== undefined && sources.environment !== '') return sources.environment;
  if (sources.terminal === null) {
    throw new PasswordInputError(
      'agent create needs a password: there is no terminal to prompt on, so pass --password-file FILE or set SONNY_PASSWORD.',
    );
  }
  const password = await promptHidden(sources.terminal, 'Password: ');
  const repeated = await promptHidden(sources.terminal, 'Repeat the password: ');
  if (password !== repeated) throw new PasswordInputError('The two passwords differ.');
  return password;
}

/** Reads one line from the terminal in raw mode, so nothing typed is echoed. */
function promptHidden({ input, output }: Terminal, prompt: string): Promise<string> {
  // Raw mode first: what is typed before it would be echoed by the terminal.
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  output.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          finish();
          resolve(typed);
          return;
        }
        if (character === '\u0003') {
          finish();
          reject(new PasswordInputError('Cancelled.'));
          return;
        }
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += character;
      }
    };
    input.on('data', onData);
  });
}
