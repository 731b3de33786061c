/**
 * Exact latency percentiles: every sample is kept (a run records at most a few hundred
 * thousand), sorted once, and read by the nearest-rank method, so p99 is a latency some
 * operation really had, not an interpolation.
 */

/** A latency distribution, in milliseconds. */
export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The nearest-rank percentiles of `samples` (ms); zeros when there are none. */
export function latencyOf(samples: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return {
    count: sorted.length,
    p50: rank(50),
    p99: rank(99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** `12.3 ms`, `1.23 s`: milliseconds as a person reads them. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** `p50 12 ms, p99 48 ms`. */
export function formatLatency(latency: Latency): string {
  return `p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}`;
}

/** Bytes in KB (1,024 bytes), one decimal. */
export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A rate with no more precision than a noisy machine gives: `1,234/s`. */
export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/** An error as the table shows it: its first line, at most 60 characters (the JSON has all). */
export function formatError(error: string | null): string {
  const line = error?.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
