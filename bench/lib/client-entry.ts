/**
 * The client process's entry (see client-process.ts): imports the scenario module named by
 * its argument and answers the parent's calls to its `clientMethods`.
 */
import type { ClientMethods, ClientRequest, ClientResponse } from './client-process.ts';

const moduleUrl = process.argv[2];
if (moduleUrl === undefined) throw new Error('client-entry needs the scenario module URL');
const { clientMethods } = (await import(moduleUrl)) as { clientMethods: ClientMethods };

process.on('message', async ({ id, method, input }: ClientRequest) => {
  const answer = (response: ClientResponse) => process.send?.(response);
  const called = clientMethods[method];
  if (called === undefined) {
    answer({ id, ok: false, error: `no client method ${method}` });
    return;
  }
  try {
    answer({ id, ok: true, output: await called(input as never) });
  } catch (error) {
    answer({
      id,
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
// The parent went away: nothing left to measure.
process.on('disconnect', () => process.exit(0));
