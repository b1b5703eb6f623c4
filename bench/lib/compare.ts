/**
 * The Accept of this checkout beside the Accept of a reference commit, measured in the same run (`--reference`):
 * the figures each app's runs give, and the side-by-side table. Pure, so the table's shape is tested.
 */

/** What the ack section measures of one app (the built dist/ of this checkout or of the reference). */
export interface AcceptFigures {
  /** CPU time (user and system) per Accept, request path with the deliveries held back, at full speed (ms). */
  cpuMs: number;
  /** The same at a steady HELD_STEADY_RATE requests/s (ms), and the rate reached. */
  steadyCpuMs: number;
  steadyRps: number;
  /**
   * CPU time per Accept with the outbox delivering, over the load and until the outbox had nothing left (every change
   * expanded, every Slack call answered): all the work an Accept sets off. At a steady 200 requests/s, and at full
   * speed (ms; NaN when the outbox did not empty in time).
   */
  deliveredCpuMs: number;
  deliveredMaxCpuMs: number;
  /** Request path, deliveries held back, at full speed. */
  heldRps: number;
  heldP50: number;
  heldP99: number;
  /** With the outbox delivering in the same process, at a steady rate. */
  steady100: { p50: number; p99: number; rps: number };
  steady200: { p50: number; p99: number; rps: number };
  /** With the outbox delivering, at full speed. */
  maxRps: number;
  /** The decision alone (decideProbe.ts), CPU ms per decision; a string says why it could not be measured. */
  decideCpuMs: number | string;
  /** The WAL pages each decision's commit writes (decideProbe.ts); a string says why it could not be measured. */
  decidePages: number | string;
  /**
   * Everything an Accept writes, without HTTP or Bolt: the decision and the expansion of the change it queued (a build
   * whose decision writes every row has none), CPU ms per Accept; a string says why it could not be measured.
   */
  writesCpuMs: number | string;
  rssMb: number;
}

/** The durable baseline, measured once in the run: bare Bolt writing one SQLite row before its ack. */
export interface Baseline {
  cpuMs: number;
  rps: number;
}

export interface Labels {
  current: string;
  reference: string;
}

/** The issue's target: CPU per Accept at most half the reference's, in the same run. */
export const CPU_TARGET_RATIO = 0.5;
/**
 * The steady rate of the second CPU measure (deliveries held back): one both apps keep up with on this machine (the
 * reference answers about 550-620 requests/s at full speed), so both are measured under the same load. At full speed
 * the load generator, on the same two cores, works as hard as the faster app lets it, and a busier neighbour makes
 * every instruction of the app dearer: that figure favours the slower app.
 */
export const HELD_STEADY_RATE = 300;
/** The issue's target: Accept p99 under 50 ms at a steady 100 requests/s with delivery running. */
export const STEADY_100_P99_MS = 50;

const num = (n: number, digits: number) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—';

/** `a / b` as "0.52x"; a dash when either is missing or b is 0. */
export function ratio(a: number | string, b: number | string): string {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return '—';
  return `${num(a / b, 2)}x`;
}

/** A measured figure with its unit, or why it could not be measured. */
const figure = (n: number | string, digits: number, unit = '') =>
  typeof n === 'number' ? `${num(n, digits)}${unit}` : `n/a (${n})`;
const ms = (n: number | string, digits = 2) => figure(n, digits, ' ms');
/** A CPU figure a run could not measure (NaN) says so. */
const cpuMs = (n: number) => (Number.isNaN(n) ? 'n/a (not measured)' : ms(n));
const latency = (r: { p50: number; p99: number; rps: number }, rate: number) =>
  `${num(r.p50, 1)} / ${num(r.p99, 1)} ms${r.rps < rate * 0.95 ? ` (only ${num(r.rps, 0)} req/s reached)` : ''}`;
const judged = (target: string, ok: boolean | undefined) =>
  ok === undefined ? `${target} (not judged)` : `${target} ${ok ? '✅' : '❌ misses'}`;

export interface ComparisonRow {
  measure: string;
  current: string;
  reference: string;
  ratio: string;
  target: string;
  ok?: boolean;
}

/** A CPU figure of the Accept judged against the target: which figure, in which run, and what its time counts. */
interface CpuMeasure {
  figure: 'cpuMs' | 'steadyCpuMs' | 'deliveredCpuMs' | 'deliveredMaxCpuMs';
  run: string;
  counts: string;
  /** A steady run: its rate, and the rate each app reached. */
  rate?: { rate: number; reached(f: AcceptFigures): number };
}

const UNTIL_EXPANDED = 'over the load and until the changes it queued were expanded';
const UNTIL_DELIVERED =
  'over the load and until the outbox had nothing left (every change expanded, every Slack message delivered): all the work an Accept sets off';

/**
 * The CPU measures, in the table's order. The first two hold Slack's deliveries back (the request path, and the
 * expansion of each change, which a Slack hold does not hold back); the last two let the outbox deliver and count
 * until it is empty.
 */
export const CPU_MEASURES = {
  held: { figure: 'cpuMs', run: 'request path (deliveries held back), full speed', counts: UNTIL_EXPANDED },
  heldSteady: {
    figure: 'steadyCpuMs',
    run: `request path (deliveries held back), at a steady ${HELD_STEADY_RATE} req/s`,
    counts: UNTIL_EXPANDED,
    rate: { rate: HELD_STEADY_RATE, reached: (f) => f.steadyRps },
  },
  delivered: {
    figure: 'deliveredCpuMs',
    run: 'delivery running, at a steady 200 req/s',
    counts: UNTIL_DELIVERED,
    rate: { rate: 200, reached: (f) => f.steady200.rps },
  },
  deliveredMax: { figure: 'deliveredMaxCpuMs', run: 'delivery running, full speed', counts: UNTIL_DELIVERED },
} satisfies Record<string, CpuMeasure>;

/** One round's CPU per Accept (ms) of each app (`--rounds`), by measure. */
export type Round = Record<keyof typeof CPU_MEASURES, { current: number; reference: number }>;

/** The round the figures of one run of each app make. */
export function roundOf(current: AcceptFigures, reference: AcceptFigures): Round {
  const pairs = Object.entries(CPU_MEASURES).map(([key, m]) => [
    key,
    { current: current[m.figure], reference: reference[m.figure] },
  ]);
  return Object.fromEntries(pairs) as Round;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The CPU rows of one measure: with one round, this run's two figures and their ratio; with several (`--rounds`), the
 * median of each app's figures and the median of the rounds' ratios (the target is judged on it), then every round's.
 */
function cpuRows(
  rounds: readonly { current: number; reference: number }[],
  measure: CpuMeasure,
  figures: { current: AcceptFigures; reference: AcceptFigures },
): ComparisonRow[] {
  const rate = measure.rate && {
    rate: measure.rate.rate,
    current: measure.rate.reached(figures.current),
    reference: measure.rate.reached(figures.reference),
  };
  const ratios = rounds.map((r) => (r.reference > 0 ? r.current / r.reference : Number.NaN));
  const cpuRatio = median(ratios);
  const several = rounds.length > 1;
  const current = median(rounds.map((r) => r.current));
  const reference = median(rounds.map((r) => r.reference));
  const short = (reached: number | undefined) =>
    rate && reached !== undefined && reached < rate.rate * 0.95
      ? ` (only ${num(reached, 0)} req/s reached)`
      : '';
  const rows: ComparisonRow[] = [
    {
      measure: `CPU time per Accept, ${measure.run}: the process’s user and system time per request answered, ${measure.counts}${several ? ` (median of ${rounds.length} alternating rounds; the ratio is the median of the rounds’ ratios)` : ''}`,
      current: `${cpuMs(current)}${short(rate?.current)}`,
      reference: `${cpuMs(reference)}${short(rate?.reference)}`,
      ratio: several ? (Number.isFinite(cpuRatio) ? `${num(cpuRatio, 2)}x` : '—') : ratio(current, reference),
      target: `≤ ${CPU_TARGET_RATIO}x`,
      ...(Number.isFinite(cpuRatio) ? { ok: cpuRatio <= CPU_TARGET_RATIO } : {}),
    },
  ];
  if (several)
    rows.push({
      measure: `CPU time per Accept (${measure.run}) in each round, in the order measured (this / reference)`,
      current: rounds.map((r) => cpuMs(r.current)).join(', '),
      reference: rounds.map((r) => cpuMs(r.reference)).join(', '),
      ratio: ratios.map((r) => (Number.isFinite(r) ? `${num(r, 2)}x` : '—')).join(', '),
      target: '',
    });
  return rows;
}

export function comparisonRows(
  current: AcceptFigures,
  reference: AcceptFigures,
  baseline: Baseline,
  rounds: readonly Round[] = [roundOf(current, reference)],
) {
  const cpu = Object.entries(CPU_MEASURES).flatMap(([key, measure]) =>
    cpuRows(
      rounds.map((r) => r[key as keyof Round]),
      measure,
      { current, reference },
    ),
  );
  const rows: ComparisonRow[] = [
    ...cpu,
    {
      measure:
        'the durable baseline (bare Bolt writing one SQLite row, measured once in this run): CPU per request',
      current: ms(baseline.cpuMs),
      reference: ms(baseline.cpuMs),
      ratio: '',
      target: '',
    },
    {
      measure: 'CPU time per Accept / the durable baseline’s CPU per request',
      current: ratio(current.cpuMs, baseline.cpuMs),
      reference: ratio(reference.cpuMs, baseline.cpuMs),
      ratio: '',
      target: '',
    },
    {
      measure: 'Accept request path (deliveries held back): requests/s at full speed (10 connections)',
      current: num(current.heldRps, 0),
      reference: num(reference.heldRps, 0),
      ratio: ratio(current.heldRps, reference.heldRps),
      target: '',
    },
    {
      measure: 'Accept request path / the durable baseline: throughput',
      current: ratio(current.heldRps, baseline.rps),
      reference: ratio(reference.heldRps, baseline.rps),
      ratio: '',
      target: '',
    },
    {
      measure: 'Accept request path (deliveries held back): p50 / p99 at full speed (ratio of the p99)',
      current: `${num(current.heldP50, 1)} / ${num(current.heldP99, 1)} ms`,
      reference: `${num(reference.heldP50, 1)} / ${num(reference.heldP99, 1)} ms`,
      ratio: ratio(current.heldP99, reference.heldP99),
      target: '',
    },
    {
      measure: 'Accept while the outbox delivers: p50 / p99 at a steady 100 req/s (ratio of the p99)',
      current: latency(current.steady100, 100),
      reference: latency(reference.steady100, 100),
      ratio: ratio(current.steady100.p99, reference.steady100.p99),
      target: `p99 < ${STEADY_100_P99_MS} ms (this checkout)`,
      ...(Number.isFinite(current.steady100.p99) ? { ok: current.steady100.p99 < STEADY_100_P99_MS } : {}),
    },
    {
      measure: 'Accept while the outbox delivers: p50 / p99 at a steady 200 req/s (ratio of the p99)',
      current: latency(current.steady200, 200),
      reference: latency(reference.steady200, 200),
      ratio: ratio(current.steady200.p99, reference.steady200.p99),
      target: '',
    },
    {
      measure: 'Accept end to end (delivery running): requests/s at full speed (10 connections)',
      current: num(current.maxRps, 0),
      reference: num(reference.maxRps, 0),
      ratio: ratio(current.maxRps, reference.maxRps),
      target: '',
    },
    {
      measure: 'the Accept’s decision alone (decide(), no HTTP, no Bolt): CPU time per decision',
      current: ms(current.decideCpuMs),
      reference: ms(reference.decideCpuMs),
      ratio: ratio(current.decideCpuMs, reference.decideCpuMs),
      target: '',
    },
    {
      measure:
        'everything the Accept writes (no HTTP, no Bolt): the decision and the expansion of the change it queued, as the worker does it (the reference writes every row in the decision): CPU time per Accept',
      current: ms(current.writesCpuMs),
      reference: ms(reference.writesCpuMs),
      ratio: ratio(current.writesCpuMs, reference.writesCpuMs),
      target: '',
    },
    {
      measure:
        'the decision’s commit: pages written to the WAL (each two writes, and a checkpoint’s copy later)',
      current: figure(current.decidePages, 1),
      reference: figure(reference.decidePages, 1),
      ratio: ratio(current.decidePages, reference.decidePages),
      target: '',
    },
    {
      measure: 'app peak RSS during the Accept runs',
      current: `${num(current.rssMb, 0)} MB`,
      reference: `${num(reference.rssMb, 0)} MB`,
      ratio: ratio(current.rssMb, reference.rssMb),
      target: '',
    },
  ];
  return rows;
}

/** The side-by-side Markdown table: one row per measure, this checkout, the reference, their ratio, the target. */
export function sideBySide(
  current: AcceptFigures,
  reference: AcceptFigures,
  baseline: Baseline,
  labels: Labels,
  rounds?: readonly Round[],
): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| measure | this checkout (${cell(labels.current)}) | reference (${cell(labels.reference)}) | this / reference | target |`,
    '| --- | --- | --- | --- | --- |',
    ...comparisonRows(current, reference, baseline, rounds).map(
      (r) =>
        `| ${cell(r.measure)} | ${cell(r.current)} | ${cell(r.reference)} | ${r.ratio} | ${r.target ? judged(r.target, r.ok) : ''} |`,
    ),
  ].join('\n');
}
