/**
 * HTTP requests on a connection of their own, never a kept-alive one: what a load balancer's
 * probe sees, and, in front of a cluster's workers, a fresh turn of which worker answers.
 */
import { once } from 'node:events';
import http from 'node:http';

/** A status and a body, as received. */
export interface FreshAnswer {
  readonly status: number;
  readonly body: string;
}

/** A GET on a fresh connection: its status and body. */
export function freshGet(
  url: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<FreshAnswer> {
  const request = http.request(url, { method: 'GET', headers, agent: false });
  request.end();
  return answerTo(request);
}

/** A JSON POST on a fresh connection: its status and body. */
export function freshPost(url: string, json: unknown): Promise<FreshAnswer> {
  const body = JSON.stringify(json);
  const request = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  request.end(body);
  return answerTo(request);
}

/** A request the server holds in flight until the test calls `finish()`. */
export interface SlowPost {
  readonly answered: Promise<FreshAnswer>;
  /** Sends the rest of the body: the server can answer. */
  finish(): void;
}

/**
 * A POST whose body arrives in two parts, on a fresh connection. It resolves once the server
 * has the request in flight: it asked for `Expect: 100-continue`, and Node answers that right
 * as it hands the request to the server. The server answers once `finish()` sent the rest.
 */
export async function slowPost(url: string, body: string, token: string): Promise<SlowPost> {
  const request = http.request(url, {
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${token}`,
      expect: '100-continue',
    },
  });
  const answered = answerTo(request);
  request.flushHeaders();
  await Promise.race([once(request, 'continue'), answered]);
  const half = Math.floor(body.length / 2);
  request.write(body.slice(0, half));
  return { answered, finish: () => request.end(body.slice(half)) };
}

function answerTo(request: http.ClientRequest): Promise<FreshAnswer> {
  return new Promise((resolve, reject) => {
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}
