import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import { type Crm, type CrmResolution, opportunityOf } from '../crm/index.js';
import type { AccountQuery } from '../crm/types.js';
import type { Db } from '../db/client.js';
import { saveDraft } from '../db/repositories/packets.js';
import type { DraftRow } from '../db/schema.js';
import { accountDomain } from '../domain/accountMatch.js';
import {
  type AttributionBasis,
  type AttributionInput,
  attribute,
  basisOf,
  type CrmCheck,
  inAuthorZone,
  NONE_OF_THESE,
  opportunityKey,
  relevantOpportunities,
} from '../domain/attribution.js';
import { draftBeforeSend, reviewOfDraft } from './drafts.js';
import type { Review } from './types.js';

/** What the review asks the CRM about: the packet's account, and the earliest day a close can still matter. */
export function accountQueryOf(
  fields: { accountName?: string; accountDomain?: string | null; partnerTouchOn?: string | null },
  earliestToday: string,
): AccountQuery | undefined {
  if (!fields.accountName) return undefined;
  return {
    name: fields.accountName,
    domain: fields.accountDomain ? (accountDomain(fields.accountDomain) ?? null) : null,
    // The partner's first action defaults to today: the earliest "today" anywhere reads a superset, the rule then
    // keeps those that matter on the day the packet settles on.
    closedSince:
      fields.partnerTouchOn && fields.partnerTouchOn < earliestToday ? fields.partnerTouchOn : earliestToday,
  };
}

/**
 * The CRM's answer with the record the packet's CRM field links to among the opportunities (it is on the account as
 * far as the author is concerned, whatever the account lookup found). A link the CRM did not confirm in time is
 * marked as such, unless the account lookup listed it (then it is that one).
 */
export function withLinked(
  check: CrmCheck | undefined,
  link: CrmResolution | undefined,
): CrmCheck | undefined {
  if (check?.kind !== 'checked') return check;
  if (link?.kind === 'unchecked') {
    const key = opportunityKey(link.ref);
    if (!check.opportunities.some((o) => opportunityKey(o) === key))
      return { ...check, unconfirmed: link.ref.id };
    return {
      ...check,
      opportunities: check.opportunities.map((o) => (opportunityKey(o) === key ? { ...o, linked: true } : o)),
    };
  }
  if (link?.kind !== 'linked') return check;
  const linked = { ...opportunityOf(link.record), linked: true };
  const others = check.opportunities.filter((o) => opportunityKey(o) !== opportunityKey(linked));
  return { ...check, opportunities: [...others, linked] };
}

/**
 * The class, its reason and its basis, from the packet and what the CRM said (and the author's pick). `zone`: the
 * author's, in which the partner's first action is a day: the CRM's creation moments are read as days there (an
 * opportunity created on a New York evening is that day's, not the next UTC day's), and the basis keeps it.
 */
export function attributionOf(packet: AttributionInput, check: CrmCheck | undefined, zone?: string) {
  const local = inAuthorZone(check, zone);
  const result = attribute(packet, local);
  const basis = basisOf(local, result, packet.partnerTouchOn);
  return { ...result, basis: zone ? { ...basis, zone } : basis };
}

/**
 * The review as Send stores it: the opportunity the author chose in "Which one is this deal?" (the select's value
 * when Send was pressed: the rule's pick left as it was, or another one) is linked as if they had pasted it, so its
 * changes are written there and its close comes back. "None of these" links nothing. A packet that links a record
 * keeps it unless the author chose another one over the rule's pick (their latest word on which deal this is).
 */
export function withChosenLink(review: Review): Review {
  const check = review.crmCheck;
  if (check?.kind !== 'checked') return review;
  // The days the review showed (the author's zone), as the class was decided with them.
  const chosen = attribute(review.packet, inAuthorZone(check, review.authorTimeZone)).opportunity;
  if (!chosen) return review;
  const explicit = check.pick !== undefined && check.pick !== NONE_OF_THESE;
  if (
    review.crm &&
    (!explicit || (review.crm.checked && opportunityKey(review.crm) === opportunityKey(chosen)))
  )
    return review;
  const crm = { system: chosen.system, id: chosen.id, name: chosen.name, stage: chosen.stage, checked: true };
  // Text in the CRM field that links nothing ("OPP-55120") is the author's words: kept beside the link.
  if (!review.crm && review.packet.crmOpportunity?.trim()) return { ...review, crm };
  return {
    ...review,
    // As if pasted: the packet names it (an edit's form shows it and links it again), with its creation day.
    packet: {
      ...review.packet,
      crmOpportunity: chosen.id,
      opportunityCreatedOn: chosen.createdOn ?? review.packet.opportunityCreatedOn,
    },
    crm,
  };
}

/** The handoff's columns for how it was classified (its basis, and the link the class was decided with). */
export function attributionColumns(review: Pick<Review, 'packet' | 'crmCheck' | 'crm' | 'authorTimeZone'>): {
  attribution: AttributionBasis;
  classifiedLink: string | null;
} {
  return {
    attribution: attributionOf(review.packet, review.crmCheck, review.authorTimeZone).basis,
    // A link the CRM did not confirm in time was not classified with: the read-back reads its creation date later.
    classifiedLink: review.crm?.checked ? opportunityKey(review.crm) : null,
  };
}

/** The sent event's record of it, when a CRM was asked (nothing more to say when none is connected). */
export function attributionDetail(review: Pick<Review, 'packet' | 'crmCheck' | 'authorTimeZone'>): {
  attribution?: AttributionBasis;
} {
  if (!review.crmCheck || review.crmCheck.kind === 'off') return {};
  return { attribution: attributionOf(review.packet, review.crmCheck, review.authorTimeZone).basis };
}

export type AttributionPickResult =
  /** Nothing to apply (no pick offered, the rule's own, a draft Send refuses anyway): send as reviewed. */
  | { kind: 'unchanged' }
  /** The pick is kept with the draft and decides as the review said: send. */
  | { kind: 'saved' }
  /** The pick changes the class: the review is shown again, as it now is, before anything is sent. */
  | { kind: 'reclassified'; draftId: number; review: Review };

/**
 * The author's pick among the CRM's opportunities on the review (another one, or none of these), applied before
 * Send: kept with the draft, so the handoff is classified by it and its sent event records it. When it changes the
 * class, the review is shown again first, so what is sent is what was read.
 */
export async function applyAttributionPick(
  deps: { db: Db; clock: Clock },
  req: RequestContext & { draftId: number; pick: string },
): Promise<AttributionPickResult> {
  const { db } = deps;
  // Whatever Send would refuse (not found, someone else's, already sent), it refuses as before.
  const draft = await draftBeforeSend(db, req);
  if (!draft) return { kind: 'unchanged' };
  const review = reviewOfDraft(draft);
  // A draft that does not read as a review is refused by Send as out of date.
  if (!review) return { kind: 'unchanged' };
  const check = review.crmCheck;
  if (check?.kind !== 'checked') return { kind: 'unchanged' };
  // The days the review showed: each creation moment read in the author's zone.
  const local = inAuthorZone(check, review.authorTimeZone);
  const shown = local?.kind === 'checked' ? local.opportunities : check.opportunities;
  const listed = relevantOpportunities(shown, review.packet.partnerTouchOn);
  const deciding = listed[0] ? opportunityKey(listed[0]) : undefined;
  const known = req.pick === NONE_OF_THESE || listed.some((o) => opportunityKey(o) === req.pick);
  if (!known) return { kind: 'unchanged' };
  // The rule's own pick is no pick: it is what the review decided without one.
  const pick = req.pick === deciding ? undefined : req.pick;
  if (pick === check.pick) return { kind: 'unchanged' };
  const crmCheck: CrmCheck = {
    kind: 'checked',
    crm: check.crm,
    systems: check.systems,
    opportunities: check.opportunities,
    ...(check.unconfirmed ? { unconfirmed: check.unconfirmed } : {}),
    ...(check.searched ? { searched: check.searched } : {}),
    ...(pick === undefined ? {} : { pick }),
  };
  return saveReclassified(db, draft, { ...review, crmCheck }, review, deps.clock.now());
}

/**
 * Saves a review draft changed before Send (an attribution pick, the attribution dates), classified again from what
 * it now says: `saved` when the class stays, `reclassified` (the review is shown again first) when it changes.
 */
export async function saveReclassified(
  db: Db,
  draft: DraftRow,
  changed: Review,
  before: Review,
  now: Date,
): Promise<{ kind: 'saved' } | { kind: 'reclassified'; draftId: number; review: Review }> {
  const attribution = attributionOf(changed.packet, changed.crmCheck, changed.authorTimeZone);
  const updated: Review = {
    ...changed,
    classification: attribution.classification,
    classificationReason: attribution.reason,
  };
  await db.transaction((tx) =>
    saveDraft(tx, {
      sourceViewId: draft.sourceViewId,
      authorUserId: draft.authorUserId,
      teamId: draft.teamId,
      content: updated as unknown as Record<string, unknown>,
      createdAt: draft.createdAt,
      updatedAt: now,
    }),
  );
  return attribution.classification === before.classification
    ? { kind: 'saved' }
    : { kind: 'reclassified', draftId: draft.id, review: updated };
}

/** The account lookup of the review, when a CRM is connected and the packet names an account (else nothing asked). */
export function checkAccountOf(
  crm: Crm | undefined,
  fields: { accountName?: string; accountDomain?: string | null; partnerTouchOn?: string | null },
  earliestToday: string,
  timeoutMs: number,
): Promise<CrmCheck | undefined> {
  const query = accountQueryOf(fields, earliestToday);
  if (!crm || !query) return Promise.resolve(undefined);
  return crm.checkAccount(query, { timeoutMs });
}
