import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { findDraft, saveDraft } from '../db/repositories/checks.js';
import { logEvent } from '../db/repositories/events.js';
import { findBySourceView, type HandoffRow, insertHandoff, lastScores } from '../db/repositories/handoffs.js';
import { enqueue } from '../db/repositories/outbox.js';
import {
  addAlias,
  aliasKeysOf,
  bindChannel,
  bindWorkspace,
  ensurePartner,
  findChannelBinding,
  findPartner,
  findWorkspace,
  partnerRefByName,
} from '../db/repositories/partners.js';
import { queueHomes } from '../db/repositories/surfaces.js';
import type { DraftRow } from '../db/schema.js';
import { accountDomain, accountKey } from '../domain/accountMatch.js';
import { isInternalActor } from '../domain/actor.js';
import { type Classification, classify } from '../domain/attribution.js';
import { isoDateIn } from '../domain/businessDays.js';
import { findInternalText, type InternalTextFinding } from '../domain/internalText.js';
import { type Packet, type PacketErrors, type PacketInput, parsePacket } from '../domain/packet.js';
import { type ChannelFacts, type ChannelVerdict, channelVerdict } from '../domain/partnerChannel.js';
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
  /** The partner the handoff will belong to: a directory record, or a new one (id null) created when sent. */
  partner: { id: number | null; name: string };
  /** Slack's facts about the partner channel as reviewed (null: no partner channel). */
  partnerChannel: SlackChannelFacts | null;
  /** What the author must confirm before sending: that two names are one partner. */
  confirm: Extract<ChannelVerdict, { kind: 'allowed' }>['confirm'];
  /** Partner-visible text that reads as internal: the author edits it or confirms it may go. */
  internalText: InternalTextFinding[];
  /** The author's last three sent packets' scores, newest first, for a sense of trend. */
  authorLastScores: number[];
}

/** The partner channel as Slack showed it at review: its name and the organizations in it other than ours. */
export interface SlackChannelFacts {
  id: string;
  name: string;
  external: { teamId: string; teamName: string | undefined }[];
}

export type SubmitResult =
  | { kind: 'invalid'; errors: PacketErrors }
  | { kind: 'forbidden' }
  | { kind: 'review'; draftId: number; review: Review };

export type SendResult =
  | { kind: 'not_found' }
  | { kind: 'override_required'; message: string }
  | { kind: 'conflict_unnoted'; message: string }
  | { kind: 'channel_refused'; message: string }
  | { kind: 'confirmation_required'; confirm: 'partner' | 'internal_text'; message: string }
  | { kind: 'sent'; handoff: HandoffRow; duplicate: boolean };

// The earliest and latest calendar dates anywhere on Earth: a date valid in any timezone is never rejected.
const EARLIEST_ZONE = 'Etc/GMT+12';
const LATEST_ZONE = 'Etc/GMT-14';

function userProblem(
  user: DirectoryUser | undefined,
  role: 'ae' | 'owner',
  internal: readonly string[],
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
        packet.partnerChannelId ? deps.directory.lookupChannel(packet.partnerChannelId) : undefined,
      ]);
      errors.aeUserId ??= userProblem(ae, 'ae', ctx.internalTeamIds);
      if (!ownerIsAuthor) errors.ownerUserId ??= userProblem(owner, 'owner', ctx.internalTeamIds);
      if (packet.partnerChannelId) errors.partnerChannelId ??= channelProblem(channel);
      const facts =
        channel && !errors.partnerChannelId ? await channelFacts(channel, ctx.internalTeamIds) : null;
      for (const key of Object.keys(errors) as (keyof PacketErrors)[]) {
        if (errors[key] === undefined) delete errors[key];
      }
      return { errors, ae, ownerName: owner?.name ?? packet.ownerUserId, channel, facts };
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

  /** The organizations in the channel other than ours, with their names (team.info). */
  async function channelFacts(
    channel: DirectoryChannel,
    internal: readonly string[],
  ): Promise<SlackChannelFacts> {
    const teamIds = channel.sharedTeamIds.filter((id) => !internal.includes(id));
    // Slack says it is shared but not with whom (an old answer, a pending invite): still one unknown organization.
    if (teamIds.length === 0 && channel.isExternallyShared) teamIds.push('unknown');
    const names = await Promise.all(
      teamIds.map((id) => (id === 'unknown' ? undefined : deps.directory.teamName(id))),
    );
    return {
      id: channel.id,
      name: channel.name,
      external: teamIds.map((teamId, i) => ({ teamId, teamName: names[i] })),
    };
  }

  /** The verdict on the partner channel, from Slack's facts and the directory as it is now. */
  function verdictFor(exec: Executor, partnerName: string, facts: SlackChannelFacts | null): ChannelVerdict {
    const known = partnerRefByName(exec, partnerName);
    const ref = (id: number | null | undefined) => {
      const p = id == null ? undefined : findPartner(exec, id);
      return p ? { id: p.id, name: p.name } : undefined;
    };
    let channel: ChannelFacts | undefined;
    if (facts) {
      const binding = findChannelBinding(exec, facts.id);
      channel = {
        id: facts.id,
        name: facts.name,
        external: facts.external.map((t) => ({
          ...t,
          partner: ref(findWorkspace(exec, t.teamId)?.partnerId),
        })),
        binding: binding
          ? { partner: ref(binding.partnerId), status: binding.status, heldReason: binding.heldReason }
          : undefined,
      };
    }
    return channelVerdict({
      partner: { name: partnerName, known },
      channel,
      aliasKeysOf: (id) => aliasKeysOf(exec, id),
      partnerNamed: (name) => partnerRefByName(exec, name),
    });
  }

  function accountOf(packet: Packet, partner: { id: number | null; name: string }) {
    const record = partner.id === null ? undefined : findPartner(db, partner.id);
    return {
      key: accountKey(packet.accountName),
      domain: packet.accountDomain ? (accountDomain(packet.accountDomain) ?? null) : null,
      partnerKey: record?.key ?? accountKey(packet.partnerOrg),
      partnerId: record?.id,
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
    const facts = checked.facts ?? null;
    const verdict = verdictFor(db, packet.partnerOrg, facts);
    if (verdict.kind === 'refused') return { kind: 'invalid', errors: { partnerChannelId: verdict.message } };
    const known = verdict.kind === 'allowed' ? verdict.owner : partnerRefByName(db, packet.partnerOrg);
    const partner = known ?? { id: null, name: packet.partnerOrg };
    const findings = checkAccount(db, accountOf(packet, partner), since(now));
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
      partner,
      partnerChannel: facts,
      confirm: verdict.kind === 'allowed' ? verdict.confirm : undefined,
      // Without a partner channel the partner reads nothing in Slack: nothing to warn about.
      internalText: facts ? findInternalText({ ...packet, partnerNextMoveDate: null }) : [],
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
  function sendDraft(
    req: RequestContext & {
      draftId: number;
      overrideReason: string | null;
      /** What the author ticked in the review: the partner match, and partner-visible text that reads internal. */
      confirmed?: { partner?: boolean; internalText?: boolean };
    },
  ): SendResult {
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
    // The directory may have changed since the review (another handoff bound the channel, an admin merged): again.
    const verdict = verdictFor(db, review.packet.partnerOrg, review.partnerChannel ?? null);
    if (verdict.kind === 'refused') return { kind: 'channel_refused', message: verdict.message };
    const confirm = verdict.kind === 'allowed' ? verdict.confirm : undefined;
    if (confirm && !req.confirmed?.partner) {
      return {
        kind: 'confirmation_required',
        confirm: 'partner',
        message: 'Confirm that these are the same partner, or go back and choose another channel.',
      };
    }
    if ((review.internalText ?? []).length > 0 && !req.confirmed?.internalText) {
      return {
        kind: 'confirmation_required',
        confirm: 'internal_text',
        message: 'The partner reads this word for word. Go back and edit it, or confirm it may be shared.',
      };
    }
    const owner = verdict.kind === 'allowed' ? verdict.owner : partnerRefByName(db, review.packet.partnerOrg);
    // A duplicate may have been sent since the review was shown: check again.
    const findings = checkAccount(
      db,
      accountOf(review.packet, owner ?? { id: null, name: review.packet.partnerOrg }),
      since(now),
    );
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
    const result = db.transaction((tx) => {
      const partner = (owner && findPartner(tx, owner.id)) || ensurePartner(tx, packet.partnerOrg, now);
      const account = accountOf(packet, partner);
      const stored = insertHandoff(tx, {
        ...packet,
        // drizzle binds a null as NULL without the column's encoder: "no channel" is written as the '' it stores.
        partnerChannelId: packet.partnerChannelId ?? '',
        partnerId: partner.id,
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
        bindPartner(tx, verdict, review.partnerChannel ?? null, partner.id, draft.authorUserId, now);
        enqueue(tx, sentMessages(stored.handoff), now);
        const eventId = logEvent(tx, {
          type: 'sent',
          before: null,
          after: stored.handoff,
          actor: { userId: draft.authorUserId, teamId: draft.teamId },
          at: now,
          detail: { score: scorecard.total, classification: review.classification },
        });
        const h = stored.handoff;
        queueHomes(tx, [h.aeUserId, h.ownerUserId, h.authorUserId], String(eventId), now);
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

  /** What the author confirmed becomes the directory: the channel and its workspace are the partner's from now on. */
  function bindPartner(
    tx: Executor,
    verdict: ChannelVerdict,
    channel: { id: string; name: string } | null,
    partnerId: number,
    byUserId: string,
    at: Date,
  ): void {
    if (verdict.kind !== 'allowed' || !channel) return;
    if (verdict.confirm?.kind === 'alias') addAlias(tx, partnerId, verdict.confirm.typed);
    if (verdict.bindChannel) bindChannel(tx, channel, partnerId, byUserId, at);
    for (const team of verdict.bindTeams) {
      if (team.teamId === 'unknown') continue;
      bindWorkspace(tx, team, partnerId, byUserId, at);
      // The workspace's own name finds this partner next time (unless another partner already goes by it).
      if (team.teamName) addAlias(tx, partnerId, team.teamName);
    }
  }

  return { submitPacket, sendDraft };
}

export type PacketService = ReturnType<typeof createPacketService>;
