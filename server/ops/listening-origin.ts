import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The origin `server` listens on, e.g. `http://localhost:4000`. A wildcard address is
 * reachable as localhost; a specific one only as itself. Throws before `listen`.
 */
export function listeningOrigin(server: Server): string {
  const address = server.address() as AddressInfo | null;
  if (address === null) throw new Error('The server is not listening; call start() first.');
  const wildcard = ['0.0.0.0', '::'].includes(address.address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${wildcard ? 'localhost' : host}:${address.port}`;
}
