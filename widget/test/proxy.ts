/**
 * A TCP proxy in front of the test server, to cut the network under a live page. Chromium's
 * offline emulation (`context.setOffline`) stops new requests but leaves an open WebSocket
 * working, so the tests also cut here: every proxied socket is destroyed and new connections
 * are dropped until `restore()`, which is what a dropped Wi-Fi does to the widget.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

export interface CuttableProxy {
  /** `http://127.0.0.1:<port>`: load widget.js from here and the widget talks through it. */
  readonly origin: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
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
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
