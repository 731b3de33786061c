/**
 * The page-view load, run in a client process: `clients` visitors at once, each opening the
 * page again as soon as the previous one closed (a closed loop). A page view is what the
 * widget does on a page that identified its user: a new socket whose join carries the email
 * and name, the ack, the widget's own `visitor` query, then the close.
 */
import { randomUUID } from 'node:crypto';
import type { JoinPayload } from '../../protocol/index.ts';
import { VISITOR_QUERY } from '../../widget/operations.ts';
import { errorOf, openSocket } from './sockets.ts';

export interface PageViewInput {
  readonly url: string;
  readonly siteId: string;
  readonly clients: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /**
   * `new`: every page view is a new visitor with a new email (its first page).
   * `returning`: each client keeps one visitorId, identified before the clock starts.
   */
  readonly visitors: 'new' | 'returning';
}

export interface PageViewOutput {
  /** The latency of each page view started after the warm-up, open to closed, in ms. */
  readonly samples: Float64Array;
  /** Page views after the warm-up that failed (refused join, error, no identity). */
  readonly failures: number;
  readonly firstError: string | null;
  /** From the end of the warm-up to the last page view's close. */
  readonly measuredSeconds: number;
}

function newIdentity(siteId: string): JoinPayload {
  const visitorId = randomUUID();
  return { siteId, visitorId, email: `pv-${visitorId}@example.com`, name: 'Page Viewer' };
}

async function pageView(url: string, join: JoinPayload): Promise<void> {
  const socket = openSocket(url, { ...join });
  try {
    await socket.connected;
    const result = await socket.execute(VISITOR_QUERY);
    const error = errorOf(result);
    if (error !== null) throw new Error(error);
    if (result.data?.visitor?.identified !== true) {
      throw new Error(`the visitor query shows no identity: ${JSON.stringify(result.data)}`);
    }
  } finally {
    await socket.close();
  }
}

async function pageViews(input: PageViewInput): Promise<PageViewOutput> {
  const own = Array.from({ length: input.clients }, () => newIdentity(input.siteId));
  if (input.visitors === 'returning')
    await Promise.all(own.map((join) => pageView(input.url, join)));

  const measureFrom = performance.now() + input.warmupSeconds * 1000;
  const end = measureFrom + input.seconds * 1000;
  const samples: number[] = [];
  let failures = 0;
  let firstError: string | null = null;
  let lastClose = measureFrom;
  await Promise.all(
    own.map(async (identity) => {
      while (performance.now() < end) {
        const join = input.visitors === 'returning' ? identity : newIdentity(input.siteId);
        const began = performance.now();
        try {
          await pageView(input.url, join);
          if (began >= measureFrom) samples.push(performance.now() - began);
        } catch (error) {
          if (began >= measureFrom) failures++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        lastClose = Math.max(lastClose, performance.now());
      }
    }),
  );
  return {
    samples: Float64Array.from(samples),
    failures,
    firstError,
    measuredSeconds: (lastClose - measureFrom) / 1000,
  };
}

export const clientMethods = { pageViews };
