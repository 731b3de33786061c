import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { childProcesses, ownEnv, ROOT } from './test/processes.ts';

/**
 * Every `sonny` command the README and docs/ show, run as a reader would paste it, through
 * npm and a shell, with `--json` (added when the example has none): stdout must be one JSON
 * object and nothing else, so a script can read it. What a reader would fill in is filled in:
 * `site_…` with a real siteId, `/backups/` with a directory of the test's.
 */

// Every example boots the embedded PGlite through npm (seconds of CPU each).
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const processes = childProcesses();

/** The documents a reader copies commands from. */
const DOCUMENTS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

/** A `sonny` command up to what ends it in a shell line or in Markdown. */
const INVOCATION = /(?:npm run(?: -s)? sonny --|npx sonny) [^`;&|#\n]*/g;

/**
 * Each CLI example of the documents as it is run, with `--json`, and the first document that
 * shows it; an example shown twice, with and without `--json`, runs once.
 */
function cliExamples(): Array<{ document: string; command: string }> {
  const found = new Map<string, string>();
  for (const document of DOCUMENTS) {
    const text = fs.readFileSync(path.join(ROOT, document), 'utf8');
    for (const [match] of text.matchAll(INVOCATION)) {
      const shown = match.trim();
      // `npx sonny …`: a mention of the command, not an example of one.
      if (shown.endsWith(' …')) continue;
      const command = / --json(?: |$)/.test(shown) ? shown : `${shown} --json`;
      if (!found.has(command)) found.set(command, document);
    }
  }
  return [...found].map(([command, document]) => ({ document, command }));
}

const examples = cliExamples();

let template: string;
let siteId: string;

beforeAll(async () => {
  // One workspace for the examples to name; each example runs on a copy of it.
  template = fs.mkdtempSync(path.join(os.tmpdir(), 'sonny-examples-'));
  const created = await processes.sonny(
    embeddedEnv(template),
    ...['workspace', 'create', '--name', 'Docs', '--json'],
  );
  if (created.code !== 0) throw new Error(`Could not create a workspace:\n${created.output}`);
  siteId = (JSON.parse(created.stdout) as { siteId: string }).siteId;
});

afterAll(() => {
  fs.rmSync(template, { recursive: true, force: true });
});

/** The environment of a reader on the embedded database in `dataDir`, whatever the runner's. */
function embeddedEnv(dataDir: string): NodeJS.ProcessEnv {
  // SONNY_PASSWORD: what `agent create` reads when there is no terminal to prompt on.
  return ownEnv({ SONNY_DATA_DIR: dataDir, SONNY_PASSWORD: 'correct horse battery' });
}

/** Runs a shell line in the checkout, as a reader pasting it there. */
async function shell(line: string, env: NodeJS.ProcessEnv) {
  const run = processes.watch('sh', ['-c', line], { cwd: ROOT, env });
  const { code } = await run.closed;
  return { code, stdout: run.stdout(), output: run.output() };
}

describe('the CLI examples of the README and docs/', () => {
  it('are there, and none runs through npm with its header lines (npm run without -s)', () => {
    expect(examples.map(({ command }) => command)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('workspace create'),
        expect.stringContaining('apikey create'),
        expect.stringContaining('agent create'),
        expect.stringContaining('migrate'),
        expect.stringContaining('backup'),
        expect.stringContaining('restore'),
      ]),
    );
    for (const { command } of examples)
      expect(command).toMatch(/^(?:npm run -s sonny --|npx sonny) \S/);
  });

  it.each(examples)('$command ($document) prints one JSON object', async ({ command }) => {
    const dir = processes.tempDir('sonny-example-');
    const line = command.replaceAll('site_…', siteId).replaceAll('/backups/', `${dir}/`);
    const dataDir = path.join(dir, 'data');
    if (/ restore /.test(line)) {
      // The backup it restores, written where the example names it; restored into nothing.
      fs.cpSync(template, path.join(dir, 'original'), { recursive: true });
      const backup = line.replace(' restore ', ' backup ');
      const made = await shell(backup, embeddedEnv(path.join(dir, 'original')));
      expect(made.code, made.output).toBe(0);
    } else {
      fs.cpSync(template, dataDir, { recursive: true });
    }

    const result = await shell(line, embeddedEnv(dataDir));

    expect(result.code, result.output).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.trimEnd().split('\n'), result.output).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toEqual(expect.any(Object));
  });
});
