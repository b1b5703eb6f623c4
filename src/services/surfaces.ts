import { createHash } from 'node:crypto';
import { handoffMessage } from '../blocks/handoffMessage.js';
import type { SlackMessage } from '../blocks/message.js';
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
import { findSurface, newestSurfaceId } from '../db/repositories/surfaces.js';
import type { HandoffRow, OutcomeRow, SurfaceKind, SurfaceRow } from '../db/schema.js';
import {
  isPossible,
  NO_OFFER,
  type Offer,
  OWNER_ACTIONS,
  offerFor,
  type Viewer,
} from '../domain/lifecycle.js';
import { packetNamesFormerAe } from '../domain/moves.js';
import type { Outcome } from '../domain/outcomes.js';
import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import { dayIn, partnerView } from '../domain/partnerView.js';
import { heldBackState } from '../partners/heldBack.js';
import { formerAeNames, partnerHistory } from '../partners/partnerThread.js';
import { stampOf } from './notifications.js';

export interface SurfaceDeps {
  db: Executor;
  adminUserIds: readonly string[];
  /** Our workspaces, and the one the app is installed in (the team of anyone reading a DM from it). */
  internalTeamIds: readonly string[];
  homeTeamId: string;
  /** What day it is for the partner thread's parent (a next move whose date has passed is held back). */
  clock?: Clock;
}

/** Owner-facing notices: the owner's buttons sit on the newest of them only, so older ones never invite a click. */
const OWNER_NOTICES: readonly SurfaceKind[] = [
  'sent_confirmation',
  'owner_assigned',
  'decision_notice',
  'expired_owner',
  'reassigned_notice',
  'extended_owner',
  'withdrawn_notice',
  'outcome_notice',
];

/** DMs that can carry the owner's buttons: the owner's notices, and escalations (an absence, a step of a policy). */
const OWNER_DMS: readonly SurfaceKind[] = [...OWNER_NOTICES, 'escalation'];

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
  const { db } = deps;

  /** A person reading a DM from the app: a member of our workspace (or the AE's own, for the AE). */
  function viewerFor(userId: string, h: HandoffRow): Viewer {
    return {
      actor: { userId, teamId: userId === h.aeUserId ? h.aeTeamId : deps.homeTeamId },
      internalTeamIds: deps.internalTeamIds,
      adminUserIds: deps.adminUserIds,
    };
  }

  /**
   * The author's notice of a move (or the expiry notice that tells the policy's move of the same sweep), still current,
   * while the packet names the AE it moved from (domain/moves.ts).
   */
  function flagsPacket(surface: SurfaceRow, h: HandoffRow, current: boolean): boolean {
    const move = (surface.params as SurfaceParams).move;
    return (
      (surface.kind === 'reassigned_notice' || surface.kind === 'expired_owner') &&
      current &&
      move !== undefined &&
      surface.viewerUserId === h.authorUserId &&
      packetNamesFormerAe(h, move).length > 0
    );
  }

  function offerOn(surface: SurfaceRow, h: HandoffRow, current: boolean): Offer {
    const reader = surface.viewerUserId;
    if (surface.kind === 'ae_packet') {
      if (!reader) return NO_OFFER;
      const offer = offerFor(viewerFor(reader, h), h);
      return { ...offer, owner: [], edit: false };
    }
    if (surface.kind === 'escalation') {
      if (!current) return NO_OFFER;
      if (!reader) return { ...NO_OFFER, owner: OWNER_ACTIONS.filter((action) => isPossible(action, h)) };
      if (newestSurfaceId(db, h.id, reader, OWNER_DMS) !== surface.id) return NO_OFFER;
      return { ...NO_OFFER, owner: offerFor(viewerFor(reader, h), h).owner };
    }
    if (!reader) return NO_OFFER;
    if (OWNER_NOTICES.includes(surface.kind)) {
      const offer = offerFor(viewerFor(reader, h), h);
      // The author's confirmation offers Edit while the AE has not answered, and so does their notice of a move while
      // the packet names the AE it moved from; owner buttons sit on the newest notice.
      const edit = offer.edit && (surface.kind === 'sent_confirmation' || flagsPacket(surface, h, current));
      const owner = newestSurfaceId(db, h.id, reader, OWNER_DMS) === surface.id ? offer.owner : [];
      if (owner.length === 0 && !edit) return NO_OFFER;
      return { ...NO_OFFER, owner, edit };
    }
    if (surface.kind === 'stall_nudge') {
      const steps = offerFor(viewerFor(reader, h), h).outcomes;
      if (steps.length === 0 || newestSurfaceId(db, h.id, reader, ['stall_nudge']) !== surface.id)
        return NO_OFFER;
      return { ...NO_OFFER, outcomes: steps };
    }
    return NO_OFFER;
  }

  /** The partner's view of the deal now (domain/partnerView.ts): its thread's parent exists, since it is rendered. */
  function partnerViewOf(h: HandoffRow): PartnerSafeUpdate | null {
    const today = deps.clock ? dayIn(deps.clock.now(), h.aeTimeZone) : undefined;
    return partnerView(
      { handoff: h, facts: partnerHistory(db, h), threadStarted: true },
      { ...(today ? { today } : {}), formerAeNames: formerAeNames(db, h) },
    );
  }

  /** The newest step of this kind recorded on the handoff (its outcomes come oldest first). */
  function latestStep(handoffId: number, outcome: Outcome): OutcomeRow | undefined {
    return findOutcomes(db, handoffId).findLast((row) => row.outcome === outcome);
  }

  function model(surface: SurfaceRow, h: HandoffRow): SurfaceModel {
    const params = surface.params as SurfaceParams;
    const current = params.stamp === undefined || params.stamp === stampOf(h);
    const currentDecision = findDecision(db, h.id, h.assignment);
    const base: SurfaceModel = {
      kind: surface.kind,
      h,
      params,
      current,
      currentDecision,
      offer: offerOn(surface, h, current),
    };
    switch (surface.kind) {
      case 'decision_notice':
        return {
          ...base,
          decision:
            params.assignment === h.assignment
              ? currentDecision
              : findDecision(db, h.id, params.assignment ?? h.assignment),
          // Queued with the decision: whether the partner reads of it (older notices: told, as they said).
          partnerPost: params.partner === 'unheard' ? 'none' : 'told',
        };
      case 'outcome_notice':
        return { ...base, step: findOutcomes(db, h.id).find((row) => row.outcome === params.outcome) };
      case 'partner_parent':
        return { ...base, partner: partnerViewOf(h) };
      case 'held_back_notice':
        return { ...base, heldBack: heldBackState(db, h, params.heldBack, deps.clock?.now()) };
      case 'ae_packet':
        return {
          ...base,
          crmOpportunity: h.outcome
            ? (latestStep(h.id, 'opportunity_created')?.crmOpportunity ?? null)
            : null,
        };
      default:
        return base;
    }
  }

  /**
   * The surface as it must look now, with the change count it shows and a hash of it (`unchanged`: Slack already
   * shows exactly this); undefined when there is nothing to send.
   */
  function render(
    key: string,
  ): { rendered: RenderedSurface; version: number; hash: string; unchanged: boolean } | undefined {
    const surface = findSurface(db, key);
    if (!surface) return undefined;
    const h = findHandoff(db, surface.handoffId);
    if (!h) return undefined;
    const rendered = renderSurface(model(surface, h));
    if (!rendered) return undefined;
    const hash = createHash('sha256')
      .update(JSON.stringify(rendered.message))
      .digest('base64url')
      .slice(0, 22);
    return { rendered, version: surface.wanted, hash, unchanged: surface.renderedHash === hash };
  }

  /** The packet as the AE sees it now, without buttons (a View from the list or the App Home). */
  /** The AE's packet as `reader` sees it in View: without buttons, and "you" only for the AE. */
  function packetPreview(h: HandoffRow, reader: string): SlackMessage {
    return handoffMessage(h, {
      decision: findDecision(db, h.id, h.assignment),
      crmOpportunity: h.outcome ? (latestStep(h.id, 'opportunity_created')?.crmOpportunity ?? null) : null,
      offer: NO_OFFER,
      reader,
    });
  }

  return { render, viewerFor, packetPreview };
}

export type Surfaces = ReturnType<typeof createSurfaces>;
