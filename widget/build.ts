/**
 * Bundles the widget into one minified script, `dist/widget.js`: `npm run build:widget` (and so
 * `npm run build` and `npm start`). The server only serves the file. It is replaced atomically
 * (write, then rename), so a server reading it never sees half a bundle, even with builds
 * running in parallel.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the bundle goes and where the server reads it. */
export const WIDGET_BUNDLE_PATH = resolve(ROOT, 'dist/widget.js');

/** Browsers the bundle supports: those with Shadow DOM, `crypto.randomUUID` and `??`. */
const TARGETS = ['chrome92', 'edge92', 'firefox95', 'safari15.4'];

/** Builds the bundle in memory; the esbuild dependency is loaded only when a build runs. */
export async function bundleWidget(): Promise<Uint8Array> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [resolve(ROOT, 'widget/index.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: TARGETS,
    platform: 'browser',
    write: false,
    legalComments: 'none',
    banner: { js: '/*! Sonny widget. MIT License. Bundles urql, wonka and graphql-ws (MIT). */' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output for widget/index.ts');
  return output.contents;
}

/** Builds and writes `dist/widget.js`; returns its path. */
export async function buildWidget(path = WIDGET_BUNDLE_PATH): Promise<string> {
  const contents = await bundleWidget();
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
  return path;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const path = await buildWidget();
  console.log(`Built ${path}`);
}
