/**
 * vitest's global setup: before any suite runs, rebuilds the widget bundle and the inbox when
 * `dist/` lacks them or is older than their sources. The server only serves what was built,
 * so the browser suites test the code in the tree; under `npm test`, which builds first, this
 * finds everything fresh and does nothing. It runs once, before the test files start, so no
 * suite ever sees a half-written build.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Build {
  /** The npm script that builds it, as `npm run build` runs it. */
  readonly script: string;
  /** The file the build writes last; its age is the build's. */
  readonly output: string;
  /** Files and folders whose change makes the build stale (tests excluded). */
  readonly sources: readonly string[];
}

const BUILDS: readonly Build[] = [
  {
    script: 'build:widget',
    output: 'dist/widget.js',
    // Both bundles carry what they import of the contract.
    sources: ['widget', 'protocol'],
  },
  { script: 'build:inbox', output: 'dist/inbox/index.html', sources: ['inbox', 'protocol'] },
];

export default async function buildStale(): Promise<void> {
  for (const build of BUILDS) {
    const builtAt = modifiedAt(join(ROOT, build.output));
    const changedAt = Math.max(...build.sources.map((source) => newest(join(ROOT, source))));
    if (builtAt > changedAt) continue;
    // Without vitest's NODE_ENV=test, as `npm run build` runs: Vite would otherwise bundle
    // React's development build.
    const { NODE_ENV: _, ...env } = process.env;
    await promisify(execFile)('npm', ['run', '--silent', build.script], { cwd: ROOT, env });
  }
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest modification time under `path`, tests skipped; 0 when it does not exist. */
function newest(path: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'test' || entry.name.endsWith('.test.ts')) continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}
