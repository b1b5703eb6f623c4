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
import { findOutcomes } from '../db/repositories/handoffLists.js';
import { findDecision, findHandoff } from '../db/repositories/handoffs.js';
import { pendingChannelOf } from '../db/repositories/outboxChannels.js';
import { isChannelHeld } from '../db/repositories/partners.js';
import { findSurface } from '../db/repositories/surfaces.js';
import type { HandoffRow, OutcomeRow, SurfaceKind, SurfaceRow } from '../db/schema.js';
import { NO_OFFER } from '../domain/lifecycle.js';
import type { Outcome } from '../domain/outcomes.js';
import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import { dayIn, partnerView } from '../domain/partnerView.js';
import { waitsForInvite } from '../partners/channelAccess.js';
import { heldBackState } from '../partners/heldBack.js';
import { formerAeNames, partnerHistory } from '../partners/partnerThread.js';
import { partnerReplyKey, stampOf } from './notifications.js';
import { type OfferDeps, offerOn, viewerFor } from './surfaceOffers.js';

export interface SurfaceDeps extends OfferDeps {
  /** What day it is for the partner thread's parent (a next move whose date has passed is held back). */
  clock?: Clock;
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

/** The partner's view of the deal now (domain/partnerView.ts): its thread's parent exists, since it is rendered. */
function partnerViewOf(deps: SurfaceDeps, h: HandoffRow): PartnerSafeUpdate | null {
  const today = deps.clock ? dayIn(deps.clock.now(), h.aeTimeZone) : undefined;
  return partnerView(
    { handoff: h, facts: partnerHistory(deps.db, h), threadStarted: true },
    { ...(today ? { today } : {}), formerAeNames: formerAeNames(deps.db, h) },
  );
}

/** The newest step of this kind recorded on the handoff (its outcomes come oldest first). */
function latestStep(db: Executor, handoffId: number, outcome: Outcome): OutcomeRow | undefined {
  return findOutcomes(db, handoffId).findLast((row) => row.outcome === outcome);
}

/** Why a partner reply still waiting in its channel is held, in the order the delivery guard checks (channelGuard.ts). */
const HOLDS: readonly { post: PartnerPost; holds: (db: Executor, channelId: string) => boolean }[] = [
  { post: 'held', holds: isChannelHeld },
  { post: 'waits', holds: waitsForInvite },
];

/**
 * What became of the partner's reply about a decision notice's answer: decided when the answer was recorded (none for
 * one that changes nothing the partner knows; older notices: told, as they said), but while that reply is held, it
 * waits: the directory holds its channel (`held`: the hold and the admin's confirmation refresh the notice), or the
 * app is not in it (`waits`: the removal and the invite refresh it; partners/channelAccess.ts).
 */
function partnerPostOf(db: Executor, base: SurfaceModel): PartnerPost {
  if (base.params.partner === 'unheard') return 'none';
  const reply = partnerReplyKey(base.h.id, base.params.assignment ?? base.h.assignment, 'decided');
  const channel = pendingChannelOf(db, reply);
  if (channel === undefined) return 'told';
  return HOLDS.find((hold) => hold.holds(db, channel))?.post ?? 'told';
}

/** What each kind of surface reads beyond the handoff, its params and its buttons. */
const EXTRA: Partial<Record<SurfaceKind, (deps: SurfaceDeps, base: SurfaceModel) => SurfaceModel>> = {
  decision_notice: (deps, base) => ({
    ...base,
    decision:
      base.params.assignment === base.h.assignment
        ? base.currentDecision
        : findDecision(deps.db, base.h.id, base.params.assignment ?? base.h.assignment),
    partnerPost: partnerPostOf(deps.db, base),
  }),
  outcome_notice: (deps, base) => ({
    ...base,
    step: findOutcomes(deps.db, base.h.id).find((row) => row.outcome === base.params.outcome),
  }),
  partner_parent: (deps, base) => ({ ...base, partner: partnerViewOf(deps, base.h) }),
  held_back_notice: (deps, base) => ({
    ...base,
    heldBack: heldBackState(deps.db, base.h, base.params.heldBack, deps.clock?.now()),
  }),
  ae_packet: (deps, base) => ({
    ...base,
    crmOpportunity: base.h.outcome
      ? (latestStep(deps.db, base.h.id, 'opportunity_created')?.crmOpportunity ?? null)
      : null,
  }),
};

function model(deps: SurfaceDeps, surface: SurfaceRow, h: HandoffRow): SurfaceModel {
  const params = surface.params as SurfaceParams;
  const current = params.stamp === undefined || params.stamp === stampOf(h);
  const base: SurfaceModel = {
    kind: surface.kind,
    h,
    params,
    current,
    currentDecision: findDecision(deps.db, h.id, h.assignment),
    offer: offerOn(deps, surface, h, current),
  };
  return EXTRA[surface.kind]?.(deps, base) ?? base;
}

/**
 * The surface as it must look now, with the change count it shows and a hash of it (`unchanged`: Slack already
 * shows exactly this); undefined when there is nothing to send.
 */
function render(
  deps: SurfaceDeps,
  key: string,
): { rendered: RenderedSurface; version: number; hash: string; unchanged: boolean } | undefined {
  const surface = findSurface(deps.db, key);
  if (!surface) return undefined;
  const h = findHandoff(deps.db, surface.handoffId);
  if (!h) return undefined;
  const rendered = renderSurface(model(deps, surface, h));
  if (!rendered) return undefined;
  const hash = createHash('sha256').update(JSON.stringify(rendered.message)).digest('base64url').slice(0, 22);
  return { rendered, version: surface.wanted, hash, unchanged: surface.renderedHash === hash };
}

/** The AE's packet as `reader` sees it in View: without buttons, and "you" only for the AE. */
function packetPreview(deps: SurfaceDeps, h: HandoffRow, reader: string): SlackMessage {
  return handoffMessage(h, {
    decision: findDecision(deps.db, h.id, h.assignment),
    crmOpportunity: h.outcome
      ? (latestStep(deps.db, h.id, 'opportunity_created')?.crmOpportunity ?? null)
      : null,
    offer: NO_OFFER,
    reader,
  });
}
