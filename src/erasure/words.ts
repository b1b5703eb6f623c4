import { names } from '../domain/erasure.js';
import { type ErasurePlan, type ErasureReport, personIn } from './erase.js';

/**
 * The erasure's list and report, as the command line prints them and `/handoff erase` answers them (plain text that
 * reads the same in Slack). They never repeat what was searched for: the list says where the person is, not who.
 */

const KIND = { slack_id: 'a Slack id', email: 'an email', name: 'a name' } as const;

/** Where the person appears (each table with the columns that name them, and how many rows), what blocks, what not. */
export function planText(plan: ErasurePlan): string {
  const rows = plan.found.reduce((n, f) => n + f.rows.length, 0);
  const lines = [`Erasure of a person named by ${KIND[plan.person.namedBy]}: ${rows} row(s) name them.`];
  for (const { table, rows: found } of plan.found) {
    const columns = [
      ...new Set(
        found.flatMap((row) =>
          Object.entries(row.values)
            .filter(([, value]) => names(value, personIn(plan, row)))
            .map(([column]) => column),
        ),
      ),
    ];
    lines.push(`  ${table}: ${found.length} row(s), in ${columns.join(', ')}`);
  }
  if (plan.handoffIds.length > 0)
    lines.push(
      `Handoffs whose messages in Slack are brought up to date: ${plan.handoffIds.map((id) => `#${id}`).join(', ')}.`,
    );
  if (plan.blockers.length > 0) lines.push('First:', ...plan.blockers.map((b) => `  - ${b}`));
  lines.push('What the erasure cannot reach:', ...plan.unreachable.map((u) => `  - ${u}`));
  return lines.join('\n');
}

/** What was done, and what it could not reach. */
export function reportText(report: ErasureReport): string {
  return [
    `Erased: ${report.rowsChanged} row(s) rewritten or deleted; their Slack id is now ${report.pseudonym} everywhere, their name and email "(erased)" (the partner reads "your contact", or "our team" for our AE).`,
    `Slack: the messages of ${report.handoffsRefreshed} handoff(s) re-render without them, and ${report.messagesUpdated} earlier post(s) are edited (sent by the app's outbox).`,
    'The erasure is recorded (erasures) without who it was.',
    'Not reached (do these yourself):',
    ...report.unreachable.map((u) => `  - ${u}`),
  ].join('\n');
}
