import type { SurfaceParams } from '../blocks/surfaces.js';
import type { Executor } from '../db/client.js';
import { newestSurfaceId } from '../db/repositories/surfaces.js';
import type { HandoffRow, SurfaceKind, SurfaceRow } from '../db/schema.js';
import {
  can,
  isPossible,
  NO_OFFER,
  type Offer,
  OWNER_ACTIONS,
  offerFor,
  type Viewer,
} from '../domain/lifecycle.js';
import { packetNamesFormerAe } from '../domain/moves.js';

/** What placing a surface's buttons needs: the database (which notice is newest) and who is internal. */
export interface OfferDeps {
  db: Executor;
  adminUserIds: readonly string[];
  /** Our workspaces, and the one the app is installed in (the team of anyone reading a DM from it). */
  internalTeamIds: readonly string[];
  homeTeamId: string;
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
  'more_time',
  'taken_back_notice',
];

/** DMs that can carry the owner's buttons: the owner's notices, and escalations (an absence, a step of a policy). */
const OWNER_DMS: readonly SurfaceKind[] = [...OWNER_NOTICES, 'escalation'];

/** A person reading a DM from the app: a member of our workspace (or the AE's own, for the AE). */
export function viewerFor(deps: OfferDeps, userId: string, h: HandoffRow): Viewer {
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

/** How one kind of surface places its buttons. `reader` is the DM's reader (null in a channel). */
type PlaceOffer = (
  deps: OfferDeps,
  surface: SurfaceRow,
  h: HandoffRow,
  current: boolean,
) => Offer | Promise<Offer>;

const aePacket: PlaceOffer = (deps, surface, h) => {
  if (!surface.viewerUserId) return NO_OFFER;
  return { ...offerFor(viewerFor(deps, surface.viewerUserId, h), h), owner: [], edit: false };
};

const escalation: PlaceOffer = async (deps, surface, h, current) => {
  const reader = surface.viewerUserId;
  if (!current) return NO_OFFER;
  if (!reader) return { ...NO_OFFER, owner: OWNER_ACTIONS.filter((action) => isPossible(action, h)) };
  if ((await newestSurfaceId(deps.db, h.id, reader, OWNER_DMS)) !== surface.id) return NO_OFFER;
  return { ...NO_OFFER, owner: offerFor(viewerFor(deps, reader, h), h).owner };
};

const ownerNotice: PlaceOffer = async (deps, surface, h, current) => {
  const reader = surface.viewerUserId;
  if (!reader) return NO_OFFER;
  const offer = offerFor(viewerFor(deps, reader, h), h);
  // The author's confirmation offers Edit while the AE has not answered, and so does their notice of a move while
  // the packet names the AE it moved from; owner buttons sit on the newest notice.
  const edit = offer.edit && (surface.kind === 'sent_confirmation' || flagsPacket(surface, h, current));
  const owner = (await newestSurfaceId(deps.db, h.id, reader, OWNER_DMS)) === surface.id ? offer.owner : [];
  if (owner.length === 0 && !edit) return NO_OFFER;
  return { ...NO_OFFER, owner, edit };
};

const stallNudge: PlaceOffer = async (deps, surface, h) => {
  const reader = surface.viewerUserId;
  if (!reader) return NO_OFFER;
  const steps = offerFor(viewerFor(deps, reader, h), h).outcomes;
  if (steps.length === 0 || (await newestSurfaceId(deps.db, h.id, reader, ['stall_nudge'])) !== surface.id)
    return NO_OFFER;
  return { ...NO_OFFER, outcomes: steps };
};

/** The author's Answer, on their newest message of the question (a later one says the clock runs again). */
const question: PlaceOffer = async (deps, surface, h) => {
  const reader = surface.viewerUserId;
  if (!reader || !offerFor(viewerFor(deps, reader, h), h).answer) return NO_OFFER;
  if ((await newestSurfaceId(deps.db, h.id, reader, ['question'])) !== surface.id) return NO_OFFER;
  return { ...NO_OFFER, answer: true };
};

/** The AE's Meeting held (and the other steps) and New date, on their newest message of the first step's checks. */
const stepCheck: PlaceOffer = async (deps, surface, h) => {
  const reader = surface.viewerUserId;
  if (!reader || reader !== h.aeUserId) return NO_OFFER;
  // Asked to name the first step of a deal accepted before first steps: that button, while it has none.
  if ((surface.params as SurfaceParams).stepCheck === 'name')
    return can(viewerFor(deps, reader, h), 'name_step', h) ? { ...NO_OFFER, newStepDate: true } : NO_OFFER;
  const offer = offerFor(viewerFor(deps, reader, h), h);
  if (!offer.newStepDate && !offer.handBack && offer.outcomes.length === 0) return NO_OFFER;
  // A message about a date the step no longer has (the AE gave it a new one) asks for nothing.
  if ((surface.params as SurfaceParams).stepDue !== h.firstStepDue) return NO_OFFER;
  if ((await newestSurfaceId(deps.db, h.id, reader, ['step_check'])) !== surface.id) return NO_OFFER;
  return { ...NO_OFFER, outcomes: offer.outcomes, newStepDate: offer.newStepDate, handBack: offer.handBack };
};

/** The kinds that carry buttons, and how; every other kind offers nothing (reminders link to the packet instead). */
const OFFERS: Partial<Record<SurfaceKind, PlaceOffer>> = {
  ae_packet: aePacket,
  escalation,
  stall_nudge: stallNudge,
  step_check: stepCheck,
  question,
  ...Object.fromEntries(OWNER_NOTICES.map((kind) => [kind, ownerNotice])),
};

/**
 * Whether the reader of an owner-facing DM may take the owner's actions now though `offer` (this message's buttons)
 * has none of them: they sit on the reader's newest notice about the handoff, and this one's words point there
 * instead of asking for a click it cannot take.
 */
export function ownerActionsElsewhere(
  deps: OfferDeps,
  surface: SurfaceRow,
  h: HandoffRow,
  offer: Offer,
): boolean {
  const reader = surface.viewerUserId;
  if (!reader || offer.owner.length > 0 || !OWNER_DMS.includes(surface.kind)) return false;
  return offerFor(viewerFor(deps, reader, h), h).owner.length > 0;
}

/** The buttons `surface` carries now (core/surfaces.ts says the rules). */
export async function offerOn(
  deps: OfferDeps,
  surface: SurfaceRow,
  h: HandoffRow,
  current: boolean,
): Promise<Offer> {
  return (await OFFERS[surface.kind]?.(deps, surface, h, current)) ?? NO_OFFER;
}
