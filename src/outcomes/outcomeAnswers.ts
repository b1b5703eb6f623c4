import type { AnswerResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import type { CrmResolution } from '../crm/index.js';
import type { Db } from '../db/client.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import { answerReport, findReport, type OutcomeReportRow } from '../db/repositories/outcomeReports.js';
import { check as policy } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import type { Outcomes } from './outcomes.js';

/**
 * The AE's answer to an owner's or author's report of an outcome (outcomes/outcomeReport.ts): Confirm records it as
 * the AE's step (the partner hears it, after the undo window), Not right records nothing and the reporter's message
 * says so. A report already answered, or replaced by a newer one, is not answered again.
 */

export interface OutcomeAnswerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  outcomes: Outcomes;
  adminUserIds: readonly string[];
}

/** What the AE's answer to a report answers: in blocks/results.ts, where the replies read it. */
export type { AnswerResult } from '../blocks/results.js';

async function pendingReport(
  deps: OutcomeAnswerDeps,
  reportId: number,
): Promise<{ report: OutcomeReportRow; handoff: HandoffRow } | undefined> {
  const report = Number.isSafeInteger(reportId) ? await findReport(deps.db, reportId) : undefined;
  const handoff = report ? await findHandoff(deps.db, report.handoffId) : undefined;
  return report && handoff ? { report, handoff } : undefined;
}

/** Confirm: the reported step recorded as the AE's (an admin may too), with what the reporter wrote. */
async function confirm(
  deps: OutcomeAnswerDeps,
  req: RequestContext & { reportId: number; crmLink?: CrmResolution },
): Promise<AnswerResult> {
  const found = await pendingReport(deps, req.reportId);
  if (!found) return { kind: 'not_found' };
  const { report, handoff } = found;
  const checked = await deps.outcomes.check({ ...req, handoffId: handoff.id, outcome: report.outcome });
  if (checked.kind === 'ok' && checked.mode === 'report') return { kind: 'not_allowed', handoff };
  if (checked.kind !== 'ok') return checked;
  if (report.status !== 'pending') return { kind: 'answered', handoff, report };
  return deps.outcomes.record({
    ...req,
    handoffId: handoff.id,
    outcome: report.outcome,
    crmOpportunity: report.crmOpportunity,
    reasonCode: report.reasonCode,
    note: report.note,
    fromReport: report.id,
    reportedBy: report.reportedByUserId,
    ...(req.crmLink ? { crmLink: req.crmLink } : {}),
  });
}

/** Not right: nothing is recorded; the report and the reporter's message say the AE did not confirm it. */
async function decline(
  deps: OutcomeAnswerDeps,
  req: RequestContext & { reportId: number },
): Promise<AnswerResult> {
  const found = await pendingReport(deps, req.reportId);
  if (!found) return { kind: 'not_found' };
  const { report, handoff } = found;
  const verdict = policy(viewerOf(req, deps.adminUserIds), 'decline_report', handoff);
  if (verdict === 'external') return { kind: 'external' };
  if (verdict === 'not_allowed') return { kind: 'not_allowed', handoff };
  if (report.status !== 'pending') return { kind: 'answered', handoff, report };
  if (verdict === 'not_now') return { kind: 'not_now', handoff };
  const at = deps.clock.now();
  const applied = await deps.lifecycle.apply({
    event: 'decline_report',
    before: handoff,
    actor: req.actor,
    at,
    change: {},
    record: (tx) => answerReport(tx, report.id, { status: 'declined', byUserId: req.actor.userId, at }),
    detail: { outcome: report.outcome, reportedBy: report.reportedByUserId },
  });
  if (!applied) return { kind: 'not_now', handoff };
  deps.logger.info({ handoffId: handoff.id, report: report.id }, 'reported outcome declined by the AE');
  return {
    kind: 'declined',
    handoff: applied.handoff,
    report: (await findReport(deps.db, report.id)) ?? report,
  };
}

export function createOutcomeAnswers(deps: OutcomeAnswerDeps) {
  return {
    confirm: (req: RequestContext & { reportId: number; crmLink?: CrmResolution }) => confirm(deps, req),
    decline: (req: RequestContext & { reportId: number }) => decline(deps, req),
    /** The report a Confirm button names, for its handler (which checks an opportunity's CRM link first). */
    find: (reportId: number) => (Number.isSafeInteger(reportId) ? findReport(deps.db, reportId) : undefined),
  };
}

export type OutcomeAnswers = ReturnType<typeof createOutcomeAnswers>;
