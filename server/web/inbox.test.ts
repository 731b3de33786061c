import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxHandler } from './inbox.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: fetch would normalise `..` out of the path before sending it. */
function get(server: Server, path: string, method = 'GET'): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(root: string): Promise<Server> {
  const handle = inboxHandler(root, (error) => {
    throw error;
  });
  const server = createServer((req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end('not mine');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('the inbox handler', () => {
  let dir: string;
  let server: Server;
  let unbuilt: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sonny-inbox-'));
    const root = join(dir, 'dist', 'inbox');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>inbox</title>');
    writeFileSync(join(root, 'assets', 'index-Ab12.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-Cd34.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'index-Ab12.js.map'), '{"sources":["App.tsx"]}');
    writeFileSync(join(dir, 'dist', 'secret.txt'), 'TOP SECRET');
    server = await serve(root);
    unbuilt = await serve(join(dir, 'missing'));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => unbuilt.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /inbox, /inbox/ and every app route, never cached stale', async () => {
    for (const path of ['/inbox', '/inbox/', '/inbox/conversations/42', '/inbox/settings']) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.body).toContain('<title>inbox</title>');
    }
  });

  it('serves hashed assets as immutable with their content type', async () => {
    const script = await get(server, '/inbox/assets/index-Ab12.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.body).toBe('console.log(1)');
    const style = await get(server, '/inbox/assets/index-Cd34.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends a strict Content-Security-Policy and refuses framing with every answer', async () => {
    for (const path of [
      '/inbox/',
      '/inbox/settings',
      '/inbox/assets/index-Ab12.js',
      '/inbox/x.js',
    ]) {
      const answer = await get(server, path);
      const policy = String(answer.headers['content-security-policy']).split('; ');
      expect(policy, path).toContain("default-src 'self'");
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(policy.join(' '), path).not.toContain('unsafe-');
      expect(answer.headers['x-frame-options'], path).toBe('DENY');
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['referrer-policy'], path).toBe('same-origin');
    }
  });

  it('never serves a source map, even one left in the build', async () => {
    const answer = await get(server, '/inbox/assets/index-Ab12.js.map');
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('App.tsx');
  });

  it('answers 404 for a missing file instead of the app', async () => {
    expect((await get(server, '/inbox/assets/index-gone.js')).status).toBe(404);
    expect((await get(server, '/inbox/logo.png')).status).toBe(404);
  });

  it('never serves a file outside the build', async () => {
    for (const path of [
      '/inbox/../secret.txt',
      '/inbox/%2e%2e/secret.txt',
      '/inbox/assets/..%2f..%2fsecret.txt',
      '/inbox/%2E%2E%2Fsecret.txt',
      '/inbox/..%5csecret.txt',
      '/inbox/%00index.html',
      '/inbox/%E0%A4%A',
    ]) {
      const answer = await get(server, path);
      expect(answer.body, path).not.toContain('TOP SECRET');
      expect([400, 404], path).toContain(answer.status);
    }
  });

  it('leaves other paths to the next handler and refuses other methods', async () => {
    expect((await get(server, '/inboxes')).body).toBe('not mine');
    expect((await get(server, '/')).body).toBe('not mine');
    const post = await get(server, '/inbox/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await get(server, '/inbox/assets/index-Ab12.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(head.body).toBe('');
  });

  it('says to run the build when there is none', async () => {
    const answer = await get(unbuilt, '/inbox/');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('npm run build');
  });
});
