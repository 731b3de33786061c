import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config.ts';
import { sendText } from '../web/respond.ts';
import { jsonEndpoint } from './json-endpoint.ts';
import { listeningOrigin } from './listening-origin.ts';
import { livenessHandler } from './liveness.ts';
import { READINESS_PATH } from './readiness.ts';

/**
 * A port the server could not listen on, said in one line that names the variable to change
 * (`PORT`, `METRICS_PORT`, `HOST`): what the person who ran `npm start` reads, with no stack.
 */
export class PortError extends Error {
  override name = 'PortError';
}

/** Which port a listen is for, as the configuration names it. */
export interface PortSetting {
  readonly port: number;
  readonly host: string;
  readonly variable: 'PORT' | 'METRICS_PORT';
}

/**
 * Listens on the port; resolves once accepting connections. Fails with a {@link PortError}
 * when the port is taken, forbidden or the host is not this machine's, else with Node's error.
 */
export function listenOn(server: Server, setting: PortSetting): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(portError(error, setting) ?? error);
    server.once('error', failed);
    server.listen(setting.port, setting.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function portError(error: Error, { port, host, variable }: PortSetting): PortError | null {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new PortError(
        `${variable} ${port} is already in use on ${host}; set ${variable} to a free port (${variable}=0 picks one).`,
      );
    case 'EACCES':
      return new PortError(
        `${variable} ${port} on ${host} needs privileges this user lacks; set ${variable} to a port above 1023.`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new PortError(
        `HOST ${host} is not an address of this machine; set HOST to one of its addresses (0.0.0.0 listens on all).`,
      );
    default:
      return null;
  }
}

/** The main port, listening before the server has readied anything. */
export interface BoundPort {
  /** The origin it listens on, e.g. `http://localhost:4000`. */
  origin(): string;
  /**
   * Gives the listening server to the app, without the start-up answers: whatever the app
   * attaches serves from then on. Once only.
   */
  handOver(): Server;
}

/** What a request gets while the server starts: come back in a moment. */
const RETRY_AFTER_SECONDS = '1';

/**
 * Listens on `PORT` first, before the database is touched: a taken port stops the start
 * before anything is created, and no other process can take the port while migrations run.
 * Until the app takes it over, `/healthz` answers as ever (the process lives), `/readyz` 503
 * `{"status":"starting"}`, and every other request or WebSocket upgrade 503 with Retry-After.
 */
export async function bindPort(config: Pick<Config, 'port' | 'host'>): Promise<BoundPort> {
  const liveness = livenessHandler();
  const readiness = jsonEndpoint(READINESS_PATH, async () => ({
    status: 503,
    body: { status: 'starting' },
  }));
  const whileStarting = async (request: IncomingMessage, response: ServerResponse) => {
    if ((await liveness(request, response)) || (await readiness(request, response))) return;
    sendText(response, 503, 'Sonny is starting: try again in a moment.', {
      'retry-after': RETRY_AFTER_SECONDS,
    });
  };
  const refuseUpgrade = (_request: IncomingMessage, socket: Duplex) => {
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${RETRY_AFTER_SECONDS}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  };
  const server = createServer(whileStarting);
  server.on('upgrade', refuseUpgrade);
  await listenOn(server, { port: config.port, host: config.host, variable: 'PORT' });
  let handedOver = false;
  return {
    origin: () => listeningOrigin(server),
    handOver() {
      if (handedOver) throw new Error('The bound port was handed over already.');
      handedOver = true;
      server.off('request', whileStarting);
      server.off('upgrade', refuseUpgrade);
      return server;
    },
  };
}
