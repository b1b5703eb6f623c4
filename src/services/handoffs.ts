import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  findDecision,
  findHandoff,
  type HandoffRow,
  insertHandoff,
  recordDecision,
} from '../db/repositories/handoffs.js';
import { cancelPendingReminders, enqueue } from '../db/repositories/outbox.js';
import { type Actor, isInternalActor, isSameActor } from '../domain/actor.js';
import { isoDateIn } from '../domain/businessDays.js';
import { DECLINE_NOTE_MAX, type DeclineReason, isDeclineReason } from '../domain/decline.js';
import { isOpenForDecision } from '../domain/lifecycle.js';
import { type Packet, type PacketErrors, type PacketInput, parsePacket } from '../domain/packet.js';
import type { Logger } from '../logger.js';
import {
  type Directory,
  type DirectoryChannel,
  DirectoryUnavailableError,
  type DirectoryUser,
} from './directory.js';
import { decisionMessages, sentMessages } from './notifications.js';
import type { WindowPlanner } from './responseWindow.js';

export interface HandoffServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  windows: WindowPlanner;
  /** Expires a handoff whose window has passed (shared with the sweep), so a late click meets a consistent state. */
  expireIfDue: (handoff: HandoffRow, now: Date) => HandoffRow;
  /** Wakes the outbox worker after a commit. */
  onOutboxWrite: () => void;
}

/** Who is acting, and which workspaces count as ours for this request. */
export interface RequestContext {
  actor: Actor;
  internalTeamIds: string[];
}

export type SubmitResult =
  | { kind: 'invalid'; errors: PacketErrors }
  | { kind: 'forbidden' }
  | { kind: 'sent'; handoff: HandoffRow; duplicate: boolean };

export type DecisionCheck =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_ae'; handoff: HandoffRow }
  | { kind: 'closed'; handoff: HandoffRow }
  | { kind: 'open'; handoff: HandoffRow };

export type DecisionResult =
  | Exclude<DecisionCheck, { kind: 'open' }>
  | { kind: 'recorded'; handoff: HandoffRow };

export type DecisionRequest = RequestContext & { handoffId: number } & (
    | { decision: 'accepted' }
    | { decision: 'declined'; reasonCode: DeclineReason; note: string | null }
  );

// The earliest calendar date anywhere on Earth: a partner date valid in any timezone is never "in the past".
const EARLIEST_ZONE = 'Etc/GMT+12';

export function createHandoffService(deps: HandoffServiceDeps) {
  const { db, clock, logger } = deps;

  function userProblem(
    user: DirectoryUser | undefined,
    role: 'ae' | 'owner',
    internalTeamIds: string[],
  ): string | undefined {
    if (!user) return 'I could not find this person in Slack.';
    if (user.isBot) return 'Choose a person, not a bot or an app.';
    if (user.deleted) return "This person's Slack account is deactivated.";
    if (!internalTeamIds.includes(user.teamId)) {
      return role === 'ae'
        ? 'Choose an account executive from your own company, not a partner.'
        : 'Choose an owner from your own company, not a partner.';
    }
    return undefined;
  }

  function channelProblem(channel: DirectoryChannel | undefined): string | undefined {
    if (!channel)
      return 'I cannot see this channel. Invite the app to it first (type /invite in the channel).';
    if (channel.isArchived) return 'This channel is archived. Choose the live partner channel.';
    if (!channel.isMember)
      return 'The app is not in this channel yet. Invite it first (type /invite in the channel).';
    return undefined;
  }

  /**
   * Checks with Slack what the packet names: the AE and the owner must be real, internal people, and the app
   * must be able to post in the partner channel (otherwise the partner would never hear back).
   */
  async function checkWithSlack(
    packet: Packet,
    ctx: RequestContext,
  ): Promise<{ errors: PacketErrors; ae?: DirectoryUser }> {
    const errors: PacketErrors = {};
    if (packet.aeUserId === ctx.actor.userId) {
      errors.aeUserId = 'Choose the account executive who will act on this, not yourself.';
    } else if (packet.ownerUserId === packet.aeUserId) {
      errors.ownerUserId =
        'The owner follows up if the AE does not answer, so choose someone other than the AE.';
    }
    const ownerIsAuthor = packet.ownerUserId === ctx.actor.userId;
    try {
      const [ae, owner, channel] = await Promise.all([
        deps.directory.lookupUser(packet.aeUserId),
        ownerIsAuthor ? undefined : deps.directory.lookupUser(packet.ownerUserId),
        deps.directory.lookupChannel(packet.partnerChannelId),
      ]);
      errors.aeUserId ??= userProblem(ae, 'ae', ctx.internalTeamIds);
      if (!ownerIsAuthor) errors.ownerUserId ??= userProblem(owner, 'owner', ctx.internalTeamIds);
      errors.partnerChannelId ??= channelProblem(channel);
      for (const key of Object.keys(errors) as (keyof PacketErrors)[]) {
        if (errors[key] === undefined) delete errors[key];
      }
      return { errors, ...(ae ? { ae } : {}) };
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      logger.warn(
        { err: error.cause, aeUserId: packet.aeUserId },
        'Slack lookup failed during packet validation',
      );
      return { errors: { aeUserId: 'I could not check this with Slack just now. Please submit again.' } };
    }
  }

  /** Validates a packet and, when valid, stores it and queues the DMs in one transaction. */
  async function submitPacket(
    req: RequestContext & { input: PacketInput; sourceViewId: string },
  ): Promise<SubmitResult> {
    if (!isInternalActor(req.actor, req.internalTeamIds) || !req.actor.teamId) return { kind: 'forbidden' };
    const now = clock.now();
    const parsed = parsePacket(req.input, isoDateIn(now, EARLIEST_ZONE));
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
    const packet = parsed.packet;
    const checked = await checkWithSlack(packet, req);
    if (Object.keys(checked.errors).length > 0 || !checked.ae)
      return { kind: 'invalid', errors: checked.errors };
    const ae = checked.ae;

    const sentAt = clock.now();
    const { timeZone: aeTimeZone, ...window } = deps.windows.plan(
      sentAt,
      packet.responseWindowDays,
      ae.timeZone,
    );
    const teamId = req.actor.teamId;
    const result = db.transaction((tx) => {
      const stored = insertHandoff(tx, {
        ...packet,
        teamId,
        sourceViewId: req.sourceViewId,
        status: 'sent',
        authorUserId: req.actor.userId,
        aeTeamId: ae.teamId,
        aeName: ae.name,
        aeTimeZone,
        sentAt,
        ...window,
        createdAt: sentAt,
        updatedAt: sentAt,
      });
      if (stored.created) enqueue(tx, sentMessages(stored.handoff), sentAt);
      return stored;
    });
    if (result.created) {
      logger.info({ handoffId: result.handoff.id, author: req.actor.userId, ae: ae.id }, 'handoff sent');
      deps.onOutboxWrite();
    } else {
      logger.info(
        { handoffId: result.handoff.id, viewId: req.sourceViewId },
        'duplicate packet submission ignored',
      );
    }
    return { kind: 'sent', handoff: result.handoff, duplicate: !result.created };
  }

  /** Whether this actor may decide this handoff now. */
  function checkDecision(req: RequestContext & { handoffId: number }): DecisionCheck {
    if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
    const handoff = Number.isSafeInteger(req.handoffId) ? findHandoff(db, req.handoffId) : undefined;
    if (!handoff) return { kind: 'not_found' };
    if (!isSameActor(req.actor, handoff.aeUserId, handoff.aeTeamId)) return { kind: 'not_ae', handoff };
    if (!isOpenForDecision(handoff.status)) return { kind: 'closed', handoff };
    // The window closes at its due time, whether or not the sweep has run yet: one rule, whatever the timing.
    const now = clock.now();
    if (now.getTime() >= handoff.dueAt.getTime())
      return { kind: 'closed', handoff: deps.expireIfDue(handoff, now) };
    return { kind: 'open', handoff };
  }

  /**
   * Records the AE's accept or decline exactly once, with every message it owes queued in the same transaction.
   * A second click, a double submit or a race between two clicks gets `closed` and changes nothing.
   */
  function decide(req: DecisionRequest): DecisionResult {
    const check = checkDecision(req);
    if (check.kind !== 'open') {
      if (check.kind !== 'closed') logger.warn({ ...describe(req), refused: check.kind }, 'decision refused');
      return check;
    }
    const reasonCode = req.decision === 'declined' ? req.reasonCode : null;
    if (req.decision === 'declined' && !isDeclineReason(reasonCode))
      throw new Error('invalid decline reason');
    const note =
      req.decision === 'declined' ? (req.note?.trim().slice(0, DECLINE_NOTE_MAX) ?? null) || null : null;
    const at = clock.now();
    const teamId = check.handoff.aeTeamId;
    const recorded = db.transaction((tx) => {
      const handoff = recordDecision(tx, {
        handoffId: check.handoff.id,
        decision: req.decision,
        reasonCode,
        note,
        actor: { userId: req.actor.userId, teamId },
        at,
      });
      if (!handoff) return undefined;
      const decision = findDecision(tx, handoff.id, handoff.assignment);
      if (!decision) throw new Error(`decision for handoff ${handoff.id} missing after insert`);
      cancelPendingReminders(tx, handoff.id);
      enqueue(tx, decisionMessages(handoff, decision), at);
      return handoff;
    });
    if (!recorded) {
      const current = findHandoff(db, check.handoff.id) ?? check.handoff;
      return { kind: 'closed', handoff: current };
    }
    logger.info({ handoffId: recorded.id, decision: req.decision, reasonCode }, 'handoff decided');
    deps.onOutboxWrite();
    return { kind: 'recorded', handoff: recorded };
  }

  return { submitPacket, checkDecision, decide };
}

function describe(req: RequestContext & { handoffId: number }) {
  return { handoffId: req.handoffId, userId: req.actor.userId, teamId: req.actor.teamId };
}

export type HandoffService = ReturnType<typeof createHandoffService>;
