import type { WebSocket } from 'ws';

/** The open sockets of each joined visitor on this server instance. */
export class VisitorSockets {
  readonly #byVisitor = new Map<string, Set<WebSocket>>();

  add(visitorId: string, socket: WebSocket): void {
    let sockets = this.#byVisitor.get(visitorId);
    if (sockets === undefined) {
      sockets = new Set();
      this.#byVisitor.set(visitorId, sockets);
    }
    sockets.add(socket);
  }

  remove(visitorId: string, socket: WebSocket): void {
    const sockets = this.#byVisitor.get(visitorId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.#byVisitor.delete(visitorId);
  }

  /** Closes every socket of the visitor on this instance. */
  closeAll(visitorId: string, code: number, reason: string): void {
    for (const socket of this.#byVisitor.get(visitorId) ?? []) socket.close(code, reason);
    this.#byVisitor.delete(visitorId);
  }
}
