import type { WalkResult } from './packetWalks.js';
import type { WalkCount } from './walkAuthor.js';

/**
 * The packet walk's table (`npm run bench:packet-walk`): each path's counts and score, issue 52's targets for the
 * shortcut path, whether each is met, and, for a target missed, the steps that cost it.
 */

/** One path as walked: its result, or why it could not be walked. */
export interface WalkColumn {
  label: string;
  /** Issue 52's targets apply to it (the shortcut's paths, not today's). */
  judged: boolean;
  result?: WalkResult;
  failure?: string;
}

interface Target {
  measure: string;
  /** The figure of a walk. */
  read(result: WalkResult): number;
  /** At most `max`, or at least `min`. */
  max?: number;
  min?: number;
  /** The steps that make up the figure, largest first (for a target missed). */
  costs?(count: WalkCount): string[];
}

const typedSteps = (count: WalkCount) =>
  count.steps.filter((s) => s.kind === 'typed').sort((a, b) => b.characters - a.characters);

export const TARGETS: Target[] = [
  {
    measure: 'inputs typed',
    read: (r) => r.count.inputsTyped,
    max: 6,
    costs: (c) => typedSteps(c).map((s) => s.what),
  },
  {
    measure: 'characters typed',
    read: (r) => r.count.characters,
    max: 300,
    costs: (c) => typedSteps(c).map((s) => `${s.what} ${s.characters}`),
  },
  {
    measure: 'clicks',
    read: (r) => r.count.clicks,
    max: 10,
    costs: (c) => c.steps.filter((s) => s.clicks > 0).map((s) => `${s.what} ${s.clicks}`),
  },
  {
    measure: 'error rounds',
    read: (r) => r.count.errorRounds,
    max: 0,
    costs: (c) => c.steps.filter((s) => s.kind === 'error round').map((s) => s.what),
  },
  { measure: 'score (review header)', read: (r) => r.score, min: 14 },
];

const met = (target: Target, value: number) =>
  (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min);

const targetText = (t: Target) => (t.max === 0 ? '0' : t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`);

/** A cell: the figure, and for a judged path whether it meets the target. */
function cell(column: WalkColumn, target: Target): string {
  if (!column.result) return 'n/a';
  const value = target.read(column.result);
  if (!column.judged) return String(value);
  return `${value} ${met(target, value) ? '✅' : '❌'}`;
}

/** The markdown table: one row per measure, one column per path, then the target. */
export function walkTable(columns: WalkColumn[]): string {
  const head = `| measure | ${columns.map((c) => c.label).join(' | ')} | target (shortcut) |`;
  const rule = `| --- | ${columns.map(() => '---').join(' | ')} | --- |`;
  const rows = TARGETS.map(
    (t) => `| ${t.measure} | ${columns.map((c) => cell(c, t)).join(' | ')} | ${targetText(t)} |`,
  );
  const header = `| review header | ${columns.map((c) => c.result?.header ?? 'n/a').join(' | ')} | |`;
  return [head, rule, ...rows, header].join('\n');
}

/** For each judged path, each target it misses and the steps that cost it; a path that failed, why. */
export function missedTargets(columns: WalkColumn[]): string[] {
  const lines: string[] = [];
  for (const column of columns) {
    if (column.failure) lines.push(`${column.label}: not walked: ${column.failure}`);
    const { result } = column;
    if (!result || !column.judged) continue;
    for (const t of TARGETS) {
      const value = t.read(result);
      if (met(t, value)) continue;
      const costs = t.costs?.(result.count).join(', ');
      lines.push(
        `${column.label}: ${t.measure} ${value}, target ${targetText(t)}${costs ? ` (${costs})` : ''}`,
      );
    }
  }
  return lines;
}

/** The score lines below 2/2, per path: what made a packet weak. */
export function weakComponents(columns: WalkColumn[]): string[] {
  return columns.flatMap((c) =>
    (c.result?.components ?? []).filter((line) => !/ 2\/2: /.test(line)).map((line) => `${c.label}: ${line}`),
  );
}

/** The readiness items a path left open (not scored, but the header says "not ready"). */
export function readinessLines(columns: WalkColumn[]): string[] {
  return columns.flatMap((c) => (c.result?.readinessOpen ?? []).map((line) => `${c.label}: ${line}`));
}

/** Block Kit that the page flagged as breaking Slack's rules during a walk (Slack would refuse the view). */
export function flaggedLines(columns: WalkColumn[]): string[] {
  return columns.flatMap((c) => (c.result?.flagged ?? []).map((reason) => `${c.label}: ${reason}`));
}

/** Each path's gestures in order, as a short list ("typed why this partner (62)", "click Review"). */
export function stepLines(column: WalkColumn): string {
  const steps = column.result?.count.steps ?? [];
  const text = steps.map((s) =>
    s.kind === 'typed'
      ? `typed ${s.what} (${s.characters})`
      : s.kind === 'click'
        ? `${s.what}${s.clicks > 1 ? ` (${s.clicks} clicks)` : ''}`
        : s.what,
  );
  return `${column.label}: ${text.join(' → ') || 'none'}`;
}

export interface WalkRun {
  /** ISO date and time of the run. */
  date: string;
  commit: string;
  node: string;
  columns: WalkColumn[];
}

const bullets = (title: string, lines: string[]) =>
  lines.length === 0 ? [] : ['', title, '', ...lines.map((line) => `- ${line}`)];

/** The whole report, in markdown: what `bench/results-packet-walk.md` holds and what the script prints. */
export function walkReport(run: WalkRun): string {
  return [
    '# The packet walk (issue 52, "a packet in three minutes")',
    '',
    `${run.date}, commit ${run.commit}, Node ${run.node}. Command: \`npm run bench:packet-walk\`.`,
    '',
    walkTable(run.columns),
    '',
    "Counted by the walk's helpers (bench/lib/walkAuthor.ts): each input filled is one input typed, with its",
    'characters; each click one click (a select two: open it, pick; a checkbox one); each submit answered with',
    '`errors` one error round. Hovering and the Enter after `/handoff` are not counted, nor opening the channel.',
    "The partner's next-move date is counted as typed (10 characters): in Slack it is a date picker, two clicks.",
    ...bullets('Targets missed:', missedTargets(run.columns)),
    ...bullets('Score lines below 2/2:', weakComponents(run.columns)),
    ...bullets('Readiness items open (not scored):', readinessLines(run.columns)),
    ...bullets('Flagged by the sandbox page as Block Kit that Slack refuses:', flaggedLines(run.columns)),
    ...bullets('Steps:', run.columns.map(stepLines)),
    '',
  ].join('\n');
}
