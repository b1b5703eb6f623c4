/**
 * The Postgres section's measurement of one setup (an app on SQLite, on Postgres, or two replicas on one Postgres),
 * the same for each so they compare: warmed, at a steady 100 Accepts/s with the outbox delivering, then at full speed
 * with the deliveries held back (the request path alone) with the CPU time of the app processes and of the database
 * server per Accept, then the backlog's drain. And the race of two replicas over the same clicks.
 */
import { DELIVERY_METHODS, drainedBy, HOLD_RETRY_AFTER_S } from './apps.js';
import { type LoadResult, load } from './load.js';
import { type SignedRequest, sign } from './payloads.js';
import type { ServerWork } from './pgServer.js';
import { cpuMs, type Helper, machineCpuMs } from './proc.js';
import { type SteadyResult, steady } from './steady.js';

export interface Setup {
  urls: string[];
  /** The app processes (one per URL). */
  pids: number[];
  /** CPU time the database server has used so far, in ms (Postgres: its own processes; SQLite has none). */
  serverCpu?: () => number;
  /** The Accept of handoff `id` by its AE. */
  click: (id: number) => SignedRequest;
  /** The next open handoff no request has decided yet (shared by setups on one database). */
  ids: { next: number };
  pending: () => number | Promise<number>;
  fake: Helper;
  /** What the database server did during the request-path run (Postgres: pgServer.ts `serverWork`). */
  serverWork?: { start(): Promise<void>; stop(accepts: number): Promise<ServerWork> };
}

/** Where the CPU went during a steady run, as shares of the whole machine (all its cores). */
export interface SteadyLoad {
  /** Busy, every process. */
  machine: number;
  /** The app processes. */
  app: number;
  /** The database server's processes (Postgres). */
  server?: number;
}

export interface Measured {
  steady100: SteadyResult;
  /** The machine's load during the steady run. */
  steadyLoad: SteadyLoad;
  /** The ids the steady run decided: [from, to). */
  steadyIds: [number, number];
  held: {
    rps: number;
    /** The highest p50 and p99 of the replicas' runs. */
    p50: number;
    p99: number;
    accepts: number;
    appCpuMs: number;
    serverCpuMs?: number;
    /** Statements, transactions and lock waits per Accept, on Postgres. */
    work?: ServerWork;
    runs: LoadResult[];
  };
  backlog: number;
  drainSeconds: number;
  drained: boolean;
  /** Accepts answered 2xx over every run of the setup (warm-up included). */
  acked: number;
  failures: number;
}

/** The next Accept, of a new open handoff each time. */
const nextClick = (s: Setup) => () => {
  const id = s.ids.next;
  s.ids.next += 1;
  return s.click(id);
};

const answered = (r: LoadResult | SteadyResult) => r.requests - r.non2xx;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const loadNow = (s: Setup) => ({
  machine: machineCpuMs(),
  app: sum(s.pids.map(cpuMs)),
  server: s.serverCpu?.(),
});

function loadSince(s: Setup, before: ReturnType<typeof loadNow>): SteadyLoad {
  const now = loadNow(s);
  const all = Math.max(now.machine.all - before.machine.all, 1);
  return {
    machine: (now.machine.busy - before.machine.busy) / all,
    app: (now.app - before.app) / all,
    ...(now.server === undefined || before.server === undefined
      ? {}
      : { server: (now.server - before.server) / all }),
  };
}

/** At full speed on every URL at once, 10 connections shared out between them. */
const fullSpeed = (s: Setup, seconds: number) =>
  Promise.all(s.urls.map((url) => load(url, nextClick(s), { seconds, connections: 10 / s.urls.length })));

export async function measure(s: Setup, seconds: number): Promise<Measured> {
  // 2 s to warm up (a toy run's shorter, as its runs are).
  const warm = await fullSpeed(s, Math.min(2, seconds));
  await drainedBy(s.pending, 120_000);
  const from = s.ids.next;
  const loadBefore = loadNow(s);
  const steady100 = await steady(s.urls, nextClick(s), { rate: 100, seconds, connections: 10 });
  const steadyLoad = loadSince(s, loadBefore);
  const steadyIds: [number, number] = [from, s.ids.next];
  await drainedBy(s.pending, 120_000);

  await s.fake.request({ type: 'hold', methods: DELIVERY_METHODS, retryAfter: HOLD_RETRY_AFTER_S });
  await s.serverWork?.start();
  const appBefore = sum(s.pids.map(cpuMs));
  const serverBefore = s.serverCpu?.();
  const runs = await fullSpeed(s, seconds);
  const appCpu = sum(s.pids.map(cpuMs)) - appBefore;
  const serverCpu = serverBefore === undefined ? undefined : (s.serverCpu?.() ?? 0) - serverBefore;
  const work = await s.serverWork?.stop(sum(runs.map(answered)));
  const backlog = await s.pending();
  await s.fake.request({ type: 'release' });
  const releasedAt = performance.now();
  const drained = await drainedBy(s.pending, 30 * 60_000);
  const accepts = sum(runs.map(answered));
  return {
    steady100,
    steadyLoad,
    steadyIds,
    held: {
      rps: sum(runs.map((r) => r.rps)),
      p50: Math.max(...runs.map((r) => r.p50)),
      p99: Math.max(...runs.map((r) => r.p99)),
      accepts,
      appCpuMs: appCpu / Math.max(accepts, 1),
      ...(serverCpu === undefined ? {} : { serverCpuMs: serverCpu / Math.max(accepts, 1) }),
      ...(work ? { work } : {}),
      runs,
    },
    backlog,
    drainSeconds: (performance.now() - releasedAt) / 1000,
    drained,
    acked: sum([...warm, steady100, ...runs].map(answered)),
    failures: sum([...warm, steady100, ...runs].map((r) => r.non2xx + r.errors)),
  };
}

export interface RaceResult {
  pairs: number;
  /** Answers 2xx, of 2 per pair. */
  answered: number;
  /** Submissions the app refused inline (their modal's `errors`: the handoff was already accepted). */
  refusals: number;
  ids: [number, number];
}

/**
 * The same Accept (the accept modal's submission, issue 51) sent to two replicas at once, `pairs` times (50 pairs a
 * second): each handoff must be decided once, and the submission that lost must be refused in its modal (`errors`).
 */
export async function race(s: Setup, pairs: number): Promise<RaceResult> {
  const [a, b] = s.urls as [string, string];
  const from = s.ids.next;
  const post = async (url: string, req: SignedRequest) => {
    const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: req.headers, body: req.body });
    const text = await res.text();
    return {
      answered: res.ok ? 1 : 0,
      refused: res.ok && text.includes('"response_action":"errors"') ? 1 : 0,
    };
  };
  const sent: Promise<{ answered: number; refused: number }>[] = [];
  for (let i = 0; i < pairs; i += 1) {
    const id = s.ids.next;
    s.ids.next += 1;
    const req = sign(s.click(id).body);
    sent.push(post(a, req), post(b, req));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const answers = await Promise.all(sent);
  await drainedBy(s.pending, 120_000);
  return {
    pairs,
    answered: sum(answers.map((r) => r.answered)),
    refusals: sum(answers.map((r) => r.refused)),
    ids: [from, s.ids.next],
  };
}
