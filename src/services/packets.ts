import { eq } from 'drizzle-orm';
import { withdrawnBy } from '../blocks/mrkdwn.js';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { findDraft, saveDraft } from '../db/repositories/checks.js';
import { logEvent } from '../db/repositories/events.js';
import {
  findBySourceView,
  findHandoff,
  type HandoffRow,
  insertHandoff,
  lastScores,
} from '../db/repositories/handoffs.js';
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
import { classificationCorrections, type DraftRow } from '../db/schema.js';
import { type AwayRules, awayFrom, type SlackStatus } from '../domain/absence.js';
import { accountDomain, accountKey } from '../domain/accountMatch.js';
import { isInternalActor } from '../domain/actor.js';
import type { Classification, CrmCheck } from '../domain/attribution.js';
import { isoDateIn } from '../domain/businessDays.js';
import type { CrmSystem } from '../domain/crmLink.js';
import { findInternalText, type InternalTextFinding } from '../domain/internalText.js';
import {
  type Packet,
  type PacketErrors,
  type PacketInput,
  parseAttributionDates,
  parsePacket,
} from '../domain/packet.js';
import { type ChannelFacts, type ChannelVerdict, channelVerdict } from '../domain/partnerChannel.js';
import { type Bands, type ReadinessItem, readiness, type Scorecard, scorePacket } from '../domain/scoring.js';
import type { Logger } from '../logger.js';
import { checkAccount, type Finding, hasConflict, hasDuplicate } from './checks.js';
import type { Covers } from './covers.js';
import { crmActivityMessage } from './crm/activities.js';
import {
  applyAttributionPick,
  attributionColumns,
  attributionDetail,
  attributionOf,
  checkAccountOf,
  saveReclassified,
  withLinked,
} from './crm/attribution.js';
import type { Crm } from './crm/index.js';
import {
  type Directory,
  type DirectoryChannel,
  DirectoryUnavailableError,
  type DirectoryUser,
} from './directory.js';
import { draftBeforeSend } from './drafts.js';
import { type EditRefusal, type Edits, lockedChanges, withLockedFrom } from './edits.js';
import type { RequestContext } from './handoffs.js';
import { sentMessages } from './notifications.js';
import type { Policies } from './policies.js';
import type { DeadlinePreview, WindowPlanner } from './responseWindow.js';

export interface PacketServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  windows: WindowPlanner;
  scoring: { bands: Bands; maxWindowDays: number };
  conflictLookbackDays: number;
  onOutboxWrite: () => void;
  /** Edits of sent handoffs (a packet submitted with `editOf`). */
  edits?: Edits;
  /** The connected CRMs (absent or empty: the CRM field is text). */
  crm?: Crm;
  /** Escalation policies (absent: the REMINDERS setting and the expiry's escalation, as before policies). */
  policies?: Policies;
  /** Covers named with `/handoff cover`, offered in the review. */
  covers?: Pick<Covers, 'activeFor'>;
  /** Which Slack statuses say a person is away. */
  away?: AwayRules;
  /** Escalation pools: a packet may go to the next AE of one (round robin) instead of a named AE. */
  pools?: {
    names(): string[];
    next(
      pool: string,
      exclude: { authorUserId: string; ownerUserId: string },
    ): Promise<{ person: DirectoryUser | undefined; skipped: { user: string; why: string }[] }>;
  };
  /** How long the review waits for the CRM's answer about the linked record (Slack wants an answer within 3 s). */
  crmLookupTimeoutMs?: number;
}

/** Why the AE may not answer soon, and what the author may do about it (see Review.absence). */
export interface ReviewAbsence {
  /** Their Slack status when it says they are away (e.g. ":palm_tree: Vacation"); null: only a cover is named. */
  status: string | null;
  /** When the status says they are back (ISO), if it says. */
  until: string | null;
  /** Who answers for them (`/handoff cover`), with what sending to them needs. */
  cover: { id: string; teamId: string; name: string; timeZone: string | undefined; until: string } | null;
}

export type AbsenceChoice = 'cover' | 'when_back' | 'now';

/** The choices the review offers for this absence, in the order shown. */
export function absenceChoices(absence: ReviewAbsence): AbsenceChoice[] {
  return [
    ...(absence.cover ? (['cover'] as const) : []),
    ...(absence.until ? (['when_back'] as const) : []),
    'now',
  ];
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
  /**
   * The review asks for the attribution details: the packet names a CRM opportunity but not when it was created, so
   * the rule cannot tell sourced from influenced without them (absent on drafts saved before it existed).
   */
  attributionDetails?: boolean;
  /**
   * The CRM record the packet's CRM field names, as the CRM showed it (name and stage internal); `checked` false: the
   * CRM did not answer in time, and the link stands on its id.
   */
  crm?: { system: CrmSystem; id: string; name: string | null; stage: string | null; checked: boolean };
  /** What the connected CRM said about the account's opportunities, and the author's pick (absent: no CRM asked). */
  crmCheck?: CrmCheck;
  /**
   * The AE is away (by their Slack status) or has named a cover: the review says so and the author chooses (send to
   * the cover, send with the window starting when they are back, or send now anyway).
   */
  absence?: ReviewAbsence;
  /** The AE was picked from a pool by round robin (the packet named the pool): which, and whom it skipped and why. */
  fromPool?: { name: string; skipped: { user: string; why: string }[] };
  /** The author's Slack time zone: dates they leave empty default to their own today (absent: not known). */
  authorTimeZone?: string;
  /** When the answer is due if sent now, and the holidays that moved it (absent on edits and older drafts). */
  deadline?: DeadlinePreview;
  /** An edit of this handoff, made from this version of it: saving changes it instead of sending a new one. */
  editOf?: number;
  fromEditCount?: number;
}

/** The attribution details as given on the review (empty: not known). */
export interface AttributionDetailsInput {
  opportunityCreatedOn: unknown;
  partnerTouchOn: unknown;
}

export type AttributionDetailsResult =
  /** Nothing to apply (no details asked, or a draft Send refuses anyway): send as reviewed. */
  | { kind: 'unchanged' }
  | { kind: 'invalid'; errors: Partial<Record<'opportunityCreatedOn' | 'partnerTouchOn', string>> }
  /** The dates are kept with the draft and decide as the review said: send. */
  | { kind: 'saved' }
  /** The dates change the classification: the review is shown again, as it now is, before anything is sent. */
  | { kind: 'reclassified'; draftId: number; review: Review };

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
  | { kind: 'absence_choice_required'; message: string }
  | { kind: 'sent'; handoff: HandoffRow; duplicate: boolean }
  /** An edit saved (`fields` changed; none: nothing to change), or refused because the handoff moved on. */
  | { kind: 'edited'; handoff: HandoffRow; fields: string[] }
  | { kind: 'edit_refused'; message: string };

/** Why an edit is not possible (plain text, for an inline error or a notice in a modal). */
function editRefusedText(
  result: EditRefusal | { kind: 'overtaken'; handoff: HandoffRow } | undefined,
): string {
  if (!result || result.kind === 'not_found') return 'I could not find that handoff, so nothing was changed.';
  const h = result.handoff;
  if (result.kind === 'overtaken' && h.status === 'sent' && h.editCount > 0)
    return `Handoff #${h.id} was edited by someone else meanwhile. Nothing was saved: open Edit again to see the packet as it is now.`;
  if (result.kind === 'refused' && result.verdict === 'not_allowed')
    return `Only the author, the owner or an admin can edit handoff #${h.id}. Nothing was changed.`;
  if (h.status === 'sent' || h.status === 'expired')
    return `Handoff #${h.id} is past its deadline, so it can no longer be edited. Nothing was changed; its owner can extend or reassign it.`;
  if (h.status === 'withdrawn')
    return `Handoff #${h.id} was withdrawn${withdrawnBy(h, undefined)}, so it can no longer be edited. Nothing was changed.`;
  return `Handoff #${h.id} is already ${h.status} by its AE, so the packet can no longer be edited and nothing was changed. To add something, write to the AE directly.`;
}

/** The longest `/handoff` waits for Slack to say what the channel it was typed in is, before opening the modal. */
const PACKET_DEFAULTS_WAIT_MS = 1000;

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

const UNAVAILABLE = 'I could not check this with Slack just now. Please submit again.';

function conflictMessage(findings: Finding[]): string {
  const other = findings.find((f) => f.kind !== 'duplicate');
  const who =
    other?.kind === 'reseller'
      ? `${other.resellerName} is a registered reseller`
      : `${other?.partnerOrg ?? 'Another partner'} is already on it (handoff #${other && 'handoffId' in other ? other.handoffId : '?'})`;
  return `Channel conflict: ${who}. Note how the conflict and the credit are settled before sending.`;
}

/** A lookup's answer, or that Slack could not be asked (any other error is thrown). */
async function settle<T>(lookup: Promise<T> | undefined): Promise<{ value?: T; unavailable?: unknown }> {
  if (!lookup) return {};
  try {
    return { value: await lookup };
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    return { unavailable: error.cause };
  }
}

function channelProblem(channel: DirectoryChannel | undefined): string | undefined {
  if (!channel) return 'I cannot see this channel. Invite the app to it first (type /invite in the channel).';
  if (channel.isArchived) return 'This channel is archived. Choose the live partner channel.';
  if (!channel.isMember)
    return 'The app is not in this channel yet. Invite it first (type /invite in the channel).';
  return undefined;
}

/** The handoff's link to its CRM record, from the review (none: not linked). */
function crmColumns(review: Pick<Review, 'crm'>) {
  return review.crm
    ? { crmSystem: review.crm.system, crmRecordId: review.crm.id, crmRecordName: review.crm.name }
    : { crmSystem: null, crmRecordId: null, crmRecordName: null };
}

/** `/handoff` from packet to sent handoff: validate, score, classify, check the account, review, send. */
export function createPacketService(deps: PacketServiceDeps) {
  const { db, clock, logger } = deps;

  /**
   * Checks with Slack what the packet names: the AE and the owner must be real, internal people, and the app must be
   * able to post in the partner channel (otherwise the partner would never hear back). Only the fields that are well
   * formed are looked up (a malformed one has its own error already); each problem is reported on its own field, in
   * one round. A lookup Slack cannot answer now asks to submit again, on that field.
   */
  async function checkWithSlack(packet: Partial<Packet>, ctx: RequestContext) {
    const errors: PacketErrors = {};
    const { aeUserId, ownerUserId, partnerChannelId } = packet;
    if (aeUserId && aeUserId === ctx.actor.userId) {
      errors.aeUserId = 'Choose the account executive who will act on this, not yourself.';
    } else if (aeUserId && ownerUserId === aeUserId) {
      errors.ownerUserId =
        'The owner follows up if the AE does not answer, so choose someone other than the AE.';
    }
    const ownerIsAuthor = ownerUserId === ctx.actor.userId;
    const [ae, owner, channel, aeStatus] = await Promise.all([
      settle(aeUserId && !errors.aeUserId ? deps.directory.lookupUser(aeUserId) : undefined),
      settle(ownerUserId && !errors.ownerUserId ? deps.directory.lookupUser(ownerUserId) : undefined),
      settle(partnerChannelId ? deps.directory.lookupChannel(partnerChannelId) : undefined),
      // Whether the AE is away (their Slack status): read with the rest, shown in the review. Unknown if Slack fails.
      aeUserId && !errors.aeUserId && deps.directory.status
        ? deps.directory.status(aeUserId).catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    if (aeUserId && !errors.aeUserId && !ae.unavailable) {
      errors.aeUserId = userProblem(ae.value, 'ae', ctx.internalTeamIds);
    }
    if (ownerUserId && !errors.ownerUserId && !owner.unavailable && !ownerIsAuthor) {
      errors.ownerUserId = userProblem(owner.value, 'owner', ctx.internalTeamIds);
    }
    if (partnerChannelId && !channel.unavailable) errors.partnerChannelId = channelProblem(channel.value);
    const facts =
      channel.value && !errors.partnerChannelId
        ? await settle(channelFacts(channel.value, ctx.internalTeamIds))
        : {};
    // Slack could not answer: on the field it was about (the author as owner is not a finding of its own, so the AE's
    // field says it when both lookups failed).
    const unavailable: [keyof PacketErrors, unknown][] = [
      ['aeUserId', ae.unavailable],
      ['ownerUserId', ownerIsAuthor && ae.unavailable ? undefined : owner.unavailable],
      ['partnerChannelId', channel.unavailable ?? facts.unavailable],
    ];
    for (const [field, cause] of unavailable) {
      if (cause === undefined) continue;
      errors[field] ??= UNAVAILABLE;
      logger.warn({ err: cause, field, aeUserId }, 'Slack lookup failed during packet validation');
    }
    for (const key of Object.keys(errors) as (keyof PacketErrors)[]) {
      if (errors[key] === undefined) delete errors[key];
    }
    return {
      errors,
      ae: ae.value,
      aeStatus,
      ownerName: owner.value?.name ?? ownerUserId ?? '',
      channel: channel.value,
      facts: facts.value ?? null,
    };
  }

  /**
   * The AE's absence as the review shows it: away by their status, or a cover named. A cover who is the author or
   * the owner (the packet refuses either as its AE), or not a person of ours, is not offered.
   */
  async function absenceOf(
    ae: DirectoryUser | undefined,
    status: SlackStatus | undefined,
    people: { authorUserId: string; ownerUserId: string },
    now: Date,
  ): Promise<ReviewAbsence | undefined> {
    if (!ae) return undefined;
    const away = deps.away ? awayFrom(status, deps.away, now) : undefined;
    const named = deps.covers?.activeFor(ae.id, ae.timeZone);
    let cover: ReviewAbsence['cover'] = null;
    if (named && named.coverUserId !== people.authorUserId && named.coverUserId !== people.ownerUserId) {
      const person = await deps.directory.lookupUser(named.coverUserId).catch(() => undefined);
      if (person && !person.isBot && !person.deleted)
        cover = {
          id: person.id,
          teamId: person.teamId,
          name: person.name,
          timeZone: person.timeZone,
          until: named.until,
        };
    }
    if (!away && !cover) return undefined;
    return { status: away?.status ?? null, until: away?.until?.toISOString() ?? null, cover };
  }

  /**
   * The next AE of the pool the packet names: not with an AE named too, a pool of the policy file, and someone in it
   * who can take it now (else the field says who was skipped).
   */
  async function fromPoolOf(
    pool: string,
    input: PacketInput,
    authorUserId: string,
  ): Promise<
    | { kind: 'ok'; person: DirectoryUser; skipped: { user: string; why: string }[] }
    | { kind: 'invalid'; message: string }
  > {
    if (input.aeUserId)
      return { kind: 'invalid', message: 'Choose an account executive or a pool, not both.' };
    if (!deps.pools?.names().includes(pool))
      return { kind: 'invalid', message: 'Choose an account executive.' };
    const owner =
      typeof input.ownerUserId === 'string' && input.ownerUserId ? input.ownerUserId : authorUserId;
    let picked: Awaited<ReturnType<NonNullable<PacketServiceDeps['pools']>['next']>>;
    try {
      picked = await deps.pools.next(pool, { authorUserId, ownerUserId: owner });
    } catch (error) {
      logger.warn({ err: error, pool }, 'could not read a pool for a packet');
      return { kind: 'invalid', message: UNAVAILABLE };
    }
    if (!picked.person) {
      return {
        kind: 'invalid',
        message: `Nobody in the ${pool} pool can take it now (${picked.skipped.length} skipped: away, full, or you). Choose an account executive.`,
      };
    }
    return { kind: 'ok', person: picked.person, skipped: picked.skipped };
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

  function accountOf(
    packet: Pick<Packet, 'accountName' | 'accountDomain' | 'partnerOrg'>,
    partner: { id: number | null; name: string },
  ) {
    const record = partner.id === null ? undefined : findPartner(db, partner.id);
    return {
      key: accountKey(packet.accountName),
      domain: packet.accountDomain ? (accountDomain(packet.accountDomain) ?? null) : null,
      partnerKey: record?.key ?? accountKey(packet.partnerOrg),
      partnerId: record?.id,
    };
  }

  const since = (now: Date) => new Date(now.getTime() - deps.conflictLookbackDays * 86_400_000);

  /**
   * Validates and scores the packet; a valid one is kept as a draft and shown for review, nothing is sent yet. An
   * invalid one gets every error found in one round: the format of each field, then, for the fields that are well
   * formed, the people and the channel with Slack, the channel's partner, and the account's conflicts.
   */
  async function submitPacket(
    req: RequestContext & {
      input: PacketInput;
      sourceViewId: string;
      editOf?: number;
      /** The packet version the edit form was opened on. */
      openedOnEdit?: number;
      /** A pool the packet names instead of an AE (the next AE of it, round robin). */
      pool?: string | null;
    },
  ): Promise<SubmitResult> {
    if (!isInternalActor(req.actor, req.internalTeamIds) || !req.actor.teamId) return { kind: 'forbidden' };
    const now = clock.now();
    // An edit: still allowed (the author, owner or an admin, undecided), and the version it was made from.
    let edited: HandoffRow | undefined;
    if (req.editOf !== undefined) {
      const allowed = deps.edits?.editable(req, req.editOf);
      if (allowed?.kind !== 'ok')
        return { kind: 'invalid', errors: { accountName: editRefusedText(allowed) } };
      edited = allowed.handoff;
      // Opened before another edit was saved: saving it would silently undo that one.
      if (req.openedOnEdit !== undefined && req.openedOnEdit !== edited.editCount)
        return {
          kind: 'invalid',
          errors: {
            accountName: `Handoff #${edited.id} was edited by someone else after you opened this form. Nothing was saved: close it and open Edit again to start from the packet as it is now.`,
          },
        };
    }
    // The edit form leaves out what an edit cannot change: the stored values stand in for it.
    let input = edited ? withLockedFrom(edited, req.input) : req.input;
    // A pool instead of an AE: its next AE (round robin, skipping anyone away or full) is the AE reviewed.
    let fromPool: Review['fromPool'];
    if (!edited && req.pool) {
      const picked = await fromPoolOf(req.pool, input, req.actor.userId);
      if (picked.kind === 'invalid') return { kind: 'invalid', errors: { aeUserId: picked.message } };
      input = { ...input, aeUserId: picked.person.id };
      fromPool = { name: req.pool, skipped: picked.skipped };
    }
    const parsed = parsePacket(input, isoDateIn(now, EARLIEST_ZONE), isoDateIn(now, LATEST_ZONE));
    const fields: Partial<Packet> = parsed.ok ? parsed.packet : parsed.valid;
    const errors: PacketErrors = parsed.ok ? {} : { ...parsed.errors };
    // What an edit cannot change is said on its field first, with what to do instead.
    if (edited) Object.assign(errors, lockedChanges(edited, input as Record<string, unknown>));
    const [checked, crmLink, crmCheck] = await Promise.all([
      checkWithSlack(fields, req),
      fields.crmOpportunity && !errors.crmOpportunity
        ? (deps.crm?.resolve(fields.crmOpportunity, { timeoutMs: deps.crmLookupTimeoutMs ?? 1500 }) ??
          Promise.resolve(undefined))
        : Promise.resolve(undefined),
      // The account's opportunities in the CRM, for the attribution rule: asked at once, bounded the same way.
      checkAccountOf(deps.crm, fields, isoDateIn(now, EARLIEST_ZONE), deps.crmLookupTimeoutMs ?? 1500),
    ]);
    for (const [field, message] of Object.entries(checked.errors) as [keyof PacketErrors, string][]) {
      errors[field] ??= message;
    }
    if (crmLink?.kind === 'invalid') errors.crmOpportunity ??= crmLink.message;
    const facts = checked.facts;
    // The channel's partner, and the account's other handoffs, need the partner's (and the account's) name.
    const verdict = fields.partnerOrg !== undefined ? verdictFor(db, fields.partnerOrg, facts) : undefined;
    if (verdict?.kind === 'refused') errors.partnerChannelId ??= verdict.message;
    const partnerName = fields.partnerOrg;
    const known =
      partnerName === undefined
        ? undefined
        : verdict?.kind === 'allowed'
          ? verdict.owner
          : partnerRefByName(db, partnerName);
    const partner = partnerName === undefined ? undefined : (known ?? { id: null, name: partnerName });
    const findings =
      partner && partnerName !== undefined && fields.accountName !== undefined
        ? checkAccount(
            db,
            accountOf(
              {
                accountName: fields.accountName,
                accountDomain: fields.accountDomain ?? null,
                partnerOrg: partnerName,
              },
              partner,
            ),
            since(now),
            edited?.id,
          )
        : [];
    if (hasConflict(findings) && !fields.riskNote) errors.riskNote ??= conflictMessage(findings);
    if (!parsed.ok || Object.keys(errors).length > 0 || !checked.ae || !partner || !verdict) {
      return { kind: 'invalid', errors };
    }
    // An edit keeps the stored attribution dates the form did not show (they are not asked unless needed).
    // The CRM knows when a linked opportunity was created: the attribution rule needs no question for it.
    const crmCreatedOn = crmLink?.kind === 'linked' ? crmLink.record.createdOn : null;
    // The partner's first action defaults to the author's today in the author's own zone (Slack's, cached), not UTC's.
    const authorTimeZone = (await deps.directory.lookupUser(req.actor.userId).catch(() => undefined))
      ?.timeZone;
    const packet = {
      ...parsed.packet,
      opportunityCreatedOn:
        parsed.packet.opportunityCreatedOn ?? edited?.opportunityCreatedOn ?? crmCreatedOn ?? null,
      partnerTouchOn:
        parsed.packet.partnerTouchOn ?? edited?.partnerTouchOn ?? deps.windows.todayOf(now, authorTimeZone),
    };
    const scorecard = scorePacket(
      packet,
      {
        // The dates the score checks (the partner's next move) are the author's, typed in their own today.
        today: deps.windows.todayOf(now, authorTimeZone),
        ownerName: checked.ownerName,
        maxWindowDays: deps.scoring.maxWindowDays,
      },
      deps.scoring.bands,
    );
    const crmChecked = withLinked(crmCheck, crmLink);
    const attribution = attributionOf(packet, crmChecked);
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
      attributionDetails: Boolean(packet.crmOpportunity && !packet.opportunityCreatedOn),
      ...(crmChecked ? { crmCheck: crmChecked } : {}),
      ...(crmLink?.kind === 'linked'
        ? {
            crm: {
              system: crmLink.record.ref.system,
              id: crmLink.record.ref.id,
              name: crmLink.record.name,
              stage: crmLink.record.stage,
              checked: true,
            },
          }
        : crmLink?.kind === 'unchecked'
          ? {
              crm: {
                system: crmLink.ref.system,
                id: crmLink.ref.id,
                name: null,
                stage: null,
                checked: false,
              },
            }
          : {}),
      ...(edited ? { editOf: edited.id, fromEditCount: req.openedOnEdit ?? edited.editCount } : {}),
    };
    const absence = edited
      ? undefined
      : await absenceOf(
          checked.ae,
          checked.aeStatus,
          { authorUserId: req.actor.userId, ownerUserId: packet.ownerUserId },
          now,
        );
    if (absence) review.absence = absence;
    if (fromPool) review.fromPool = fromPool;
    if (authorTimeZone) review.authorTimeZone = authorTimeZone;
    if (!edited) review.deadline = deps.windows.deadline(now, packet.responseWindowDays, checked.ae);
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
  /** Whether RevOps corrected this handoff's classification (audited in classification_corrections). */
  function corrected(handoffId: number): boolean {
    return (
      db
        .select({ id: classificationCorrections.id })
        .from(classificationCorrections)
        .where(eq(classificationCorrections.handoffId, handoffId))
        .get() !== undefined
    );
  }

  /** Saves a reviewed edit: the packet's fields and what follows from them, one guarded transition (edits.ts). */
  function saveEdit(
    req: RequestContext,
    review: Review,
    findings: Finding[],
    overrideReason: string | null,
  ): SendResult {
    if (!deps.edits || review.editOf === undefined) return { kind: 'not_found' };
    const { packet, scorecard } = review;
    const before = findHandoff(db, review.editOf);
    if (!before) return { kind: 'not_found' };
    const account = accountOf(packet, { id: before.partnerId, name: before.partnerOrg });
    const result = deps.edits.apply(req, {
      handoffId: review.editOf,
      fromEditCount: review.fromEditCount ?? 0,
      change: {
        accountName: packet.accountName,
        crmOpportunity: packet.crmOpportunity,
        ...crmColumns(review),
        onPriorityList: packet.onPriorityList,
        opportunityCreatedOn: packet.opportunityCreatedOn,
        partnerTouchOn: packet.partnerTouchOn,
        partnerContactName: packet.partnerContactName,
        partnerContactRole: packet.partnerContactRole,
        whyPartner: packet.whyPartner,
        customerTrigger: packet.customerTrigger,
        jointValue: packet.jointValue,
        warmPath: packet.warmPath,
        sellerNextMove: packet.sellerNextMove,
        partnerNextMove: packet.partnerNextMove,
        partnerNextMoveDate: packet.partnerNextMoveDate,
        partnerAgreedInWriting: packet.partnerAgreedInWriting,
        riskNote: packet.riskNote,
        evidenceUrl: packet.evidenceUrl,
        accountKey: account.key,
        accountDomain: account.domain,
        score: scorecard.total,
        scoreBand: scorecard.band,
        scorecard: scorecard.components,
        // A RevOps correction of the classification stands: an edit does not silently revert it.
        ...(corrected(before.id)
          ? {}
          : {
              classification: review.classification,
              classificationReason: review.classificationReason,
              ...attributionColumns(review),
            }),
        overrideReason,
        findings,
      },
    });
    switch (result.kind) {
      case 'edited':
        logger.info({ handoffId: result.handoff.id, fields: result.fields }, 'handoff edited');
        return { kind: 'edited', handoff: result.handoff, fields: result.fields };
      case 'unchanged':
        return { kind: 'edited', handoff: result.handoff, fields: [] };
      default:
        return { kind: 'edit_refused', message: editRefusedText(result) };
    }
  }

  function sendDraft(
    req: RequestContext & {
      draftId: number;
      overrideReason: string | null;
      /** What the author chose in the review when the AE is away or has a cover. */
      absence?: AbsenceChoice | undefined;
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
      review.editOf,
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
    const { packet, scorecard } = review;
    if (review.editOf !== undefined)
      return saveEdit(req, review, findings, needs.size > 0 ? overrideReason : null);
    // The AE is away or has a cover: the author chose in the review (one of the options it offered).
    const absence = review.absence;
    const choice = absence ? req.absence : undefined;
    if (absence && !absenceChoices(absence).includes(choice as AbsenceChoice)) {
      return {
        kind: 'absence_choice_required',
        message:
          'Choose what to do while the AE is away: send to their cover, start the window when they are back, or send now.',
      };
    }
    const ae = choice === 'cover' && absence?.cover ? absence.cover : review.ae;
    const coverFor = choice === 'cover' ? review.ae.id : undefined;
    // The window starts when they are back (their status's end), not now: their silence until then is not silence.
    const startAt =
      choice === 'when_back' && absence?.until && Date.parse(absence.until) > now.getTime()
        ? new Date(absence.until)
        : now;
    // The escalation policy by the partner (or the AE's pool): its reminders and steps plan the window.
    const policy = deps.policies?.forHandoff({ partnerName: review.partner.name, aeUserId: ae.id });
    const { timeZone: aeTimeZone, ...window } = deps.windows.plan(
      startAt,
      packet.responseWindowDays,
      ae,
      undefined,
      policy,
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
        aeUserId: ae.id,
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
        ...attributionColumns(review),
        overrideReason: needs.size > 0 ? overrideReason : null,
        // What the check found as Send was pressed: the conflicts and duplicates the author sent it past, for the AE.
        findings,
        ...crmColumns(review),
        escalationPolicy: policy ? (deps.policies?.nameOf(policy) ?? null) : null,
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
          detail: {
            score: scorecard.total,
            classification: review.classification,
            // How the class was decided when a CRM was asked: which opportunity, and whose choice.
            ...attributionDetail(review),
            // Who acted for whom: sent to the AE's cover, or to an away AE with the window from their return.
            ...(coverFor ? { coverFor } : {}),
            ...(choice === 'when_back'
              ? { windowFrom: startAt.toISOString(), awayStatus: absence?.status }
              : {}),
            // Sent now although their status said away (a cover named alone says nothing of today).
            ...(choice === 'now' && absence?.status ? { sentWhileAway: absence.status } : {}),
            // Round robin: the pool's next pick starts after this AE.
            ...(review.fromPool && choice !== 'cover' ? { pool: review.fromPool.name } : {}),
          },
        });
        const h = stored.handoff;
        enqueue(tx, crmActivityMessage(h, eventId), now);
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

  /**
   * The attribution details given on the review (asked only when the packet names a CRM opportunity of unknown
   * creation date), applied before Send: kept with the draft, so the handoff is stored with them and classified by
   * them. When they change the classification the review is shown again first, so what is sent is what was read.
   */
  function applyAttributionDetails(
    req: RequestContext & { draftId: number; details: AttributionDetailsInput },
  ): AttributionDetailsResult {
    // Whatever Send would refuse (not found, someone else's, already sent), it refuses as before.
    const draft = draftBeforeSend(db, req);
    if (!draft) return { kind: 'unchanged' };
    const review = draft.content as unknown as Review;
    if (!review.attributionDetails || !review.packet.crmOpportunity) return { kind: 'unchanged' };
    const now = clock.now();
    const dates = parseAttributionDates(
      req.details,
      isoDateIn(now, EARLIEST_ZONE),
      isoDateIn(now, LATEST_ZONE),
    );
    if (!dates.ok) return { kind: 'invalid', errors: dates.errors };
    const packet = {
      ...review.packet,
      opportunityCreatedOn: dates.opportunityCreatedOn,
      // Empty: the day of sending, as when the packet was submitted.
      partnerTouchOn: dates.partnerTouchOn ?? deps.windows.todayOf(now, review.authorTimeZone),
    };
    if (
      packet.opportunityCreatedOn === review.packet.opportunityCreatedOn &&
      packet.partnerTouchOn === review.packet.partnerTouchOn
    ) {
      return { kind: 'unchanged' };
    }
    return saveReclassified(db, draft, { ...review, packet }, review, now);
  }

  /**
   * What `/handoff` typed in a channel preselects: that channel, when it is one the app can post in and is shared
   * with exactly one other organization (a DM, an internal channel, a channel shared with several organizations or
   * held for review is not a partner channel to offer), and its partner when the directory knows whose it is.
   * Nothing when Slack cannot say quickly: the modal must open within the trigger's few seconds.
   */
  async function packetDefaults(
    channelId: string | undefined,
    ctx: Pick<RequestContext, 'internalTeamIds'>,
  ): Promise<{ partnerChannelId?: string; prefill?: { partnerOrg: string } }> {
    if (!channelId || !/^[CG][A-Z0-9]{2,}$/.test(channelId)) return {};
    let channel: DirectoryChannel | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      channel = await Promise.race([
        deps.directory.lookupChannel(channelId),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), PACKET_DEFAULTS_WAIT_MS);
          timer.unref?.();
        }),
      ]);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      logger.warn({ err: error.cause, channelId }, 'Slack lookup failed for the packet defaults');
      return {};
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (!channel?.isMember || channel.isArchived || !channel.isExternallyShared) return {};
    const external = channel.sharedTeamIds.filter((id) => !ctx.internalTeamIds.includes(id));
    if (external.length > 1) return {};
    const binding = findChannelBinding(db, channel.id);
    if (binding?.status === 'held') return {};
    const partnerId =
      binding?.partnerId ?? (external[0] ? findWorkspace(db, external[0])?.partnerId : undefined);
    const partner = partnerId == null ? undefined : findPartner(db, partnerId);
    return { partnerChannelId: channel.id, ...(partner ? { prefill: { partnerOrg: partner.name } } : {}) };
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

  return {
    submitPacket,
    sendDraft,
    applyAttributionDetails,
    /** The author's pick among the CRM's opportunities on the account (services/crm/attribution.ts). */
    applyAttributionPick: (req: Parameters<typeof applyAttributionPick>[1]) =>
      applyAttributionPick({ db, clock }, req),
    packetDefaults,
  };
}

export type PacketService = ReturnType<typeof createPacketService>;
