import type { RequestContext } from '../core/requestContext.js';
import { coverRoutingReason } from '../domain/absence.js';
import { ownerPassedOver } from '../domain/ownerRule.js';
import type { PacketInput } from '../domain/packet.js';
import { type AccountOwner, accountOwnerOf, packetCandidates } from './accountOwner.js';
import type { PacketServiceDeps, Review } from './types.js';

/**
 * The CRM's owner of the packet's account in the review (after Cal.com's "skip round robin when the CRM
 * names the owner"): a packet sent to a pool goes to the owner first, without using anyone's turn, and the reason is
 * kept; an author who picks another AE says why, and that is logged.
 */

/** The review waits this long for the CRM's account (the review answers Slack within 3 s, after its other lookups). */
const OWNER_LOOKUP_MS = 1000;

/** The owner of the account a packet names, asked once per review (undefined: no CRM, no match, no owner). */
export async function packetOwnerOf(
  deps: PacketServiceDeps,
  input: PacketInput,
  req: Pick<RequestContext, 'internalTeamIds'>,
): Promise<AccountOwner | undefined> {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const candidates = packetCandidates({
    accountName: text(input.accountName),
    accountDomain: text(input.accountDomain),
  });
  if (candidates.names.length === 0 && candidates.domains.length === 0) return undefined;
  const { owner } = await accountOwnerOf(deps, candidates, req.internalTeamIds, OWNER_LOOKUP_MS);
  return owner;
}

/** What the review keeps of the owner: named, sent to, or passed over (the author then says why). */
export function ownerReviewOf(owner: AccountOwner | undefined): Pick<Review, 'accountOwner'> {
  if (!owner) return {};
  return {
    accountOwner: {
      reason: owner.reason,
      name: owner.ownerName,
      ...(owner.userId ? { userId: owner.userId } : {}),
      ...(owner.notInSlack ? { notInSlack: owner.notInSlack } : {}),
    },
  };
}

/**
 * The handoff's `routing_reason`: the cover's, when it went to the AE's cover (`coverFor`: the away AE, as the review
 * named them); else the owner's line when the owner is who receives it.
 */
export function routingReasonOf(
  review: Pick<Review, 'accountOwner' | 'ae'>,
  aeId: string,
  coverFor?: string,
): string | null {
  if (coverFor) return coverRoutingReason(review.ae.name);
  return review.accountOwner?.userId === aeId ? review.accountOwner.reason : null;
}

/** The sending's touch-log detail of the CRM's say: sent to the owner, or the owner passed over and why. */
export function routingDetail(review: Review, ownerReason: string | null): Record<string, unknown> {
  const owner = review.accountOwner;
  return {
    ...(review.source ? { source: review.source } : {}),
    ...(owner && review.routedToOwner
      ? { routedToOwner: owner.reason, poolSkipped: review.routedToOwner.pool }
      : {}),
    ...(owner && ownerPassedOver(review) && ownerReason?.trim()
      ? {
          ownerPassedOver: {
            user: owner.userId,
            reason: owner.reason,
            why: ownerReason.trim().slice(0, 500),
          },
        }
      : {}),
  };
}

export { ownerPassedOver };
