import { editRefusedText } from '../blocks/packetReplies.js';
import type { RequestContext } from '../core/requestContext.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { hasClassificationCorrection } from '../db/repositories/packets.js';
import type { NewHandoffRow } from '../db/schema.js';
import { EDITABLE_FIELDS, pickFields } from '../domain/packet.js';
import { accountOf, crmColumns } from './account.js';
import { attributionColumns } from './attribution.js';
import type { Finding } from './checks.js';
import type { PacketServiceDeps, Review, SendResult } from './types.js';

/**
 * Saving a reviewed edit of a sent handoff: the packet's new values and what follows from them (account keys, score,
 * classification), applied by `Edits.apply` as one guarded transition (edits.ts).
 */

/** The handoff's columns as the reviewed edit sets them (`keepClassification`: RevOps corrected it, so it stands). */
function editChange(
  review: Review,
  account: Awaited<ReturnType<typeof accountOf>>,
  keepClassification: boolean,
  findings: Finding[],
  overrideReason: string | null,
): Partial<NewHandoffRow> {
  const { packet, scorecard } = review;
  return {
    // The fields an edit may change (domain/packetFields.ts), then what follows from them.
    ...pickFields(packet, EDITABLE_FIELDS),
    ...crmColumns(review),
    accountKey: account.key,
    accountDomain: account.domain,
    score: scorecard.total,
    scoreBand: scorecard.band,
    // A RevOps correction of the classification stands: an edit does not silently revert it.
    ...(keepClassification
      ? {}
      : {
          classification: review.classification,
          classificationReason: review.classificationReason,
          ...attributionColumns(review),
        }),
    overrideReason,
    findings,
  };
}

/** Saves a reviewed edit: the packet's fields and what follows from them, one guarded transition (edits.ts). */
export async function saveEdit(
  deps: Pick<PacketServiceDeps, 'db' | 'logger' | 'edits'>,
  req: RequestContext,
  review: Review,
  findings: Finding[],
  overrideReason: string | null,
): Promise<SendResult> {
  const { db } = deps;
  if (!deps.edits || review.editOf === undefined) return { kind: 'not_found' };
  const before = await findHandoff(db, review.editOf);
  if (!before) return { kind: 'not_found' };
  const account = await accountOf(db, review.packet, { id: before.partnerId, name: before.partnerOrg });
  const keep = await hasClassificationCorrection(db, before.id);
  const result = await deps.edits.apply(req, {
    handoffId: review.editOf,
    fromEditCount: review.fromEditCount ?? 0,
    change: editChange(review, account, keep, findings, overrideReason),
    scorecard: review.scorecard.components,
  });
  switch (result.kind) {
    case 'edited':
      deps.logger.info({ handoffId: result.handoff.id, fields: result.fields }, 'handoff edited');
      return { kind: 'edited', handoff: result.handoff, fields: result.fields };
    case 'unchanged':
      return { kind: 'edited', handoff: result.handoff, fields: [] };
    default:
      return { kind: 'edit_refused', message: editRefusedText(result) };
  }
}
