/**
 * A TCP proxy in front of the test server, to cut the network under a live page. Chromium's
 * offline emulation (`context.setOffline`) stops new requests but leaves an open WebSocket
 * working, so the tests also cut here: every proxied socket is destroyed and new connections
 * are dropped until `restore()`, which is what a dropped Wi-Fi does to the widget.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface CuttableProxy {
  /** `http://127.0.0.1:<port>`: load widget.js from here and the widget talks through it. */
  readonly origin: string;
  cut(): void;
  restore(): void;
  /**
   * Holds back what the open connections send (the server still hears nothing of them, and
   * they still hear the server) until `release()`: an operation sent now stays in flight.
   * Connections opened meanwhile flow normally.
   */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  /** Each client socket and the upstream socket it is piped to. */
  const upstreams = new Map<Socket, Socket>();
  const held = new Set<Socket>();
  let connected = true;
  const server = createServer((client) => {
    if (!connected) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstreams.set(client, upstream);
    client.on('close', () => upstreams.delete(client));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    cut() {
      connected = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      connected = true;
    },
    hold() {
      for (const [client, upstream] of upstreams) {
        client.unpipe(upstream);
        client.pause();
        held.add(client);
      }
    },
    release() {
      for (const client of held) {
        const upstream = upstreams.get(client);
        if (upstream !== undefined) client.pipe(upstream);
      }
      held.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One proxy in front of the suite's server for the whole test file: started before its first
 * test, closed after its last. Call it at the top level of the file, after the suite's fixture;
 * use what it returns inside tests only.
 */
export function sharedProxy(suite: {
  readonly server: { readonly origin: string };
}): CuttableProxy {
  let started: CuttableProxy | undefined;
  beforeAll(async () => {
    started = await startProxy(suite.server.origin);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): CuttableProxy => {
    if (started === undefined) throw new Error('the shared proxy starts in beforeAll');
    return started;
  };
  return {
    get origin() {
      return current().origin;
    },
    cut: () => current().cut(),
    restore: () => current().restore(),
    hold: () => current().hold(),
    release: () => current().release(),
    close: () => current().close(),
  };
}
