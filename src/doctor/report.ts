import type { CheckResult, Found, Status } from './types.js';

const MARK: Record<Status, string> = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };
const RANK: Record<Status, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };

/** A check's verdict: its worst finding (skip when it has none but skips). */
export function statusOf(result: CheckResult): Status {
  return result.findings.reduce<Status>(
    (worst, f) => (RANK[f.status] > RANK[worst] ? f.status : worst),
    'skip',
  );
}

function foundLines(title: string, things: Map<string, Found>): string[] {
  if (things.size === 0) return [];
  const all = [...things.values()];
  const idWidth = Math.max(...all.map((t) => t.id.length));
  const nameWidth = Math.max(...all.map((t) => t.name.length));
  return [
    `  ${title}`,
    ...all.map((t) => `    ${t.id.padEnd(idWidth)}  ${t.name.padEnd(nameWidth)}  ${t.places.join(', ')}`),
  ];
}

/** The checklist as printed: each check and its findings, each failure's fix, the ids found, and the verdict. */
export function renderReport(
  results: readonly CheckResult[],
  found: { channels: Map<string, Found>; people: Map<string, Found> },
  at: Date,
): string {
  const lines = [`Handoff doctor, ${at.toISOString()}`, ''];
  for (const result of results) {
    lines.push(`${MARK[statusOf(result)]}  ${result.title}`);
    for (const finding of result.findings) {
      lines.push(`      ${MARK[finding.status]}  ${finding.text}`);
      if (finding.fix) lines.push(`            Fix: ${finding.fix}`);
    }
  }
  const ids = [...foundLines('Channels', found.channels), ...foundLines('People', found.people)];
  if (ids.length > 0) lines.push('', 'Found in Slack (ids to copy):', ...ids);
  const failed = results.filter((r) => statusOf(r) === 'fail').length;
  const warned = results.filter((r) => statusOf(r) === 'warn').length;
  const warnings = warned > 0 ? `, ${warned} with a warning` : '';
  lines.push(
    '',
    failed > 0
      ? `${failed} of ${results.length} checks failed${warnings}. Fix what is marked FAIL, then run npm run doctor again.`
      : `All ${results.length} checks passed${warnings}.`,
  );
  return `${lines.join('\n')}\n`;
}
