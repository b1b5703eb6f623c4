/** The command line of `npm run bench` (bench/run.ts), read without side effects so it can be tested. */
import { parseArgs } from 'node:util';

export const SECTIONS = ['ack', 'e2e', 'scale', 'cold', 'postgres', 'storm', 'tenants'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchArgs {
  sections: Set<Section>;
  /** Seconds of each load run in the ack section. */
  duration: number;
  handoffs: number;
  rows: number;
  /** The most installations the tenants section serves (it measures 1, 10, 100, 1,000 up to it; `--tenants N`). */
  tenants: number;
  /** The tenants section measures `tenants` installations alone, not the smaller counts (`--tenants-only`). */
  tenantsOnly: boolean;
  out: string;
  keep: boolean;
  /** A commit whose app the ack section also measures, from a clean checkout (`--reference <commit>`). */
  reference?: string;
  /**
   * How many times the Accept of this checkout and of the reference are measured, alternating (`--rounds N`, with
   * `--reference`): the CPU target is judged on the median of the rounds' ratios.
   */
  rounds: number;
  /** A directory for V8 CPU profiles of each app the ack and postgres sections start (`--cpu-prof=DIR`, node's --cpu-prof). */
  cpuProf?: string;
  /**
   * The apps' gap between two posts to one conversation (`--pace-ms N`, OUTBOX_CHANNEL_INTERVAL_MS): unset, the app's
   * own (Slack's one post a second). The drills' smoke run sets it low, so its drains do not wait on Slack's pacing;
   * the figures of such a run are not the app's.
   */
  paceMs?: number;
}

/** Where a run with `--reference` writes its table unless `--out` says otherwise (results.md is the full run's). */
export const REFERENCE_OUT = 'bench/results-reference.md';

const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not "${text}"`);
  return n;
};

const paceMs = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--pace-ms must be a whole number of milliseconds, not "${text}"`);
  return n;
};

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      only: { type: 'string', default: SECTIONS.join(',') },
      handoffs: { type: 'string', default: '10000' },
      rows: { type: 'string', default: '1000000' },
      tenants: { type: 'string', default: '1000' },
      'tenants-only': { type: 'boolean', default: false },
      duration: { type: 'string', default: '10' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      reference: { type: 'string' },
      'cpu-prof': { type: 'string' },
      rounds: { type: 'string', default: '1' },
      'pace-ms': { type: 'string' },
    },
  });
  const sections = new Set<Section>();
  for (const name of values.only.split(',').map((s) => s.trim())) {
    const section = SECTIONS.find((s) => s === name);
    if (!section) throw new Error(`--only: unknown section "${name}" (sections: ${SECTIONS.join(', ')})`);
    sections.add(section);
  }
  const reference = values.reference?.trim();
  if (values.reference !== undefined) {
    // A commit-ish that git would read as an option (or nothing at all) is refused before git sees it.
    if (!reference || reference.startsWith('-'))
      throw new Error(`--reference needs a commit (a hash, a tag, HEAD~1), not "${values.reference}"`);
    if (!sections.has('ack'))
      throw new Error('--reference compares the Accept (the ack section): add ack to --only');
  }
  const rounds = positive('rounds', values.rounds);
  if (!Number.isInteger(rounds)) throw new Error(`--rounds must be a whole number, not "${values.rounds}"`);
  if (rounds > 1 && !reference)
    throw new Error('--rounds alternates this checkout and a reference: add --reference <commit>');
  return {
    sections,
    rounds,
    duration: positive('duration', values.duration),
    handoffs: positive('handoffs', values.handoffs),
    rows: positive('rows', values.rows),
    tenants: positive('tenants', values.tenants),
    tenantsOnly: values['tenants-only'],
    out: values.out ?? (reference ? REFERENCE_OUT : 'bench/results.md'),
    keep: values.keep,
    ...(reference ? { reference } : {}),
    ...(values['cpu-prof'] ? { cpuProf: values['cpu-prof'] } : {}),
    ...(values['pace-ms'] === undefined ? {} : { paceMs: paceMs(values['pace-ms']) }),
  };
}
