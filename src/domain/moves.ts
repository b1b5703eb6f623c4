import { dueStep, type Policy, type Step, type Trigger } from './escalation.js';

/**
 * A handoff moved to another AE (a reassignment): who or what moved it, why, how the new AE was picked, and what the
 * partner had been told by then. Recorded with the messages of the move (surface params), so the new AE, the owner
 * and the author each read why, in words that stay true whatever happens next (they are about the moment it moved).
 */

/**
 * A policy's level as its messages name it: the policy, the level (1-based, as the touch log names it), and, recorded
 * since this version, when it acts (its trigger) and which try it is (0: the first), so people read "4 business hours
 * after the due time", not "step 3".
 */
export interface PolicyRule {
  /** The policy's id (the touch log's `policy`). */
  policy: string;
  /** Its name as people read it, recorded since issue 50 item 20 (older records: the id made readable). */
  policyName?: string;
  /** The version of it that acted (the program_log entry the handoff runs under; absent: not kept). */
  policyVersion?: number;
  level: number;
  at?: Trigger;
  repeat?: number;
  /** After the Accept: the take-back, so many business days after the AE's first step was due. */
  afterStepDays?: number;
}

/** Who moved it: the owner, an admin standing in for them, or an escalation policy's level. */
export type Mover =
  | { kind: 'person'; user: string; role: 'owner' | 'admin' }
  | ({ kind: 'policy' } & PolicyRule);

/** How the new AE was picked: by the person who moved it, round robin from a pool, or as the old AE's cover. */
export type Chosen = { kind: 'picked' } | ({ kind: 'pool' } & PoolRef) | { kind: 'cover' };

/**
 * A pool as its messages name it: its id (the touch log's `pool`) and, recorded since issue 50 item 20, its name as
 * people read it (older records: the id made readable).
 */
export interface PoolRef {
  pool: string;
  poolName?: string;
}

/**
 * What showed the previous AE was away: their Slack status, or the days away they gave (`days`); `cover` only on
 * records of before issue 50, when a cover named counted as away.
 */
export interface AwaySeen {
  status?: string;
  days?: string;
  cover?: string;
}

/** Where the previous AE had left it when it moved: no answer by the due time, a decline, or still open. */
export type LeftAs =
  | { kind: 'expired'; due: number; away?: AwaySeen }
  | { kind: 'declined'; reason: string }
  | { kind: 'open'; due: number; away?: AwaySeen }
  /** Accepted, then handed back by the AE or taken back after silence on the first step. */
  | { kind: 'taken_back'; handedBack: boolean; step?: string; stepDue?: string };

/**
 * What the partner had been told when it moved, from the partner's view (domain/partnerView.ts): nothing, or the
 * stage they last heard of (`considering`: a thread an older version started; `declined`: not taken forward).
 */
export type PartnerSoFar =
  | { kind: 'no_channel' }
  | { kind: 'nothing' }
  | { kind: 'told'; stage: string; wording?: string };

export interface MoveFacts {
  /** The AE it moved from, and their name (the packet may name them). */
  from: string;
  fromName: string;
  /** The AE it moved to (recorded since this version, on a move told in the owner's expiry notice). */
  to?: string;
  by: Mover;
  chosen: Chosen;
  left: LeftAs;
  partner: PartnerSoFar;
}

/** The packet's free-text fields an AE reads, with their labels (as the edit form and the touch log name them). */
export const PACKET_TEXT_FIELDS = {
  customerTrigger: 'Customer trigger',
  jointValue: 'Joint value',
  whyPartner: 'Why this partner',
  warmPath: 'Warm path',
  sellerNextMove: 'Seller next move',
  partnerNextMove: 'Partner next move',
  partnerContactName: 'Partner contact',
  riskNote: 'Risk note',
} as const;

export type PacketTextField = keyof typeof PACKET_TEXT_FIELDS;

/** Whether `name` appears in `text` as a whole word or phrase, whatever its case. */
function mentions(text: string, name: string): boolean {
  const escaped = name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (escaped.length < 2) return false;
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

/**
 * The labels of the packet's fields that name `former` (an AE the handoff moved away from), by full name, by first
 * name unless the AE now shares it, or by a Slack mention of them. In the packet's order.
 */
export function fieldsNaming(
  packet: Partial<Record<PacketTextField, string | null>>,
  former: { id: string; name: string },
  current: { name: string },
): string[] {
  const name = former.name.trim();
  const first = name.split(/\s+/)[0] ?? '';
  const currentFirst = (current.name.trim().split(/\s+/)[0] ?? '').toLowerCase();
  if (name.toLowerCase() === current.name.trim().toLowerCase()) return [];
  const names = (text: string) =>
    (name !== '' && mentions(text, name)) ||
    (first.toLowerCase() !== currentFirst && mentions(text, first)) ||
    text.includes(`<@${former.id}>`);
  return (Object.keys(PACKET_TEXT_FIELDS) as PacketTextField[])
    .filter((field) => names(packet[field] ?? ''))
    .map((field) => PACKET_TEXT_FIELDS[field]);
}

/** One pool member round robin passed over, and why (words that follow their name: "away (…)", "already had it"). */
export interface Skipped {
  user: string;
  why: string;
}

/**
 * Why a reassigning level of a policy could not move the handoff: its limit was reached, nobody in the pool could
 * take it (each member skipped, and why), or the AE's cover could not (none named, or why not). The owner is told.
 */
export interface Unassigned extends PolicyRule {
  why: 'limit' | 'pool' | 'cover';
  /** The limit reached (the file's `limits.reassignments`). */
  limit?: number;
  pool?: string;
  /** The pool's name as people read it (PoolRef). */
  poolName?: string;
  skipped?: Skipped[];
  /** The cover named, if any, and why they could not take it. */
  cover?: string;
  coverWhy?: string;
}

/**
 * The labels of the packet's fields that still name the AE a handoff moved from (`move`), now that `h.aeName` has it:
 * the author is asked to look at them (the new AE reads them as written).
 */
export function packetNamesFormerAe(
  h: Partial<Record<PacketTextField, string | null>> & { aeName: string },
  move: Pick<MoveFacts, 'from' | 'fromName'>,
): string[] {
  return fieldsNaming(h, { id: move.from, name: move.fromName }, { name: h.aeName });
}

/**
 * What a policy's reassigning level will do in this window if the AE does not answer (told to the owner instead of
 * asking them to act): give it to the next AE of a pool, or to the cover the AE named, at `when` (epoch ms), `now`
 * when the step is already due as the notice is written (the sweep carries it out in the same run).
 */
export interface PlannedMove extends PolicyRule {
  when: number;
  now: boolean;
  to: ({ kind: 'pool' } & PoolRef) | { kind: 'cover'; cover: string };
}

/**
 * The move a policy will make in the window of `h`, if any: the first reassigning level among the steps still to run
 * (after downtime only the latest due step runs, so of those due by `now` only the latest counts), whose target can be
 * named now (a cover level needs a cover named: `cover`). Undefined when nothing will move it: no such level, no step
 * left, or `movesLeft` false (the policies' limit of moves reached). A step from the due time on runs only if the AE
 * has not answered by then; one before it only while they still can.
 */
export function plannedMove(args: {
  policy: Policy;
  /** The id the handoff keeps (the policy followed may be the default, when the file no longer has it). */
  name: string;
  steps: readonly Step[];
  nextAt: number | null;
  now: number;
  cover?: string | undefined;
  movesLeft: boolean;
}): PlannedMove | undefined {
  const { policy, now } = args;
  if (!args.movesLeft || args.nextAt === null) return undefined;
  const nextAt = args.nextAt;
  const pending = args.steps.filter((step) => step.at >= nextAt);
  const { due } = dueStep(pending, now);
  for (const step of pending.filter((s) => s.at > now || s === due)) {
    const level = policy.levels[step.level];
    if (level?.action !== 'reassign') continue;
    const target = level.to[0];
    const rule = {
      policy: args.name,
      policyName: policy.displayName,
      level: step.level + 1,
      at: level.at,
      repeat: step.repeat,
    };
    const timing = { when: step.at, now: step.at <= now };
    if (target?.kind === 'pool')
      return { ...rule, ...timing, to: { kind: 'pool', pool: target.name, poolName: target.displayName } };
    if (target?.kind === 'cover' && args.cover)
      return { ...rule, ...timing, to: { kind: 'cover', cover: args.cover } };
  }
  return undefined;
}
