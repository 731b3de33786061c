/**
 * The widget's weight as a visitor downloads it: `node bench/widget-size.ts` builds the bundle
 * (as `npm run build:widget` does) and prints its minified, gzipped and brotli sizes against
 * the budget of 25 KB gzipped. Exits 1 when over budget. `npm run bench -- sizes` reports the
 * same figures in its table.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { isMainModule } from '../server/main-module.ts';
import { bundleWidget } from '../widget/build.ts';

/** The goal: at most 25 KB gzipped. */
export const GZIP_BUDGET_BYTES = 25 * 1024;

export interface WidgetSizes {
  readonly minified: number;
  /** gzip -9, as the server sends it. */
  readonly gzip: number;
  /** brotli quality 11, as the server sends it. */
  readonly brotli: number;
}

/** Builds the bundle in memory and measures it, compressed as the server compresses it. */
export async function measureWidget(): Promise<WidgetSizes> {
  const minified = Buffer.from(await bundleWidget());
  return {
    minified: minified.length,
    gzip: gzipSync(minified, { level: 9 }).length,
    brotli: brotliCompressSync(minified, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function printWidgetSizes(): Promise<void> {
  const { minified, gzip, brotli } = await measureWidget();
  const rows = [
    ['minified', minified],
    ['gzip -9', gzip],
    ['brotli q11', brotli],
  ] as const;
  console.log('widget.js (dist/widget.js)');
  console.log(`| ${'encoding'.padEnd(10)} | ${'bytes'.padStart(7)} | ${'size'.padStart(8)} |`);
  console.log(`| ${'-'.repeat(10)} | ${'-'.repeat(7)} | ${'-'.repeat(8)} |`);
  for (const [name, bytes] of rows) {
    console.log(`| ${name.padEnd(10)} | ${String(bytes).padStart(7)} | ${kb(bytes).padStart(8)} |`);
  }
  const verdict = gzip <= GZIP_BUDGET_BYTES ? 'within' : 'OVER';
  console.log(
    `gzip budget ${kb(GZIP_BUDGET_BYTES)}: ${verdict} (${kb(GZIP_BUDGET_BYTES - gzip)} left)`,
  );
  if (gzip > GZIP_BUDGET_BYTES) process.exitCode = 1;
}

if (isMainModule(import.meta.url)) await printWidgetSizes();
