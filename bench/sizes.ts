/**
 * What a first visit downloads: widget.js gzipped and brotli (built as `npm run build:widget`
 * builds it, measured by bench/widget-size.ts), and the inbox's first load: its index.html and
 * every asset that page names (scripts, stylesheets, preloads), built by Vite into a scratch
 * directory, each gzipped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import type { Scenario, ScenarioResult } from './lib/scenario.ts';
import { formatKb } from './lib/stats.ts';
import { GZIP_BUDGET_BYTES, measureWidget } from './widget-size.ts';

const INBOX_CONFIG = fileURLToPath(new URL('../inbox/vite.config.ts', import.meta.url));
/** The path the server serves the inbox under (the config's `base`). */
const INBOX_BASE = '/inbox/';

export const sizes: Scenario = {
  name: 'sizes',
  summary: 'widget.js gzip and brotli, the inbox’s first load gzipped',
  byDefault: true,
  async run(): Promise<ScenarioResult> {
    const widget = await measureWidget();
    const inbox = await measureInboxFirstLoad();
    return {
      rows: [
        {
          figure: 'widget.js gzip -9',
          measured: formatKb(widget.gzip),
          target: `≤ ${formatKb(GZIP_BUDGET_BYTES)}`,
          holds: widget.gzip <= GZIP_BUDGET_BYTES,
        },
        { figure: 'widget.js brotli', measured: formatKb(widget.brotli), target: '', holds: null },
        {
          figure: 'inbox first load, gzip -9',
          measured: `${formatKb(inbox.gzip)} (${inbox.files.length} files, ${formatKb(inbox.bytes)} raw)`,
          target: '',
          holds: null,
        },
      ],
      data: { widget, inbox },
    };
  },
};

interface FirstLoad {
  readonly bytes: number;
  readonly gzip: number;
  readonly files: ReadonlyArray<{
    readonly path: string;
    readonly bytes: number;
    readonly gzip: number;
  }>;
}

async function measureInboxFirstLoad(): Promise<FirstLoad> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'sonny-bench-inbox-'));
  try {
    await build({
      configFile: INBOX_CONFIG,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((match) => match[1] ?? '')
      .filter((url) => url.startsWith(INBOX_BASE));
    const files = ['index.html', ...new Set(assets.map((url) => url.slice(INBOX_BASE.length)))].map(
      (file) => {
        const content = readFileSync(path.join(outDir, file));
        return { path: file, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
      },
    );
    return {
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      gzip: files.reduce((sum, file) => sum + file.gzip, 0),
      files,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
