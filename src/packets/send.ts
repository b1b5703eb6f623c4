import { sendRefusalText } from '../blocks/packetReplies.js';
import { sentMessages } from '../core/notifications.js';
import type { RequestContext } from '../core/requestContext.js';
import { crmActivityMessage } from '../crm/activities.js';
import type { Tx } from '../db/client.js';
import { logEvent } from '../db/repositories/events.js';
import { findBySourceView, insertHandoff } from '../db/repositories/handoffs.js';
import { queueHomes } from '../db/repositories/homeViews.js';
import { enqueue } from '../db/repositories/outbox.js';
import { saveScorecard } from '../db/repositories/packets.js';
import { ensurePartner, findPartner, partnerRefByName } from '../db/repositories/partners.js';
import type { DraftRow, NewHandoffRow } from '../db/schema.js';
import type { ChannelVerdict } from '../domain/partnerChannel.js';
import { hasConflict } from '../domain/readiness.js';
import { accountOf, crmColumns, lookbackFrom } from './account.js';
import { attributionColumns, attributionDetail, withChosenLink } from './attribution.js';
import { bindPartner, verdictFor } from './channel.js';
import { checkAccount, type Finding, hasDuplicate } from './checks.js';
import { authorsDraft, reviewOfDraft } from './drafts.js';
import { saveEdit } from './editSave.js';
import { ownerPassedOver, routingDetail, routingReasonOf } from './ownerRouting.js';
import {
  type AbsenceChoice,
  absenceChoices,
  type PacketServiceDeps,
  type Review,
  type SendResult,
} from './types.js';

/**
 * Send: a reviewed draft becomes a handoff. What changed since the review is checked again (the channel's partner,
 * the account's conflicts); then one transaction stores the handoff, binds the partner's channel, and queues what it
 * owes (the DMs and posts, the CRM activity, the App Homes). A second Send stores nothing.
 */

export type SendRequest = RequestContext & {
  draftId: number;
  overrideReason: string | null;
  /** What the author chose in the review when the AE is away or has a cover. */
  absence?: AbsenceChoice | undefined;
  /** What the author ticked in the review: the partner match, and partner-visible text that reads internal. */
  confirmed?: { partner?: boolean; internalText?: boolean };
  /** Why not the account's owner in the CRM, when the review asked. */
  ownerReason?: string | null;
};

/** What Send may go ahead with, after checking again what may have changed since the review. */
interface Cleared {
  verdict: ChannelVerdict;
  owner: { id: number; name: string } | undefined;
  findings: Finding[];
  /** The written reason, when sending needs one (null: it does not). */
  overrideReason: string | null;
  /** Why not the account's owner, when the review asked (null: it did not). */
  ownerReason: string | null;
}

/** Who the handoff goes to and when its window starts, as the author chose in the review. */
interface Recipient {
  ae: Review['ae'];
  choice: AbsenceChoice | undefined;
  coverFor: string | undefined;
  startAt: Date;
}

/** The directory may have changed since the review (another handoff bound the channel, an admin merged): again. */
async function clearToSend(
  deps: PacketServiceDeps,
  req: SendRequest,
  review: Review,
  now: Date,
): Promise<{ kind: 'refused'; result: SendResult } | ({ kind: 'ok' } & Cleared)> {
  const { db } = deps;
  const refuse = (result: SendResult) => ({ kind: 'refused' as const, result });
  const verdict = await verdictFor(db, review.packet.partnerOrg, review.partnerChannel ?? null);
  if (verdict.kind === 'refused') return refuse({ kind: 'channel_refused', message: verdict.message });
  const confirm = verdict.kind === 'allowed' ? verdict.confirm : undefined;
  if (confirm && !req.confirmed?.partner)
    return refuse({
      kind: 'confirmation_required',
      confirm: 'partner',
      message: sendRefusalText.confirmPartner,
    });
  if ((review.internalText ?? []).length > 0 && !req.confirmed?.internalText) {
    const message = sendRefusalText.confirmInternalText;
    return refuse({ kind: 'confirmation_required', confirm: 'internal_text', message });
  }
  const owner =
    verdict.kind === 'allowed' ? verdict.owner : await partnerRefByName(db, review.packet.partnerOrg);
  // A duplicate may have been sent since the review was shown: check again.
  const findings = await checkAccount(
    db,
    await accountOf(db, review.packet, owner ?? { id: null, name: review.packet.partnerOrg }),
    lookbackFrom(now, deps.conflictLookbackDays),
    review.editOf,
  );
  if (hasConflict(findings) && !review.packet.riskNote)
    return refuse({ kind: 'conflict_unnoted', message: sendRefusalText.conflictUnnoted });
  if (ownerPassedOver(review) && !req.ownerReason?.trim())
    return refuse({ kind: 'owner_reason_required', message: sendRefusalText.ownerReason });
  const needs = new Set(review.overrideNeeded);
  if (hasDuplicate(findings)) needs.add('duplicate');
  const overrideReason = req.overrideReason?.trim() || null;
  if (needs.size > 0 && !overrideReason) {
    const message = needs.has('duplicate') ? sendRefusalText.duplicate : sendRefusalText.belowLowestBand;
    return refuse({ kind: 'override_required', message });
  }
  const ownerReason = ownerPassedOver(review) ? (req.ownerReason?.trim() ?? null) : null;
  return {
    kind: 'ok',
    verdict,
    owner,
    findings,
    overrideReason: needs.size > 0 ? overrideReason : null,
    ownerReason,
  };
}

/** The AE is away or has a cover: the author chose in the review (one of the options it offered). */
function recipientOf(review: Review, chosen: AbsenceChoice | undefined, now: Date): Recipient | undefined {
  const absence = review.absence;
  const choice = absence ? chosen : undefined;
  if (absence && !absenceChoices(absence).includes(choice as AbsenceChoice)) return undefined;
  const ae = choice === 'cover' && absence?.cover ? absence.cover : review.ae;
  const coverFor = choice === 'cover' ? review.ae.id : undefined;
  // The window starts when they are back (their status's end), not now: their silence until then is not silence.
  const startAt =
    choice === 'when_back' && absence?.until && Date.parse(absence.until) > now.getTime()
      ? new Date(absence.until)
      : now;
  return { ae, choice, coverFor, startAt };
}

/** The pool a handoff was sent by, for its round-robin history. */
const poolDetail = (from: NonNullable<Review['fromPool']>) => ({
  pool: from.name,
  ...(from.skipped.length > 0 ? { skipped: from.skipped } : {}),
  ...(from.why ? { poolWhy: from.why } : {}),
});

/** The touch log's detail of the sending: the score and class, and who acted for whom. */
function sentDetail(review: Review, to: Recipient, ownerReason: string | null): Record<string, unknown> {
  const { choice, coverFor, startAt } = to;
  const absence = review.absence;
  return {
    score: review.scorecard.total,
    classification: review.classification,
    // How the class was decided when a CRM was asked: which opportunity, and whose choice.
    ...attributionDetail(review),
    // Who acted for whom: sent to the AE's cover, or to an away AE with the window from their return.
    ...(coverFor ? { coverFor } : {}),
    ...(choice === 'when_back' ? { windowFrom: startAt.toISOString(), awayStatus: absence?.status } : {}),
    // Sent now although their status said away (a cover named alone says nothing of today).
    ...(choice === 'now' && absence?.status ? { sentWhileAway: absence.status } : {}),
    // Round robin: the pool's next pick starts after this AE; whom it passed over, and why this AE (a fair pool).
    ...(review.fromPool && choice !== 'cover' ? poolDetail(review.fromPool) : {}),
    ...routingDetail(review, ownerReason),
  };
}

/** The stored handoff's row, without its partner and account keys and its window (added by the caller). */
function sentRow(draft: DraftRow, review: Review, cleared: Cleared, to: Recipient, now: Date) {
  const { ae } = to;
  const { packet, scorecard } = review;
  return {
    ...packet,
    // drizzle binds a null as NULL without the column's encoder: "no channel" is written as the '' it stores.
    partnerChannelId: packet.partnerChannelId ?? '',
    teamId: draft.teamId,
    sourceViewId: draft.sourceViewId,
    status: 'sent',
    authorUserId: draft.authorUserId,
    aeUserId: ae.id,
    aeTeamId: ae.teamId,
    aeName: ae.name,
    sentAt: now,
    score: scorecard.total,
    scoreBand: scorecard.band,
    classification: review.classification,
    classificationReason: review.classificationReason,
    ...attributionColumns(review),
    overrideReason: cleared.overrideReason,
    // What the check found as Send was pressed: the conflicts and duplicates the author sent it past, for the AE.
    findings: cleared.findings,
    ...crmColumns(review),
    sourceUrl: review.source ?? null,
    routingReason: routingReasonOf(review, ae.id, to.coverFor),
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<NewHandoffRow>;
}

/** The escalation policy by the partner (or the AE's pool), and the window its reminders and steps plan. */
function windowOf(deps: PacketServiceDeps, review: Review, to: Recipient) {
  const policy = deps.policies?.forHandoff({ partnerName: review.partner.name, aeUserId: to.ae.id });
  const { timeZone: aeTimeZone, ...window } = deps.windows.plan(
    to.startAt,
    review.packet.responseWindowDays,
    to.ae,
    undefined,
    policy,
  );
  const escalationPolicy = policy ? (deps.policies?.nameOf(policy) ?? null) : null;
  // Pinned to the version in force now: an edit of the policy applies to handoffs sent after it.
  const policyVersion = policy ? (deps.policies?.versionOf(policy) ?? null) : null;
  return { aeTimeZone, ...window, escalationPolicy, policyVersion };
}

/** One transaction: the handoff, the partner's channel bound, and what the sending owes Slack and the CRM. */
async function storeSent(
  tx: Tx,
  sending: {
    draft: DraftRow;
    review: Review;
    cleared: Cleared;
    to: Recipient;
    window: ReturnType<typeof windowOf>;
    now: Date;
  },
) {
  const { draft, review, cleared, to, window, now } = sending;
  const { packet } = review;
  const partner =
    (cleared.owner && (await findPartner(tx, cleared.owner.id))) ||
    (await ensurePartner(tx, packet.partnerOrg, now));
  const account = await accountOf(tx, packet, partner);
  const stored = await insertHandoff(tx, {
    ...sentRow(draft, review, cleared, to, now),
    partnerId: partner.id,
    ...window,
    // Asked now, or from the away AE's return the author chose: the time to decision counts from here.
    askedAt: to.startAt,
    accountKey: account.key,
    accountDomain: account.domain,
    partnerKey: account.partnerKey,
  });
  if (!stored.created) return stored;
  await saveScorecard(tx, {
    handoffId: stored.handoff.id,
    components: review.scorecard.components,
    scoredAt: now,
  });
  await bindPartner(tx, cleared.verdict, review.partnerChannel ?? null, partner.id, draft.authorUserId, now);
  await enqueue(tx, sentMessages(stored.handoff), now);
  const eventId = await logEvent(tx, {
    type: 'sent',
    before: null,
    after: stored.handoff,
    actor: { userId: draft.authorUserId, teamId: draft.teamId },
    at: now,
    detail: sentDetail(review, to, cleared.ownerReason),
  });
  const h = stored.handoff;
  await enqueue(tx, crmActivityMessage(h, eventId), now);
  await queueHomes(tx, [h.aeUserId, h.ownerUserId, h.authorUserId], String(eventId), now);
  return stored;
}

/** Sends a reviewed draft: the handoff is stored and its DMs queued in one transaction; a second Send stores nothing. */
export async function sendDraft(deps: PacketServiceDeps, req: SendRequest): Promise<SendResult> {
  const { db, clock, logger } = deps;
  const draft = await authorsDraft(db, req);
  if (!draft) return { kind: 'not_found' };
  const reviewed = reviewOfDraft(draft);
  if (!reviewed) {
    // Stored, but not as a review reads: nothing to send from it; the author submits the packet again.
    logger.warn({ draftId: draft.id }, 'review draft does not read as a review; treated as missing');
    return { kind: 'not_found' };
  }
  // The opportunity chosen in the review is linked as if pasted (packets/attribution.ts).
  const review = withChosenLink(reviewed);
  // Send pressed again (or retried) after it went: the handoff exists, nothing more to do.
  const already = await findBySourceView(db, draft.sourceViewId);
  if (already) return { kind: 'sent', handoff: already, duplicate: true };
  const now = clock.now();
  const cleared = await clearToSend(deps, req, review, now);
  if (cleared.kind === 'refused') {
    // Another Send of this draft may have gone while this one was checked (on Postgres they run side by side): its
    // handoff is the answer, not a refusal of this one as a duplicate of itself.
    const sentMeanwhile = await findBySourceView(db, draft.sourceViewId);
    if (sentMeanwhile) return { kind: 'sent', handoff: sentMeanwhile, duplicate: true };
    return cleared.result;
  }
  if (review.editOf !== undefined)
    return saveEdit(deps, req, review, cleared.findings, cleared.overrideReason);
  const to = recipientOf(review, req.absence, now);
  if (!to) return { kind: 'absence_choice_required', message: sendRefusalText.absenceChoice };
  const window = windowOf(deps, review, to);
  const result = await db.transaction((tx) => storeSent(tx, { draft, review, cleared, to, window, now }));
  if (result.created) {
    const score = review.scorecard.total;
    logger.info(
      { handoffId: result.handoff.id, author: draft.authorUserId, ae: to.ae.id, score },
      'handoff sent',
    );
    deps.onOutboxWrite();
  }
  return { kind: 'sent', handoff: result.handoff, duplicate: !result.created };
}
