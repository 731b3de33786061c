import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** Every import and export-from specifier of the TypeScript files under `folder`, by file. */
function importsUnder(folder: string): Array<{ file: string; specifier: string; target: string }> {
  const found: Array<{ file: string; specifier: string; target: string }> = [];
  for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g,
    )) {
      const specifier = match[1] ?? '';
      const target = specifier.startsWith('.')
        ? relative(root, resolve(entry.parentPath, specifier))
        : specifier;
      found.push({ file: relative(root, path), specifier, target });
    }
  }
  return found;
}

function violations(folder: string, forbidden: (target: string) => boolean): string[] {
  return importsUnder(folder)
    .filter(({ target }) => forbidden(target))
    .map(({ file, specifier }) => `${file} imports ${specifier}`);
}

const isGraphql = (target: string) =>
  target === 'graphql' ||
  target.startsWith('graphql/') ||
  target.startsWith('graphql-') ||
  target.startsWith('@pothos/') ||
  target.startsWith('@graphql-') ||
  target.startsWith('server/graphql/') ||
  target.startsWith('server/web/');

describe('layers', () => {
  it.each(['server/identity', 'server/conversations', 'server/access', 'server/db'])(
    'the domain in %s never imports GraphQL or the web layer',
    (folder) => {
      expect(violations(folder, isGraphql)).toEqual([]);
    },
  );

  it.each(['server/identity', 'server/conversations', 'server/access', 'server/db'])(
    'the domain in %s never imports realtime/: it records events, realtime/ publishes them',
    (folder) => {
      // Tests may open a real Redis with realtime's helper; the code that ships may not.
      const shipped = importsUnder(folder).filter(({ file }) => !/\.test\.tsx?$/.test(file));
      expect(
        shipped
          .filter(({ target }) => target.startsWith('server/realtime/'))
          .map(({ file, specifier }) => `${file} imports ${specifier}`),
      ).toEqual([]);
    },
  );

  it('the contract in protocol/ imports nothing', () => {
    expect(
      importsUnder('protocol').map(({ file, specifier }) => `${file} imports ${specifier}`),
    ).toEqual([]);
  });

  it.each(['widget', 'inbox/src'])('%s reaches the server only through protocol/', (folder) => {
    // Tests start real servers; the code that ships never reaches into server/.
    const shipped = importsUnder(folder).filter(
      ({ file }) => !/\.test\.tsx?$/.test(file) && !file.includes('/test/'),
    );
    expect(
      shipped.filter(({ target }) => target.startsWith('server/')).map(({ file }) => file),
    ).toEqual([]);
  });

  it('server code never writes through console: logs go through the logger, terminal output through print', () => {
    const offenders = shippedServerLines()
      .filter(
        ({ file, text }) => !file.startsWith(join('server', 'test')) && /\bconsole\.\w+/.test(text),
      )
      .map(({ file, line }) => `${file}:${line}`);
    expect(offenders).toEqual([]);
  });

  it('events are published in one place: realtime/event-publisher.ts, after a unit of work commits', () => {
    const offenders = shippedServerLines()
      .filter(
        ({ file, text }) =>
          !file.startsWith(join('server', 'realtime')) && /\bpubsub\.publish\(/.test(text),
      )
      .map(({ file, line }) => `${file}:${line}`);
    expect(offenders).toEqual([]);
  });
});

/** Every line of the server's TypeScript outside tests (test helpers excepted by the caller). */
function shippedServerLines(): Array<{ file: string; line: number; text: string }> {
  const lines: Array<{ file: string; line: number; text: string }> = [];
  for (const entry of readdirSync(join(root, 'server'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.ts$/.test(entry.name) || /\.test\.ts$/.test(entry.name)) continue;
    const file = relative(root, join(entry.parentPath, entry.name));
    for (const [index, text] of readFileSync(join(root, file), 'utf8').split('\n').entries()) {
      lines.push({ file, line: index + 1, text });
    }
  }
  return lines;
}
