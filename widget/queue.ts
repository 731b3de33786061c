/**
 * The snippet's command queue. The snippet defines `sonny` as a stub that pushes its
 * `arguments` onto `sonny.q`; once widget.js runs, every queued call is replayed in order and
 * later calls run at once. A bad call prints one console.warn and never throws into the page.
 */
import { CommandError, type Sonny, warn } from './sonny.ts';

/** `window.sonny` as the page calls it. */
export type SonnyFunction = ((command: unknown, ...args: unknown[]) => unknown) & {
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
    const call = queue.shift();
    if (call === undefined) continue;
    const [command, ...args] = Array.from(call);
    dispatch(command, ...args);
  }
}

function rejected(error: Error): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(() => {});
  return promise;
}
