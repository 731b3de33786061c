/** The first wait before a worker that exited is replaced. */
export const FIRST_RESTART_DELAY_MS = 1_000;
/** The longest wait: a worker that keeps failing is retried this often, never in a tight loop. */
export const MAX_RESTART_DELAY_MS = 30_000;
/** Exits further back than this no longer lengthen the wait. */
export const RESTART_WINDOW_MS = 5 * 60_000;

/**
 * How long the primary waits before it replaces a worker that exited: 1 s after a lone exit,
 * doubling with each other exit in the last five minutes, at most 30 s. A worker that cannot
 * start (its database gone, a bad deploy) is retried ever more slowly, and a crash now and then
 * is mended within a second.
 */
export class RestartBackoff {
  #exits: number[] = [];

  /** Records an exit at `now` (ms) and returns the wait before its replacement starts. */
  exited(now: number = Date.now()): number {
    this.#exits = this.#exits.filter((at) => now - at < RESTART_WINDOW_MS);
    this.#exits.push(now);
    return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (this.#exits.length - 1));
  }
}
