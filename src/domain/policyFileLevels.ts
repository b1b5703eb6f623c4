import { z } from 'zod';
import type { Level, Target, Trigger } from './escalation.js';
import type { AfterAccept, StepLevel, TakeBackTarget } from './firstStep.js';
import { STEP_CHECKS, type StepCheck } from './lifecycleState.js';

/**
 * One level of a policy in the escalation policy file (domain/policyFile.ts): when it acts ("50%", "due+4h"), what
 * it does and to whom, and how often it repeats; and how a problem's place in the file is written.
 */

/** A pool's or a policy's name. */
export const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const CHANNEL = /^[CG][A-Z0-9]{2,}$/;

/** "4h" or "2d" (business hours, business days of `dayHours` hours). */
function businessHours(text: string, dayHours: number): number | undefined {
  const m = /^(\d{1,3})(h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'h' ? n : n * dayHours;
}

function trigger(text: string, dayHours: number): Trigger | undefined {
  const t = text.trim();
  const share = /^(\d{1,2})%$/.exec(t);
  if (share && Number(share[1]) >= 1) return { kind: 'share', percent: Number(share[1]) };
  if (t === 'last-morning') return { kind: 'lastMorning' };
  if (t === 'due') return { kind: 'due', afterBusinessHours: 0 };
  const after = /^due\+(.+)$/.exec(t);
  if (after) {
    const hours = businessHours(after[1] ?? '', dayHours);
    const days = /^(\d{1,3})d$/.exec((after[1] ?? '').trim());
    if (hours !== undefined && hours > 0)
      return {
        kind: 'due',
        afterBusinessHours: hours,
        ...(days ? { afterBusinessDays: Number(days[1]) } : {}),
      };
  }
  return undefined;
}

function target(text: string): Target | undefined {
  const t = text.trim();
  if (t === 'ae' || t === 'manager' || t === 'owner' || t === 'cover') return { kind: t };
  const channel = /^channel:(.+)$/.exec(t);
  if (channel && CHANNEL.test(channel[1] ?? '')) return { kind: 'channel', id: channel[1] as string };
  const pool = /^pool:(.+)$/.exec(t);
  if (pool && NAME.test(pool[1] ?? '')) return { kind: 'pool', name: pool[1] as string };
  return undefined;
}

const levelSchema = z.strictObject({
  at: z.string(),
  action: z.enum(['remind', 'notify', 'reassign']),
  to: z.array(z.string()).optional(),
  repeat: z.strictObject({ every: z.string(), times: z.number().int().min(1).max(10) }).optional(),
});

/** A zod issue's place in the file, written as in the messages: `policies.strategic[2].to[0]`. */
function placeOf(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${String(key)}` : String(key)),
    prefix,
  );
}

export function issues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${placeOf(prefix, issue.path) || 'the file'}: ${issue.message}`);
}

/**
 * The level at `here` (`policies.strategic[2]`), or undefined when it cannot be used; every problem found is added
 * to `problems`. `hasPool`: whether the file names a pool.
 */
export function parseLevel(
  here: string,
  rawLevel: unknown,
  hasPool: (name: string) => boolean,
  dayHours: number,
  problems: string[],
): Level | undefined {
  const parsedLevel = levelSchema.safeParse(rawLevel);
  if (!parsedLevel.success) {
    problems.push(...issues(here, parsedLevel.error));
    return undefined;
  }
  const raw = parsedLevel.data;
  const at = trigger(raw.at, dayHours);
  if (!at) problems.push(`${here}.at: "${raw.at}" must be like 50%, last-morning, due, due+4h or due+1d`);
  const to: Target[] = [];
  const texts = raw.to ?? (raw.action === 'remind' ? ['ae'] : []);
  texts.forEach((t, j) => {
    const parsedTarget = target(t);
    if (!parsedTarget)
      problems.push(
        `${here}.to[${j}]: "${t}" must be ae, manager, owner, cover, channel:C012ABCDEF or pool:<name>`,
      );
    else if (parsedTarget.kind === 'pool' && !hasPool(parsedTarget.name))
      problems.push(`${here}.to[${j}]: no pool named "${parsedTarget.name}" in pools`);
    else to.push(parsedTarget);
  });
  if (raw.action === 'remind') {
    if (at?.kind === 'due')
      problems.push(`${here}: a reminder must come before the due time (use notify after it)`);
    if (to.some((t) => t.kind !== 'ae'))
      problems.push(`${here}.to: a reminder goes to the AE only (use notify)`);
  }
  if (raw.action === 'notify' && texts.length === 0) problems.push(`${here}.to: say whom to notify`);
  if (raw.action === 'reassign' && (texts.length !== 1 || !/^(pool:|cover$)/.test(texts[0] ?? '')))
    problems.push(
      `${here}.to: a reassignment goes to exactly one pool, like ["pool:enterprise-backup"], or to ["cover"]`,
    );
  let repeat: Level['repeat'];
  if (raw.repeat) {
    const every = businessHours(raw.repeat.every, dayHours);
    if (every === undefined || every < 1)
      problems.push(`${here}.repeat.every: "${raw.repeat.every}" must be like 4h or 1d`);
    else repeat = { everyBusinessHours: every, times: raw.repeat.times };
  }
  return at ? { at, action: raw.action, to, ...(repeat ? { repeat } : {}) } : undefined;
}

/**
 * After the Accept: a level whose `at` is counted from the AE's first step ("commitment-1d",
 * "commitment", "commitment+3d", in business days), and what it does then, one check each:
 *
 *   { "at": "commitment-1d", "action": "remind" }                       the AE, the morning of a business day before
 *   { "at": "commitment", "action": "check_in" }                        the AE, on the date: how did it go?
 *   { "at": "commitment+2d", "action": "notify", "to": ["owner"] }      the owner, with no news by then
 *   { "at": "commitment+3d", "action": "reassign", "to": ["pool:x"] }   taken back: to a pool's next AE, or ["owner"]
 */
export const isCommitmentLevel = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && typeof (raw as { at?: unknown }).at === 'string'
    ? /^\s*commitment/.test((raw as { at: string }).at)
    : false;

const commitmentSchema = z.strictObject({
  at: z.string(),
  action: z.enum(['remind', 'check_in', 'notify', 'reassign']),
  to: z.array(z.string()).optional(),
});

/** Which check each action of a commitment level is, and the days it may be at (from the step's date). */
const STEP_ACTIONS: Record<
  z.infer<typeof commitmentSchema>['action'],
  { check: StepCheck; days: (d: number) => boolean; when: string }
> = {
  remind: { check: 'reminder', days: (d) => d < 0, when: 'before the step, like commitment-1d' },
  check_in: { check: 'check_in', days: (d) => d === 0, when: "on the step's date: commitment" },
  notify: { check: 'owner', days: (d) => d > 0, when: 'after the step, like commitment+2d' },
  reassign: { check: 'take_back', days: (d) => d > 0, when: 'after the step, like commitment+3d' },
};

/** "commitment", "commitment-1d", "commitment+3d": business days from the step's date. */
function commitmentDays(text: string): number | undefined {
  const m = /^commitment(?:([+-])(\d{1,2})d)?$/.exec(text.trim());
  if (!m) return undefined;
  return m[1] === undefined ? 0 : Number(m[2]) * (m[1] === '-' ? -1 : 1);
}

/** Where a take-back goes: ["owner"] or ["pool:<name>"]. */
function takeBackTarget(texts: readonly string[] | undefined): TakeBackTarget | undefined {
  if (texts?.length !== 1) return undefined;
  const t = (texts[0] ?? '').trim();
  if (t === 'owner') return { kind: 'owner' };
  const pool = /^pool:(.+)$/.exec(t);
  return pool && NAME.test(pool[1] ?? '') ? { kind: 'pool', name: pool[1] as string } : undefined;
}

/**
 * Adds the commitment level at `here` to `ladder`; every problem found goes to `problems` (a check named twice, a
 * time that does not fit its action, a target it cannot have).
 */
export function parseCommitmentLevel(
  here: string,
  rawLevel: unknown,
  hasPool: (name: string) => boolean,
  ladder: AfterAccept,
  problems: string[],
): void {
  const parsed = commitmentSchema.safeParse(rawLevel);
  if (!parsed.success) {
    problems.push(...issues(here, parsed.error));
    return;
  }
  const raw = parsed.data;
  const action = STEP_ACTIONS[raw.action];
  const days = commitmentDays(raw.at);
  if (days === undefined) {
    problems.push(`${here}.at: "${raw.at}" must be like commitment-1d, commitment or commitment+3d`);
    return;
  }
  if (!action.days(days)) {
    // Not kept: the order of the ladder's checks is then checked on the levels that fit their action only.
    problems.push(`${here}.at: a ${raw.action} after the Accept comes ${action.when}`);
    return;
  }
  if (ladder[action.check]) problems.push(`${here}: the policy already has a ${raw.action} after the Accept`);
  const level: StepLevel = { days };
  if (raw.action === 'remind' || raw.action === 'check_in') {
    if (raw.to && (raw.to.length !== 1 || raw.to[0] !== 'ae'))
      problems.push(`${here}.to: a ${raw.action} after the Accept goes to the AE only`);
  } else if (raw.action === 'notify') {
    if (raw.to?.length !== 1 || raw.to[0] !== 'owner')
      problems.push(`${here}.to: after the Accept, notify goes to ["owner"]`);
  } else {
    const to = takeBackTarget(raw.to);
    if (!to) problems.push(`${here}.to: a take-back goes to exactly one of ["owner"] or ["pool:<name>"]`);
    else if (to.kind === 'pool' && !hasPool(to.name))
      problems.push(`${here}.to[0]: no pool named "${to.name}" in pools`);
    else level.to = to;
  }
  ladder[action.check] = level;
}

/** The ladder's checks must come in their order (reminder, check-in, the owner told, the take-back). */
export function ladderProblems(where: string, ladder: AfterAccept): string[] {
  const named = STEP_CHECKS.filter((check) => ladder[check] !== undefined);
  const problems: string[] = [];
  for (let i = 1; i < named.length; i += 1) {
    const before = ladder[named[i - 1] as StepCheck] as StepLevel;
    const after = ladder[named[i] as StepCheck] as StepLevel;
    if (before.days >= after.days && !(before.days === 0 && named[i - 1] === 'check_in' && after.days > 0))
      problems.push(
        `${where}: after the Accept, the ${named[i]?.replace('_', '-')} must come after the ${named[i - 1]?.replace('_', '-')}`,
      );
  }
  return problems;
}
