import type { Server } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GRAPHQL_PATH } from '../../protocol/index.ts';
import { metricsListener } from './metrics-endpoint.ts';
import { bindPort, PortError } from './port.ts';

/** Servers a test opened, closed after it. */
const opened: Array<{ close(callback: () => void): unknown }> = [];
afterEach(async () => {
  await Promise.all(
    opened.splice(0).map((server) => new Promise<void>((resolve) => server.close(resolve))),
  );
});

/** A port of 127.0.0.1 that another socket holds. */
async function heldPort(): Promise<number> {
  const holder = net.createServer();
  opened.push(holder);
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return (holder.address() as net.AddressInfo).port;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error('Expected a rejection');
  return error;
}

describe('a port that cannot be taken', () => {
  it('is one sentence naming PORT, and how to pick another', async () => {
    const port = await heldPort();
    const error = await rejection(bindPort({ port, host: '127.0.0.1' }));
    expect(error).toBeInstanceOf(PortError);
    expect(error.message).toBe(
      `PORT ${port} is already in use on 127.0.0.1; set PORT to a free port (PORT=0 picks one).`,
    );
  });

  it('names METRICS_PORT when it is the metrics port', async () => {
    const port = await heldPort();
    const listener = metricsListener({
      port,
      host: '127.0.0.1',
      handler: async () => false,
      onError: () => {},
    });
    const error = await rejection(listener.start());
    expect(error).toBeInstanceOf(PortError);
    expect(error.message).toBe(
      `METRICS_PORT ${port} is already in use on 127.0.0.1; set METRICS_PORT to a free port (METRICS_PORT=0 picks one).`,
    );
  });

  it('names HOST when the address is not this machine’s', async () => {
    // TEST-NET-1 (RFC 5737): never an address of this machine.
    const error = await rejection(bindPort({ port: 0, host: '192.0.2.1' }));
    expect(error).toBeInstanceOf(PortError);
    expect(error.message).toBe(
      'HOST 192.0.2.1 is not an address of this machine; set HOST to one of its addresses (0.0.0.0 listens on all).',
    );
  });
});

describe('the port bound before the server is ready', () => {
  it('answers the probes and asks everyone else to come back, then serves what the app attaches', async () => {
    const bound = await bindPort({ port: 0, host: '127.0.0.1' });
    let server: Server | null = null;
    try {
      const origin = bound.origin();
      const ready = await fetch(`${origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'starting' });
      const live = await fetch(`${origin}/healthz`);
      expect(live.status).toBe(200);
      expect(await live.json()).toMatchObject({ status: 'alive' });
      const graphql = await fetch(`${origin}${GRAPHQL_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(graphql.status).toBe(503);
      expect(graphql.headers.get('retry-after')).toBe('1');
      expect(await upgradeStatus(`${origin.replace(/^http/, 'ws')}${GRAPHQL_PATH}`)).toBe(503);

      server = bound.handOver();
      server.on('request', (_request, response) => response.end('the app'));
      const served = await fetch(`${origin}/readyz`);
      expect(served.status).toBe(200);
      expect(await served.text()).toBe('the app');
      expect(() => bound.handOver()).toThrow(/handed over already/);
    } finally {
      const open = server ?? bound.handOver();
      open.closeAllConnections();
      await new Promise((resolve) => open.close(resolve));
    }
  });
});

/** The HTTP status a WebSocket upgrade to `url` is answered with. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      socket.close();
      reject(new Error('The upgrade was accepted'));
    });
    socket.once('error', (error) => reject(error));
  });
}
