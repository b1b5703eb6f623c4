import type { SlackMessage } from '../../../src/blocks/message.js';
import { renderSurface, type SurfaceModel, type SurfaceParams } from '../../../src/blocks/surfaces.js';
import { surfaceParams } from '../../../src/core/notifications.js';
import { type HandoffRow, SURFACE_KINDS, type SurfaceKind } from '../../../src/db/schema.js';
import { NO_OFFER } from '../../../src/domain/lifecycle.js';
import { EVERY_BUTTON } from './offers.js';

/**
 * Surface models as core/surfaces.ts builds them from the database, for rendering with `renderSurface` in
 * tests: the params a builder of core/notifications.ts records when it queues the surface, and the handoff now.
 */

/** What core/notifications.ts records with a surface of `h` queued now (its stamp, AE, due time, window). */
export function paramsOf(h: HandoffRow, extra: SurfaceParams = {}): SurfaceParams {
  return surfaceParams(h, { ...extra }) as SurfaceParams;
}

/** A surface of `h`, queued in the state `h` is in (current), offering nothing unless `over` says otherwise. */
export function surfaceModel(
  kind: SurfaceKind,
  h: HandoffRow,
  over: Partial<SurfaceModel> = {},
): SurfaceModel {
  return { kind, h, params: paramsOf(h), current: true, offer: NO_OFFER, ...over };
}

/** Renders a surface that must show something. */
export function rendered(model: SurfaceModel): SlackMessage {
  const result = renderSurface(model);
  if (!result) throw new Error(`surface ${model.kind} rendered nothing`);
  return result.message;
}

/**
 * Every internal surface of `h` (all kinds but the partner thread's parent; the decision and outcome notices and an
 * outcome report's messages and the AE's question when `rows` has the decision, step, report or question they show), in
 * its worst case: every button offered,
 * both as queued (current) and after the handoff moved on (the past-tense headline and the "Now:" line).
 */
export function everyInternalSurface(
  h: HandoffRow,
  rows: Pick<
    SurfaceModel,
    'decision' | 'currentDecision' | 'step' | 'report' | 'undo' | 'question' | 'grant'
  >,
  params: SurfaceParams = {},
): { label: string; message: SlackMessage }[] {
  const kinds = SURFACE_KINDS.filter(
    (kind) =>
      kind !== 'partner_parent' &&
      kind !== 'partner_reply' &&
      // A notice of a decision or an outcome step needs the row it reports.
      (kind !== 'decision_notice' || rows.decision) &&
      (kind !== 'outcome_notice' || rows.step) &&
      (kind !== 'outcome_report' || rows.report) &&
      (kind !== 'question' || rows.question),
  );
  return kinds.flatMap((kind) =>
    [true, false].map((current) => ({
      label: `${kind} (${current ? 'as queued' : 'moved on'})`,
      message: rendered(
        surfaceModel(kind, h, {
          ...rows,
          current,
          // The packet of an AE the handoff moved away from, once it moved on.
          params: paramsOf(h, {
            ...params,
            ...(current ? {} : { assignment: h.assignment - 1 }),
            // The first step's check-in, about a step due on the handoff's date or a day of its own.
            ...(kind === 'step_check'
              ? { stepCheck: 'check_in' as const, stepDue: h.firstStepDue ?? '2026-12-02' }
              : {}),
            // A deal taken back after the Accept, in its longest words: the pool had nobody for it.
            ...(kind === 'taken_back_notice'
              ? {
                  takenBack: {
                    handedBack: false,
                    step: h.firstStep ?? h.sellerNextMove,
                    stepDue: h.firstStepDue ?? '2026-12-02',
                    days: 3,
                    unassigned: 'pool' as const,
                    poolName: 'Enterprise backup AEs',
                  },
                }
              : {}),
          }),
          offer: EVERY_BUTTON,
          // The author's notice of a held-back next move: asking (as queued), then after it was changed.
          ...(kind === 'held_back_notice'
            ? {
                heldBack: {
                  ask: {
                    reason: 'names_former_ae' as const,
                    former: 'Jordan Seller',
                    move: h.partnerNextMove,
                    date: h.partnerNextMoveDate,
                    version: 'v1',
                  },
                  outcome: current ? ('open' as const) : ('changed' as const),
                  heldNow: false,
                  by: h.authorUserId,
                },
              }
            : {}),
        }),
      ),
    })),
  );
}
