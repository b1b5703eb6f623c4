import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { reportMessages } from '../core/notifications.js';
import type { RequestContext } from '../core/requestContext.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { insertReport, type OutcomeReportRow } from '../db/repositories/outcomeReports.js';
import type { Outcome } from '../domain/outcomes.js';
import type { Logger } from '../logger.js';

/** What storing a report needs. */
export interface ReportDeps {
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  db: Parameters<typeof findHandoff>[0];
}

export type ReportResult =
  | { kind: 'reported'; handoff: HandoffRow; report: OutcomeReportRow }
  | { kind: 'not_now'; handoff: HandoffRow };

/**
 * The owner's or author's word of an outcome (partner marketing may hear of it first): stored, and sent to the AE to
 * confirm with one click. Nothing reaches the partner, the CRM or the metrics until the AE confirms it; a newer
 * report replaces one still waiting. The reporter sees it as "reported by you, waiting for the AE".
 */
export async function reportOutcome(
  deps: ReportDeps,
  req: RequestContext & { outcome: Outcome },
  before: HandoffRow,
  details: { crmOpportunity: string | null; reasonCode: string | null; note: string | null },
): Promise<ReportResult> {
  const at = deps.clock.now();
  const applied = await deps.lifecycle.apply({
    event: 'report_outcome',
    before,
    actor: req.actor,
    at,
    expect: { outcome: before.outcome },
    change: {},
    record: (tx, after) =>
      insertReport(tx, {
        handoffId: after.id,
        outcome: req.outcome,
        ...details,
        reportedByUserId: req.actor.userId,
        at,
      }),
    detail: { outcome: req.outcome },
    owes: (_tx, after, report) => reportMessages(after, report.id, req.actor.userId),
  });
  if (!applied) return { kind: 'not_now', handoff: (await findHandoff(deps.db, before.id)) ?? before };
  deps.logger.info(
    { handoffId: before.id, outcome: req.outcome, by: req.actor.userId },
    'outcome reported for the AE to confirm',
  );
  return { kind: 'reported', handoff: applied.handoff, report: applied.recorded };
}
