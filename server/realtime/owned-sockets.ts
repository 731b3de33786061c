import type { WebSocket } from 'ws';

/**
 * The open sockets of each credential on this server instance, keyed by owner: a visitor's
 * server id, or an agent session's id. Ending the owner closes them all.
 */
export class OwnedSockets {
  readonly #byOwner = new Map<string, Set<WebSocket>>();

  add(owner: string, socket: WebSocket): void {
    let sockets = this.#byOwner.get(owner);
    if (sockets === undefined) {
      sockets = new Set();
      this.#byOwner.set(owner, sockets);
    }
    sockets.add(socket);
  }

  remove(owner: string, socket: WebSocket): void {
    const sockets = this.#byOwner.get(owner);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.#byOwner.delete(owner);
  }

  /** Hands every socket of the owner on this instance to `close`, and forgets them. */
  closeAll(owner: string, close: (socket: WebSocket) => void): void {
    for (const socket of this.#byOwner.get(owner) ?? []) close(socket);
    this.#byOwner.delete(owner);
  }
}
