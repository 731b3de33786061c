import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_HTTP_BODY_BYTES } from '../app.ts';
import { sharedTestServer } from '../test/harness.ts';

const server = sharedTestServer();

/** A JSON body of exactly `bytes` bytes: `{ __typename }` padded with white space. */
function paddedBody(bytes: number): string {
  const body = JSON.stringify({ query: '{ __typename }' });
  return body.replace('}"', `${' '.repeat(bytes - body.length)}}"`);
}

/** POSTs `chunks` without a Content-Length (chunked), as fast as the server reads them. */
function postChunked(url: string, chunk: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    // The server may stop reading once it has answered: a reset after the answer is expected.
    outgoing.on('error', reject);
    let sent = 0;
    const writeMore = () => {
      while (sent < count) {
        sent += 1;
        if (!outgoing.write(chunk)) {
          outgoing.once('drain', writeMore);
          return;
        }
      }
      outgoing.end();
    };
    writeMore();
  });
}

describe('request bodies', () => {
  it(`answers a body of ${MAX_HTTP_BODY_BYTES} bytes`, async () => {
    const body = paddedBody(MAX_HTTP_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_HTTP_BODY_BYTES);
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a larger body with 413 from its Content-Length', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: paddedBody(MAX_HTTP_BODY_BYTES + 1),
    });
    expect(response.status).toBe(413);
  });

  it('refuses a streamed body with 413 once it passes the limit', async () => {
    // 64 chunks of 64 KiB: 4 MiB, sent without a Content-Length.
    const status = await postChunked(server.graphqlUrl, ' '.repeat(64 * 1024), 64);
    expect(status).toBe(413);
  });
});

describe('CORS', () => {
  it('lets any page call /graphql, never with credentials', async () => {
    const preflight = await fetch(server.graphqlUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
