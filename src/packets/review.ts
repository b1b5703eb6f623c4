import { conflictText, editedSinceOpenedText, editRefusedText } from '../blocks/packetReplies.js';
import type { DirectoryUser } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import type { CrmResolution } from '../crm/index.js';
import { knownAccountNames, lastScores } from '../db/repositories/handoffLists.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import { saveDraft } from '../db/repositories/packets.js';
import { partnerRefByName } from '../db/repositories/partners.js';
import { isInternalActor } from '../domain/actor.js';
import { createdDay } from '../domain/attribution.js';
import { isoDateIn } from '../domain/businessDays.js';
import { findInternalText } from '../domain/internalText.js';
import { type Packet, type PacketErrors, type PacketInput, parsePacket } from '../domain/packet.js';
import type { ChannelVerdict } from '../domain/partnerChannel.js';
import { hasConflict, readiness } from '../domain/readiness.js';
import { scorePacket } from '../domain/scoring.js';
import { accountOf, lookbackFrom } from './account.js';
import { attributionOf, checkAccountOf, withLinked } from './attribution.js';
import { verdictFor } from './channel.js';
import { checkAccount, type Finding, hasDuplicate } from './checks.js';
import { lockedChanges, withLockedFrom } from './edits.js';
import { ownerReviewOf, packetOwnerOf } from './ownerRouting.js';
import { absenceOf, checkWithSlack, fromPoolOf, type SlackChecked } from './slackChecks.js';
import {
  EARLIEST_ZONE,
  LATEST_ZONE,
  type PacketServiceDeps,
  type Review,
  type SlackChannelFacts,
  type SubmitResult,
} from './types.js';

/**
 * From a submitted packet to the review the author reads before Send: validated, checked with Slack and the CRM,
 * scored, classified, the account's conflicts found. A valid packet is kept as a draft; nothing is sent yet.
 */

export type SubmitRequest = RequestContext & {
  input: PacketInput;
  sourceViewId: string;
  editOf?: number;
  /** The packet version the edit form was opened on. */
  openedOnEdit?: number;
  /** A pool the packet names instead of an AE (the next AE of it, round robin). */
  pool?: string | null;
  /** The permalink of the message the packet was started from ("Hand off this deal"). */
  source?: string;
};

/** What the review is built from: the checks of a valid packet. */
interface Checked {
  packet: Packet;
  ae: DirectoryUser;
  slack: SlackChecked;
  crmLink: CrmResolution | undefined;
  crmCheck: Review['crmCheck'];
  verdict: ChannelVerdict;
  partner: Review['partner'];
  findings: Finding[];
  edited: HandoffRow | undefined;
  fromPool: Review['fromPool'];
}

const DEFAULT_CRM_LOOKUP_MS = 1500;

/** An edit: still allowed (the author, owner or an admin, undecided), and the version it was made from. */
async function editedOf(
  deps: PacketServiceDeps,
  req: SubmitRequest,
): Promise<{ kind: 'invalid'; errors: PacketErrors } | { kind: 'ok'; edited: HandoffRow | undefined }> {
  if (req.editOf === undefined) return { kind: 'ok', edited: undefined };
  const allowed = await deps.edits?.editable(req, req.editOf);
  if (allowed?.kind !== 'ok') return { kind: 'invalid', errors: { accountName: editRefusedText(allowed) } };
  const edited = allowed.handoff;
  // Opened before another edit was saved: saving it would silently undo that one.
  if (req.openedOnEdit !== undefined && req.openedOnEdit !== edited.editCount)
    return { kind: 'invalid', errors: { accountName: editedSinceOpenedText(edited.id) } };
  return { kind: 'ok', edited };
}

/** The channel's partner, and the account's other handoffs: they need the partner's (and the account's) name. */
async function partnerChecks(
  deps: PacketServiceDeps,
  fields: Partial<Packet>,
  facts: SlackChannelFacts | null,
  errors: PacketErrors,
  now: Date,
  editedId: number | undefined,
) {
  const { db } = deps;
  const partnerName = fields.partnerOrg;
  const verdict = partnerName !== undefined ? await verdictFor(db, partnerName, facts) : undefined;
  if (verdict?.kind === 'refused') errors.partnerChannelId ??= verdict.message;
  const known =
    partnerName === undefined
      ? undefined
      : verdict?.kind === 'allowed'
        ? verdict.owner
        : await partnerRefByName(db, partnerName);
  const partner = partnerName === undefined ? undefined : (known ?? { id: null, name: partnerName });
  const findings =
    partner && partnerName !== undefined && fields.accountName !== undefined
      ? await checkAccount(
          db,
          await accountOf(
            db,
            {
              accountName: fields.accountName,
              accountDomain: fields.accountDomain ?? null,
              partnerOrg: partnerName,
            },
            partner,
          ),
          lookbackFrom(now, deps.conflictLookbackDays),
          editedId,
        )
      : [];
  if (hasConflict(findings) && !fields.riskNote)
    errors.riskNote ??= conflictText(
      findings.find((f): f is Exclude<Finding, { kind: 'duplicate' }> => f.kind !== 'duplicate'),
    );
  return { verdict, partner, findings };
}

/** Slack, the CRM and the directory asked about the well-formed fields; what they find is added to `errors`. */
async function lookups(
  deps: PacketServiceDeps,
  req: SubmitRequest,
  fields: Partial<Packet>,
  errors: PacketErrors,
  now: Date,
  editedId: number | undefined,
) {
  const timeoutMs = deps.crmLookupTimeoutMs ?? DEFAULT_CRM_LOOKUP_MS;
  const [slack, crmLink, crmCheck] = await Promise.all([
    checkWithSlack(deps, fields, req),
    fields.crmOpportunity && !errors.crmOpportunity
      ? (deps.crm?.resolve(fields.crmOpportunity, { timeoutMs }) ?? Promise.resolve(undefined))
      : Promise.resolve(undefined),
    // The account's opportunities in the CRM, for the attribution rule: asked at once, bounded the same way.
    checkAccountOf(deps.crm, fields, isoDateIn(now, EARLIEST_ZONE), timeoutMs),
  ]);
  for (const [field, message] of Object.entries(slack.errors) as [keyof PacketErrors, string][]) {
    errors[field] ??= message;
  }
  if (crmLink?.kind === 'invalid') errors.crmOpportunity ??= crmLink.message;
  return {
    slack,
    crmLink,
    crmCheck,
    ...(await partnerChecks(deps, fields, slack.facts, errors, now, editedId)),
  };
}

/**
 * Validates and scores the packet; a valid one is kept as a draft and shown for review, nothing is sent yet. An
 * invalid one gets every error found in one round: the format of each field, then, for the fields that are well
 * formed, the people and the channel with Slack, the channel's partner, and the account's conflicts.
 */
export async function submitPacket(deps: PacketServiceDeps, req: SubmitRequest): Promise<SubmitResult> {
  if (!isInternalActor(req.actor, req.internalTeamIds) || !req.actor.teamId) return { kind: 'forbidden' };
  const teamId = req.actor.teamId;
  const now = deps.clock.now();
  const base = await editedOf(deps, req);
  if (base.kind === 'invalid') return base;
  const { edited } = base;
  // The edit form leaves out what an edit cannot change: the stored values stand in for it.
  let input = edited ? withLockedFrom(edited, req.input) : req.input;
  // A pool instead of an AE: its next AE (round robin, skipping anyone away or full) is the AE reviewed.
  let fromPool: Review['fromPool'];
  let routedToOwner: Review['routedToOwner'];
  // The CRM's owner of the account, asked while the rest is checked: named in the review, and first for a pool.
  const ownerAsked = edited ? Promise.resolve(undefined) : packetOwnerOf(deps, input, req);
  if (!edited && req.pool) {
    const [owner, picked] = await Promise.all([
      ownerAsked,
      fromPoolOf(deps, req.pool, input, req.actor.userId),
    ]);
    if (picked.kind === 'invalid') return { kind: 'invalid', errors: { aeUserId: picked.message } };
    if (owner?.userId) {
      // The owner first, without using anyone's round-robin turn (the sending logs no pool).
      input = { ...input, aeUserId: owner.userId };
      routedToOwner = { pool: req.pool, title: picked.title };
    } else {
      input = { ...input, aeUserId: picked.person.id };
      const why = picked.why ? { why: picked.why } : {};
      fromPool = { name: req.pool, title: picked.title, skipped: picked.skipped, ...why };
    }
  }
  // A new packet's window is held to the longest the score accepts: one limit for the form and the score. An edit
  // keeps the stored window (it cannot change).
  const parsed = parsePacket(
    input,
    isoDateIn(now, EARLIEST_ZONE),
    isoDateIn(now, LATEST_ZONE),
    edited ? undefined : deps.scoring.maxWindowDays,
  );
  const fields: Partial<Packet> = parsed.ok ? parsed.packet : parsed.valid;
  const errors: PacketErrors = parsed.ok ? {} : { ...parsed.errors };
  // What an edit cannot change is said on its field first, with what to do instead.
  if (edited) Object.assign(errors, lockedChanges(edited, input));
  const found = await lookups(deps, req, fields, errors, now, edited?.id);
  const { slack, verdict, partner } = found;
  // A guest author is refused whatever the packet says, unless an admin allows guests to send.
  if (slack.authorRefusal) return { kind: 'forbidden', message: slack.authorRefusal };
  if (!parsed.ok || Object.keys(errors).length > 0 || !slack.ae || !partner || !verdict) {
    return { kind: 'invalid', errors };
  }
  const checked = { ...found, packet: parsed.packet, ae: slack.ae, verdict, partner, edited, fromPool };
  const review: Review = {
    ...(await buildReview(deps, req, checked, now)),
    ...ownerReviewOf(await ownerAsked),
    ...(routedToOwner ? { routedToOwner } : {}),
    ...(req.source && !edited ? { source: req.source } : {}),
  };
  const draft = await deps.db.transaction((tx) =>
    saveDraft(tx, {
      sourceViewId: req.sourceViewId,
      authorUserId: req.actor.userId,
      teamId,
      content: { ...review },
      createdAt: now,
      updatedAt: now,
    }),
  );
  return { kind: 'review', draftId: draft.id, review };
}

/** The CRM record the packet's CRM field names, as the review shows it (none: not a link). */
function crmOf(crmLink: CrmResolution | undefined): Pick<Review, 'crm'> {
  if (crmLink?.kind === 'linked') {
    const { record } = crmLink;
    return {
      crm: {
        system: record.ref.system,
        id: record.ref.id,
        name: record.name,
        stage: record.stage,
        checked: true,
      },
    };
  }
  if (crmLink?.kind === 'unchecked')
    return {
      crm: { system: crmLink.ref.system, id: crmLink.ref.id, name: null, stage: null, checked: false },
    };
  return {};
}

/** The packet as reviewed: the dates it left empty filled from the edited handoff, the CRM, or the author's today. */
function reviewedPacket(
  deps: PacketServiceDeps,
  c: Checked,
  now: Date,
  authorTimeZone: string | undefined,
): Review['packet'] {
  // An edit keeps the stored attribution dates the form did not show (they are not asked unless needed).
  // The CRM knows when a linked opportunity was created: the attribution rule needs no question for it.
  const crmCreatedOn = c.crmLink?.kind === 'linked' ? createdDay(c.crmLink.record, authorTimeZone) : null;
  return {
    ...c.packet,
    opportunityCreatedOn:
      c.packet.opportunityCreatedOn ?? c.edited?.opportunityCreatedOn ?? crmCreatedOn ?? null,
    partnerTouchOn:
      c.packet.partnerTouchOn ?? c.edited?.partnerTouchOn ?? deps.windows.todayOf(now, authorTimeZone),
  };
}

/** The review of a valid packet: its score, readiness, classification, findings and what Send will ask. */
async function buildReview(
  deps: PacketServiceDeps,
  req: SubmitRequest,
  c: Checked,
  now: Date,
): Promise<Review> {
  // The partner's first action defaults to the author's today in the author's own zone (Slack's, cached), not UTC's.
  const authorTimeZone = (await deps.directory.lookupUser(req.actor.userId).catch(() => undefined))?.timeZone;
  const packet = reviewedPacket(deps, c, now, authorTimeZone);
  const scorecard = scorePacket(
    packet,
    {
      // The dates the score checks (the partner's next move) are the author's, typed in their own today.
      today: deps.windows.todayOf(now, authorTimeZone),
      ownerName: c.slack.ownerName,
      maxWindowDays: deps.scoring.maxWindowDays,
      // A field naming another of these accounts and not this one is not about it.
      knownAccounts: await knownAccountNames(deps.db),
    },
    deps.scoring.bands,
    deps.scoreWeights?.(),
  );
  const crmChecked = withLinked(c.crmCheck, c.crmLink);
  const attribution = attributionOf(packet, crmChecked, authorTimeZone);
  const overrideNeeded: Review['overrideNeeded'] = [];
  if (scorecard.band === 'keep_building') overrideNeeded.push('below_lowest_band');
  if (hasDuplicate(c.findings)) overrideNeeded.push('duplicate');
  const facts = c.slack.facts;
  const { ae, edited } = c;
  const review: Review = {
    packet,
    ae: { id: ae.id, teamId: ae.teamId, name: ae.name, timeZone: ae.timeZone },
    scorecard,
    readiness: readiness(packet, c.findings),
    classification: attribution.classification,
    classificationReason: attribution.reason,
    findings: c.findings,
    overrideNeeded,
    partnerChannelExternal: Boolean(c.slack.channel?.isExternallyShared),
    authorLastScores: await lastScores(deps.db, req.actor.userId),
    partner: c.partner,
    partnerChannel: facts,
    confirm: c.verdict.kind === 'allowed' ? c.verdict.confirm : undefined,
    // Without a partner channel the partner reads nothing in Slack: nothing to warn about.
    internalText: facts ? findInternalText({ ...packet, partnerNextMoveDate: null }) : [],
    attributionDetails: Boolean(packet.crmOpportunity && !packet.opportunityCreatedOn),
    ...(crmChecked ? { crmCheck: crmChecked } : {}),
    ...crmOf(c.crmLink),
    ...(edited ? { editOf: edited.id, fromEditCount: req.openedOnEdit ?? edited.editCount } : {}),
  };
  const people = { authorUserId: req.actor.userId, ownerUserId: packet.ownerUserId };
  const absence = edited ? undefined : await absenceOf(deps, ae, c.slack.aeStatus, people, now);
  if (absence) review.absence = absence;
  if (c.fromPool) review.fromPool = c.fromPool;
  if (authorTimeZone) review.authorTimeZone = authorTimeZone;
  if (!edited) review.deadline = deps.windows.deadline(now, packet.responseWindowDays, ae);
  return review;
}
