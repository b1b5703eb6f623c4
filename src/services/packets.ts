import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findDraft, saveDraft } from '../db/repositories/checks.js';
import { logEvent } from '../db/repositories/events.js';
import { findBySourceView, type HandoffRow, insertHandoff, lastScores } from '../db/repositories/handoffs.js';
import { enqueue } from '../db/repositories/outbox.js';
import type { DraftRow } from '../db/schema.js';
import { accountDomain, accountKey } from '../domain/accountMatch.js';
import { isInternalActor } from '../domain/actor.js';
import { type Classification, classify } from '../domain/attribution.js';
import { isoDateIn } from '../domain/businessDays.js';
import { type Packet, type PacketErrors, type PacketInput, parsePacket } from '../domain/packet.js';
import { type Bands, type ReadinessItem, readiness, type Scorecard, scorePacket } from '../domain/scoring.js';
import type { Logger } from '../logger.js';
import { checkAccount, type Finding, hasConflict, hasDuplicate } from './checks.js';
import {
  type Directory,
  type DirectoryChannel,
  DirectoryUnavailableError,
  type DirectoryUser,
} from './directory.js';
import type { RequestContext } from './handoffs.js';
import { sentMessages } from './notifications.js';
import type { WindowPlanner } from './responseWindow.js';

export interface PacketServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  windows: WindowPlanner;
  scoring: { bands: Bands; maxWindowDays: number };
  conflictLookbackDays: number;
  onOutboxWrite: () => void;
}

/** What the author reviews before sending, and what is stored with the handoff when they send it. */
export interface Review {
  packet: Packet & { partnerTouchOn: string };
  ae: { id: string; teamId: string; name: string; timeZone: string | undefined };
  scorecard: Scorecard;
  readiness: ReadinessItem[];
  classification: Classification;
  classificationReason: string;
  findings: Finding[];
  /** Why sending needs a written reason: below the lowest band, or a duplicate of an open handoff. */
  overrideNeeded: ('below_lowest_band' | 'duplicate')[];
  partnerChannelExternal: boolean;
  /** The author's last three sent packets' scores, newest first, for a sense of trend. */
  authorLastScores: number[];
}

export type SubmitResult =
  | { kind: 'invalid'; errors: PacketErrors }
  | { kind: 'forbidden' }
  | { kind: 'review'; draftId: number; review: Review };

export type SendResult =
  | { kind: 'not_found' }
  | { kind: 'override_required'; message: string }
  | { kind: 'conflict_unnoted'; message: string }
  | { kind: 'sent'; handoff: HandoffRow; duplicate: boolean };

// The earliest and latest calendar dates anywhere on Earth: a date valid in any timezone is never rejected.
const EARLIEST_ZONE = 'Etc/GMT+12';
const LATEST_ZONE = 'Etc/GMT-14';

function userProblem(
  user: DirectoryUser | undefined,
  role: 'ae' | 'owner',
  internal: string[],
): string | undefined {
  if (!user) return 'I could not find this person in Slack.';
  if (user.isBot) return 'Choose a person, not a bot or an app.';
  if (user.deleted) return "This person's Slack account is deactivated.";
  if (!internal.includes(user.teamId)) {
    return role === 'ae'
      ? 'Choose an account executive from your own company, not a partner.'
      : 'Choose an owner from your own company, not a partner.';
  }
  return undefined;
}

function channelProblem(channel: DirectoryChannel | undefined): string | undefined {
  if (!channel) return 'I cannot see this channel. Invite the app to it first (type /invite in the channel).';
  if (channel.isArchived) return 'This channel is archived. Choose the live partner channel.';
  if (!channel.isMember)
    return 'The app is not in this channel yet. Invite it first (type /invite in the channel).';
  return undefined;
}

/** `/handoff` from packet to sent handoff: validate, score, classify, check the account, review, send. */
export function createPacketService(deps: PacketServiceDeps) {
  const { db, clock, logger } = deps;

  /**
   * Checks with Slack what the packet names: the AE and the owner must be real, internal people, and the app must be
   * able to post in the partner channel (otherwise the partner would never hear back).
   */
  async function checkWithSlack(packet: Packet, ctx: RequestContext) {
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
        deps.directory.lookupUser(packet.ownerUserId),
        deps.directory.lookupChannel(packet.partnerChannelId),
      ]);
      errors.aeUserId ??= userProblem(ae, 'ae', ctx.internalTeamIds);
      if (!ownerIsAuthor) errors.ownerUserId ??= userProblem(owner, 'owner', ctx.internalTeamIds);
      errors.partnerChannelId ??= channelProblem(channel);
      for (const key of Object.keys(errors) as (keyof PacketErrors)[]) {
        if (errors[key] === undefined) delete errors[key];
      }
      return { errors, ae, ownerName: owner?.name ?? packet.ownerUserId, channel };
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      logger.warn(
        { err: error.cause, aeUserId: packet.aeUserId },
        'Slack lookup failed during packet validation',
      );
      return {
        errors: {
          aeUserId: 'I could not check this with Slack just now. Please submit again.',
        } as PacketErrors,
      };
    }
  }

  function accountOf(packet: Packet) {
    return {
      key: accountKey(packet.accountName),
      domain: packet.accountDomain ? (accountDomain(packet.accountDomain) ?? null) : null,
      partnerKey: accountKey(packet.partnerOrg),
    };
  }

  const since = (now: Date) => new Date(now.getTime() - deps.conflictLookbackDays * 86_400_000);

  /** Validates and scores the packet; a valid one is kept as a draft and shown for review, nothing is sent yet. */
  async function submitPacket(
    req: RequestContext & { input: PacketInput; sourceViewId: string },
  ): Promise<SubmitResult> {
    if (!isInternalActor(req.actor, req.internalTeamIds) || !req.actor.teamId) return { kind: 'forbidden' };
    const now = clock.now();
    const parsed = parsePacket(req.input, isoDateIn(now, EARLIEST_ZONE), isoDateIn(now, LATEST_ZONE));
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
    const checked = await checkWithSlack(parsed.packet, req);
    if (Object.keys(checked.errors).length > 0 || !('ae' in checked) || !checked.ae) {
      return { kind: 'invalid', errors: checked.errors };
    }
    const packet = {
      ...parsed.packet,
      partnerTouchOn: parsed.packet.partnerTouchOn ?? isoDateIn(now, 'UTC'),
    };
    const findings = checkAccount(db, accountOf(packet), since(now));
    if (hasConflict(findings) && !packet.riskNote) {
      const other = findings.find((f) => f.kind !== 'duplicate');
      const who =
        other?.kind === 'reseller'
          ? `${other.resellerName} is a registered reseller`
          : `${other?.partnerOrg ?? 'Another partner'} is already on it (handoff #${other && 'handoffId' in other ? other.handoffId : '?'})`;
      return {
        kind: 'invalid',
        errors: {
          riskNote: `Channel conflict: ${who}. Note how the conflict and the credit are settled before sending.`,
        },
      };
    }
    const scorecard = scorePacket(
      packet,
      {
        today: isoDateIn(now, checked.ae.timeZone ?? 'UTC'),
        ownerName: checked.ownerName,
        maxWindowDays: deps.scoring.maxWindowDays,
      },
      deps.scoring.bands,
    );
    const attribution = classify(packet);
    const overrideNeeded: Review['overrideNeeded'] = [];
    if (scorecard.band === 'keep_building') overrideNeeded.push('below_lowest_band');
    if (hasDuplicate(findings)) overrideNeeded.push('duplicate');
    const review: Review = {
      packet,
      ae: {
        id: checked.ae.id,
        teamId: checked.ae.teamId,
        name: checked.ae.name,
        timeZone: checked.ae.timeZone,
      },
      scorecard,
      readiness: readiness(packet, scorecard),
      classification: attribution.classification,
      classificationReason: attribution.reason,
      findings,
      overrideNeeded,
      partnerChannelExternal: Boolean(checked.channel?.isExternallyShared),
      authorLastScores: lastScores(db, req.actor.userId),
    };
    const draft = saveDraft(db, {
      sourceViewId: req.sourceViewId,
      authorUserId: req.actor.userId,
      teamId: req.actor.teamId,
      content: review as unknown as Record<string, unknown>,
      createdAt: now,
      updatedAt: now,
    });
    return { kind: 'review', draftId: draft.id, review };
  }

  /** Sends a reviewed draft: the handoff is stored and its DMs queued in one transaction; a second Send stores nothing. */
  function sendDraft(req: RequestContext & { draftId: number; overrideReason: string | null }): SendResult {
    const draft: DraftRow | undefined = Number.isSafeInteger(req.draftId)
      ? findDraft(db, req.draftId)
      : undefined;
    if (
      !draft ||
      draft.authorUserId !== req.actor.userId ||
      !isInternalActor(req.actor, req.internalTeamIds)
    ) {
      return { kind: 'not_found' };
    }
    const review = draft.content as unknown as Review;
    // Send pressed again (or retried) after it went: the handoff exists, nothing more to do.
    const already = findBySourceView(db, draft.sourceViewId);
    if (already) return { kind: 'sent', handoff: already, duplicate: true };
    const now = clock.now();
    // A duplicate may have been sent since the review was shown: check again.
    const findings = checkAccount(db, accountOf(review.packet), since(now));
    if (hasConflict(findings) && !review.packet.riskNote) {
      return {
        kind: 'conflict_unnoted',
        message:
          'Another partner or a registered reseller is now on this account. Go back and note the conflict first.',
      };
    }
    const needs = new Set(review.overrideNeeded);
    if (hasDuplicate(findings)) needs.add('duplicate');
    const overrideReason = req.overrideReason?.trim() || null;
    if (needs.size > 0 && !overrideReason) {
      return {
        kind: 'override_required',
        message: needs.has('duplicate')
          ? 'This looks like a duplicate of an open handoff. Say why it should go anyway, or go back.'
          : 'This packet is below the lowest band. Say why it should go anyway, or go back and strengthen it.',
      };
    }
    const { packet, ae, scorecard } = review;
    const { timeZone: aeTimeZone, ...window } = deps.windows.plan(
      now,
      packet.responseWindowDays,
      ae.timeZone,
    );
    const account = accountOf(packet);
    const result = db.transaction((tx) => {
      const stored = insertHandoff(tx, {
        ...packet,
        teamId: draft.teamId,
        sourceViewId: draft.sourceViewId,
        status: 'sent',
        authorUserId: draft.authorUserId,
        aeTeamId: ae.teamId,
        aeName: ae.name,
        aeTimeZone,
        sentAt: now,
        ...window,
        accountKey: account.key,
        accountDomain: account.domain,
        partnerKey: account.partnerKey,
        score: scorecard.total,
        scoreBand: scorecard.band,
        scorecard: scorecard.components,
        classification: review.classification,
        classificationReason: review.classificationReason,
        overrideReason: needs.size > 0 ? overrideReason : null,
        createdAt: now,
        updatedAt: now,
      });
      if (stored.created) {
        enqueue(tx, sentMessages(stored.handoff), now);
        logEvent(tx, {
          type: 'sent',
          before: null,
          after: stored.handoff,
          actor: { userId: draft.authorUserId, teamId: draft.teamId },
          at: now,
          detail: { score: scorecard.total, classification: review.classification },
        });
      }
      return stored;
    });
    if (result.created) {
      logger.info(
        { handoffId: result.handoff.id, author: draft.authorUserId, ae: ae.id, score: scorecard.total },
        'handoff sent',
      );
      deps.onOutboxWrite();
    }
    return { kind: 'sent', handoff: result.handoff, duplicate: !result.created };
  }

  return { submitPacket, sendDraft };
}

export type PacketService = ReturnType<typeof createPacketService>;
