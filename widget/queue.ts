/**
 * The snippet's command queue. The snippet defines `sonny` as a stub that pushes its
 * `arguments` onto `sonny.q`; once widget.js runs, every queued call is replayed in order and
 * later calls run at once. A bad call prints one console.warn and never throws into the page.
 *
 * A page that chains on a call made before widget.js has loaded (`sonny('identify', …).then`)
 * needs a stub that returns a Promise; that stub pushes `[arguments, resolve, reject]` instead,
 * and the replay settles each Promise with what the command returned (docs/widget.md).
 */
import { CommandError, type Sonny, warn } from './sonny.ts';

/** `window.sonny` as the page calls it. */
export type SonnyFunction = ((command: unknown, ...args: unknown[]) => unknown) & {
  /** The plain stub's `arguments`, or the Promise stub's `[arguments, resolve, reject]`. */
  q?: ArrayLike<unknown>[];
  /** Set by widget.js, so loading it twice is detected. */
  loaded?: true;
};

export const COMMANDS = ['init', 'identify', 'reset', 'open', 'close', 'on'] as const;

/** Turns one call into a command on `sonny`; returns its result (a Promise, an unsubscribe…). */
export function createDispatcher(sonny: Sonny): SonnyFunction {
  const dispatch: SonnyFunction = (command, ...args) => {
    try {
      switch (command) {
        case 'init':
          return sonny.init(args[0]);
        case 'identify':
          return sonny.identify(args[0]);
        case 'reset':
          return sonny.reset();
        case 'open':
          return sonny.open();
        case 'close':
          return sonny.close();
        case 'on':
          return sonny.on(args[0], args[1]);
        default:
          warn(`unknown command ${JSON.stringify(command)}; commands are ${COMMANDS.join(', ')}`);
          return undefined;
      }
    } catch (error) {
      const detail = error instanceof CommandError ? error.message : String(error);
      warn(error instanceof CommandError ? detail : `${String(command)} failed: ${detail}`);
      return command === 'identify' || command === 'reset'
        ? rejected(new CommandError(detail))
        : undefined;
    }
  };
  dispatch.loaded = true;
  return dispatch;
}

/**
 * Replays the stub's queue in order, including calls queued while replaying, and returns the
 * dispatcher to install as `window.sonny`.
 */
export function replayQueue(stub: SonnyFunction | undefined, dispatch: SonnyFunction): void {
  const queue = stub?.q;
  if (!Array.isArray(queue)) return;
  while (queue.length > 0) {
    const entry = queue.shift();
    if (entry === undefined) continue;
    const promised = promisedCall(entry);
    if (promised === null) {
      const [command, ...args] = Array.from(entry);
      dispatch(command, ...args);
      continue;
    }
    const [command, ...args] = Array.from(promised.call);
    try {
      // A rejected result (identify's) rejects the page's Promise; anything else fulfils it.
      promised.resolve(dispatch(command, ...args));
    } catch (error) {
      promised.reject(error);
    }
  }
}

/**
 * The Promise stub's entry, `[arguments, resolve, reject]`: told apart from a plain call, whose
 * first item is the command's name, by its array-like first item and two functions.
 */
function promisedCall(entry: ArrayLike<unknown>): {
  call: ArrayLike<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
} | null {
  const [call, resolve, reject] = [entry[0], entry[1], entry[2]];
  if (typeof call !== 'object' || call === null || !('length' in call)) return null;
  if (typeof resolve !== 'function' || typeof reject !== 'function') return null;
  return {
    call: call as ArrayLike<unknown>,
    resolve: resolve as (value: unknown) => void,
    reject: reject as (reason: unknown) => void,
  };
}

function rejected(error: Error): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(() => {});
  return promise;
}
