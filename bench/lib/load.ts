/** The load runs of the bench: autocannon at full speed, and a run's CPU time per request of the process under it. */
import autocannon from 'autocannon';
import { cpuMs } from './proc.js';
import type { SteadyResult } from './steady.js';

/** A load run's figures (the steady runs' and autocannon's alike). */
export interface LoadResult extends SteadyResult {
  /** CPU time (user and system) the app under load used per request answered, in ms (set by the caller). */
  cpuPerRequestMs?: number;
  /** The answers by HTTP status, when any was not a 2xx (autocannon's `statusCodeStats`). */
  codes?: Record<string, number>;
}

/**
 * `run` under load, with the CPU time the process `pid` used per request answered. A run that says its figure could
 * not be measured (`cpuPerRequestMs` NaN: what it waited for did not happen in time) keeps it so.
 */
export async function withCpu(pid: number, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = cpuMs(pid);
  const result = await run();
  if (Number.isNaN(result.cpuPerRequestMs)) return result;
  const answered = result.requests - result.non2xx;
  return { ...result, cpuPerRequestMs: (cpuMs(pid) - before) / Math.max(answered, 1) };
}

/** autocannon at full speed: `connections` connections, each sending its next request as soon as it has an answer. */
export async function load(
  url: string,
  next: () => { body: string; headers: Record<string, string> },
  opts: { seconds: number; connections: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/slack/events`,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [{ method: 'POST', path: '/slack/events', setupRequest: (req) => ({ ...req, ...next() }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...(result.non2xx > 0 ? { codes: statusCounts(result.statusCodeStats) } : {}),
  };
}

const statusCounts = (stats: Record<string, { count?: number }> = {}) =>
  Object.fromEntries(Object.entries(stats).map(([code, s]) => [code, s?.count ?? 0]));

/** Requests answered with a 2xx over the runs given. */
export const acked = (...results: (LoadResult | undefined)[]) =>
  results.reduce((n, r) => n + (r?.requests ?? 0) - (r?.non2xx ?? 0), 0);
