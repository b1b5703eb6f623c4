import { z } from 'zod';
import type { Level, Target, Trigger } from './escalation.js';

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
    if (hours !== undefined && hours > 0) return { kind: 'due', afterBusinessHours: hours };
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
