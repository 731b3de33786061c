import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Kills every child still running and waits for each to exit: no process outlives its test. */
export async function killAll(children: Set<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    }),
  );
  children.clear();
}
