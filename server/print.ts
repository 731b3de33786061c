/**
 * Output for the person at the terminal: what a CLI command did, the banner `npm start`
 * prints. Not log lines (those go through the logger, as JSON off a terminal): these are read
 * by people and by scripts that parse them, so they stay plain text.
 */
export function print(...lines: string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

/** Like {@link print}, on stderr: what went wrong, for the person who ran the command. */
export function printError(...lines: string[]): void {
  process.stderr.write(lines.map((line) => `${line}\n`).join(''));
}
