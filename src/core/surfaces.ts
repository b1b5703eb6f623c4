import { createHash } from 'node:crypto';
import { handoffMessage } from '../blocks/handoffMessage.js';
import type { SlackMessage } from '../blocks/message.js';
import type { PartnerPost } from '../blocks/notices.js';
import {
  type RenderedSurface,
  renderSurface,
  type SurfaceModel,
  type SurfaceParams,
} from '../blocks/surfaces.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/client.js';
import { findOwnerExpiryNotice } from '../db/repositories/escalation.js';
import { coverForOf } from '../db/repositories/events.js';
import { findOutcomes } from '../db/repositories/handoffLists.js';
import { findDecision, findHandoff } from '../db/repositories/handoffs.js';
import { pendingChannelOf } from '../db/repositories/outboxChannels.js';
import { findReport } from '../db/repositories/outcomeReports.js';
import { isChannelHeld } from '../db/repositories/partners.js';
import { heldBackAnsweredAt } from '../db/repositories/partnerThreads.js';
import { findQuestion, moreTimeGrant, questionOf } from '../db/repositories/questions.js';
import { findSurface } from '../db/repositories/surfaces.js';
import type { HandoffRow, OutcomeRow, SurfaceKind, SurfaceRow } from '../db/schema.js';
import { lapsed, NO_OFFER } from '../domain/lifecycle.js';
import type { PlannedMove } from '../domain/moves.js';
import type { Outcome } from '../domain/outcomes.js';
import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import { dayIn, partnerReplyView, partnerView } from '../domain/partnerView.js';
import { waitsForInvite } from './channelAccess.js';
import { heldBackState } from './heldBack.js';
import { partnerReplyKey, stampOf } from './notifications.js';
import { formerAeNames, partnerHistory } from './partnerThread.js';
import { type OfferDeps, offerOn, ownerActionsElsewhere, viewerFor } from './surfaceOffers.js';

export interface SurfaceDeps extends OfferDeps {
  /** What day it is for the partner thread's parent (a next move whose date has passed is held back). */
  clock?: Clock;
  /** How long a recorded outcome step can be undone (OUTCOME_UNDO_SECONDS): its recorder's notice offers Undo. */
  outcomeUndoMs?: number;
}

/**
 * Renders surfaces (messages about a handoff) from the handoff's state now, for the outbox worker at delivery, with
 * the buttons placed by one rule each:
 * - the AE's packet offers its reader everything `can` allows them (Accept and Decline, then the outcome steps);
 * - an owner-facing notice offers the owner's actions (reassign, extend, withdraw) that `can` allows its reader, on
 *   the newest such notice or escalation DM of that reader only (once in their DMs);
 * - the author's confirmation, and their notice of a move while the packet still names the AE it moved from, offer
 *   Edit while `can` allows it;
 * - a stall nudge offers the outcome steps `can` allows, on the newest nudge only;
 * - an escalation offers the owner's actions while the expiry it reports is still the state (in a channel, for the
 *   owner and admins reading it; in a DM, on the newest of the reader's, if `can` allows them);
 * - anything else offers nothing (reminders link to the packet instead).
 */
export function createSurfaces(deps: SurfaceDeps) {
  return {
    render: (key: string) => render(deps, key),
    viewerFor: (userId: string, h: HandoffRow) => viewerFor(deps, userId, h),
    packetPreview: (h: HandoffRow, reader: string) => packetPreview(deps, h, reader),
  };
}

export type Surfaces = ReturnType<typeof createSurfaces>;

/**
 * The partner's view of the deal now (domain/partnerView.ts): its thread's parent exists, since it is rendered. With
 * `decision`: the thread's reply about that decision, as it reads now.
 */
async function partnerViewOf(
  deps: SurfaceDeps,
  h: HandoffRow,
  decision?: number,
): Promise<PartnerSafeUpdate | null> {
  const today = deps.clock ? dayIn(deps.clock.now(), h.aeTimeZone) : undefined;
  const facts = await partnerHistory(deps.db, h);
  const names = await formerAeNames(deps.db, h);
  // A move its author confirmed or rewrote after the deal's latest step still holds past it.
  const answeredAt = h.outcome ? (await heldBackAnsweredAt(deps.db, h.id))?.getTime() : undefined;
  const history = { handoff: h, facts, threadStarted: true };
  const check = {
    ...(today ? { today } : {}),
    formerAeNames: names,
    ...(answeredAt === undefined ? {} : { answeredAt }),
  };
  return decision === undefined ? partnerView(history, check) : partnerReplyView(history, decision, check);
}

/** A step's undo window while it is open (the outbox refreshes the notice when it ends): until when, in whose zone. */
function undoOf(deps: SurfaceDeps, h: HandoffRow, step: OutcomeRow) {
  if (!deps.outcomeUndoMs || !deps.clock || h.outcome !== step.outcome) return undefined;
  const until = new Date(step.recordedAt.getTime() + deps.outcomeUndoMs);
  return deps.clock.now() < until ? { until, timeZone: h.aeTimeZone } : undefined;
}

/** The newest step of this kind recorded on the handoff (its outcomes come oldest first). */
async function latestStep(
  db: Executor,
  handoffId: number,
  outcome: Outcome,
): Promise<OutcomeRow | undefined> {
  return (await findOutcomes(db, handoffId)).findLast((row) => row.outcome === outcome);
}

/** Why a partner reply still waiting in its channel is held, in the order the delivery guard checks (channelGuard.ts). */
const HOLDS: readonly { post: PartnerPost; holds: (db: Executor, channelId: string) => Promise<boolean> }[] =
  [
    { post: 'held', holds: isChannelHeld },
    { post: 'waits', holds: waitsForInvite },
  ];

/**
 * What became of the partner's reply about a decision notice's answer: decided when the answer was recorded (none for
 * one that changes nothing the partner knows; older notices: told, as they said), but while that reply is held, it
 * waits: the directory holds its channel (`held`: the hold and the admin's confirmation refresh the notice), or the
 * app is not in it (`waits`: the removal and the invite refresh it; core/channelAccess.ts).
 */
async function partnerPostOf(db: Executor, base: SurfaceModel): Promise<PartnerPost> {
  if (base.params.partner === 'unheard') return 'none';
  const reply = partnerReplyKey(base.h.id, base.params.assignment ?? base.h.assignment, 'decided');
  const channel = await pendingChannelOf(db, reply);
  if (channel === undefined) return 'told';
  // The first hold that applies, checked one after another in order.
  for (const hold of HOLDS) if (await hold.holds(db, channel)) return hold.post;
  return 'told';
}

/** What each kind of surface reads beyond the handoff, its params and its buttons. */
type Extra = (deps: SurfaceDeps, base: SurfaceModel) => Promise<SurfaceModel>;
const EXTRA: Partial<Record<SurfaceKind, Extra>> = {
  decision_notice: async (deps, base) => {
    const decision =
      base.params.assignment === base.h.assignment
        ? base.currentDecision
        : await findDecision(deps.db, base.h.id, base.params.assignment ?? base.h.assignment);
    return { ...base, decision, partnerPost: await partnerPostOf(deps.db, base) };
  },
  outcome_notice: async (deps, base) => {
    const steps = await findOutcomes(deps.db, base.h.id);
    // Its own step, or the same step recorded again after an undo (the notice is keyed by the step's outcome).
    const step =
      steps.find((row) => row.id === base.params.step) ??
      steps.find((row) => row.outcome === base.params.outcome);
    return { ...base, step, undo: step ? undoOf(deps, base.h, step) : undefined };
  },
  outcome_report: async (deps, base) => ({
    ...base,
    report: base.params.report === undefined ? undefined : await findReport(deps.db, base.params.report),
  }),
  partner_parent: async (deps, base) => ({ ...base, partner: await partnerViewOf(deps, base.h) }),
  partner_reply: async (deps, base) => ({
    ...base,
    partner:
      base.params.decision === undefined ? null : await partnerViewOf(deps, base.h, base.params.decision),
  }),
  held_back_notice: async (deps, base) => ({
    ...base,
    heldBack: await heldBackState(deps.db, base.h, base.params.heldBack, deps.clock?.now()),
  }),
  sent_confirmation: async (deps, base) => ({ ...base, coverFor: await coverForOfSurface(deps, base) }),
  owner_assigned: async (deps, base) => ({ ...base, coverFor: await coverForOfSurface(deps, base) }),
  ae_packet: async (deps, base) => ({
    ...base,
    coverFor: await coverForOfSurface(deps, base),
    crmOpportunity: base.h.outcome
      ? ((await latestStep(deps.db, base.h.id, 'opportunity_created'))?.crmOpportunity ?? null)
      : null,
    expiryPlan: await expiryPlanOf(deps.db, base.h),
    question: await currentQuestion(deps.db, base.h),
  }),
  question: async (deps, base) => ({
    ...base,
    question:
      base.params.question === undefined ? undefined : await findQuestion(deps.db, base.params.question),
  }),
  more_time: async (deps, base) => ({ ...base, grant: await moreTimeGrant(deps.db, base.h.id) }),
};

/** The away AE whose cover had the assignment the message is about (the touch log's `coverFor`), if any. */
const coverForOfSurface = (deps: SurfaceDeps, base: SurfaceModel) =>
  coverForOf(deps.db, base.h.id, base.params.assignment ?? base.h.assignment);

/** The question the handoff's AE asked before deciding (one per AE), if any. */
async function currentQuestion(db: Executor, h: HandoffRow) {
  return h.questionAssignment === h.assignment ? questionOf(db, h.id, h.assignment) : undefined;
}

async function model(deps: SurfaceDeps, surface: SurfaceRow, h: HandoffRow): Promise<SurfaceModel> {
  const params = surface.params as SurfaceParams;
  const current = params.stamp === undefined || params.stamp === stampOf(h);
  const currentDecision = await findDecision(deps.db, h.id, h.assignment);
  const offer = await offerOn(deps, surface, h, current);
  const ownerElsewhere = ownerActionsElsewhere(deps, surface, h, offer);
  const base: SurfaceModel = {
    kind: surface.kind,
    h,
    params,
    current,
    currentDecision,
    offer,
    ownerElsewhere,
  };
  return (await EXTRA[surface.kind]?.(deps, base)) ?? base;
}

/**
 * The surface as it must look now, with the change count it shows and a hash of it (`unchanged`: Slack already
 * shows exactly this); undefined when there is nothing to send.
 */
async function render(
  deps: SurfaceDeps,
  key: string,
): Promise<{ rendered: RenderedSurface; version: number; hash: string; unchanged: boolean } | undefined> {
  const surface = await findSurface(deps.db, key);
  if (!surface) return undefined;
  const h = await findHandoff(deps.db, surface.handoffId);
  if (!h) return undefined;
  const rendered = renderSurface(await model(deps, surface, h));
  if (!rendered) return undefined;
  const hash = createHash('sha256').update(JSON.stringify(rendered.message)).digest('base64url').slice(0, 22);
  return { rendered, version: surface.wanted, hash, unchanged: surface.renderedHash === hash };
}

/**
 * An expired handoff's planned move: what the owner's expiry notice of this window says a level of the policy will
 * do (escalation/'s plannedMoveOf, recorded with the notice), so the AE's packet says the same.
 */
async function expiryPlanOf(db: Executor, h: HandoffRow): Promise<PlannedMove | undefined> {
  if (!lapsed(h.status)) return undefined;
  const notice = await findOwnerExpiryNotice(db, h);
  return (notice?.params as SurfaceParams | undefined)?.plan;
}

/** The AE's packet as `reader` sees it in View: without buttons, and "you" only for the AE. */
async function packetPreview(deps: SurfaceDeps, h: HandoffRow, reader: string): Promise<SlackMessage> {
  const decision = await findDecision(deps.db, h.id, h.assignment);
  const crmOpportunity = h.outcome
    ? ((await latestStep(deps.db, h.id, 'opportunity_created'))?.crmOpportunity ?? null)
    : null;
  const plan = await expiryPlanOf(deps.db, h);
  return handoffMessage(h, {
    decision,
    crmOpportunity,
    offer: NO_OFFER,
    reader,
    plan,
    question: await currentQuestion(deps.db, h),
    coverFor: await coverForOf(deps.db, h.id, h.assignment),
  });
}
