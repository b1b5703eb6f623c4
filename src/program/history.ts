import { escapeMrkdwn } from '../blocks/mrkdwn.js';
import { settingWords } from '../blocks/settingsEditor.js';
import type { Db } from '../db/client.js';
import { type ProgramLogRow, programHistory, recentProgramEdits } from '../db/repositories/program.js';
import { COMPONENT_LABEL, COMPONENTS } from '../domain/scoringModel.js';
import type { ProgramKindName } from './kinds.js';
import { changeLine } from './programDiff.js';
import { SETTING_KEYS, SETTINGS, settingsValues } from './settings.js';

/**
 * The program's history as people read it (who, what, before and after): each edit with what it
 * changed from the part's version before it, in `npm run config`'s words ("cap 4 → 5", "+<@U0SAM>"), a person's id
 * as their mention.
 */
export interface HistoryEntry {
  row: ProgramLogRow;
  /** What changed, after the part's name ("cap 4 → 5"; "added", "removed", "changed" when nothing plainer). */
  change: string;
}

const USER = /\b([UW][A-Z0-9]{5,})\b/g;

/** A change as mrkdwn: the words escaped, the people's ids their mentions. */
const asMrkdwn = (words: string) => escapeMrkdwn(words).replace(USER, '<@$1>');

const HEARS: Record<string, string> = {
  all: 'decisions and outcomes',
  decisions: 'decisions only',
  off: 'nothing',
};
type Rec = Record<string, unknown> | null | undefined;
const people = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);

/** Its contacts gained and lost, by their lines ("+contact Lee Park, VP Alliances"). */
function contactChanges(before: Rec, after: Rec): string[] {
  const lines = (r: Rec) =>
    (Array.isArray(r?.contacts) ? (r.contacts as { name: string; role?: string }[]) : []).map((c) =>
      c.role ? `${c.name}, ${c.role}` : c.name,
    );
  const [b, a] = [lines(before), lines(after)];
  return [
    ...a.filter((c) => !b.includes(c)).map((c) => `+contact ${escapeMrkdwn(c)}`),
    ...b.filter((c) => !a.includes(c)).map((c) => `-contact ${escapeMrkdwn(c)}`),
  ];
}

/** The score's weights that moved, by the components' names ("*Proof* 1 → 2"; one never set is 1). */
function weightChanges(before: Rec, after: Rec): string {
  const weight = (r: Rec, id: string) =>
    Number((r?.weights as Record<string, unknown> | undefined)?.[id] ?? 1);
  const moved = COMPONENTS.filter((id) => weight(before, id) !== weight(after, id)).map(
    (id) => `*${COMPONENT_LABEL[id]}* ${weight(before, id)} → ${weight(after, id)}`,
  );
  return moved.join('; ') || (after ? 'saved' : 'removed: every weight 1');
}

/** The parts whose change reads better in their own words than in the file's (mrkdwn). */
const OWN_WORDS: Partial<Record<string, (before: Rec, after: Rec) => string>> = {
  // "*Proof* 1 → 2; *Owner* 1 → 0" (a weight never set is 1).
  scoring: (before, after) => weightChanges(before, after),
  // "More time is: approved by the owner, with one click → given at once".
  settings: (before, after) => {
    const [b, a] = [settingsValues(before ?? {}), settingsValues(after ?? {})];
    const moved = SETTING_KEYS.filter((key) => b[key] !== a[key]).map(
      (key) => `${SETTINGS[key].label}: ${settingWords(key, b[key])} → ${settingWords(key, a[key])}`,
    );
    return moved.join('; ') || 'saved';
  },
  // "+<@U0JORDAN>, hear decisions and outcomes → decisions only".
  partner: (before, after) => {
    const [b, a] = [people(before?.managers), people(after?.managers)];
    const hears = (r: Rec) => HEARS[String(r?.notify ?? 'all')] ?? String(r?.notify);
    return (
      [
        ...a.filter((id) => !b.includes(id)).map((id) => `+<@${id}>`),
        ...b.filter((id) => !a.includes(id)).map((id) => `-<@${id}>`),
        ...(hears(before) !== hears(after) && after ? [`hear ${hears(before)} → ${hears(after)}`] : []),
        ...contactChanges(before, after),
      ].join(', ') || (after ? 'saved' : 'removed')
    );
  },
};

/** The version of a part before `row`: among `recent` (newest first), else asked for. */
async function before(db: Db, recent: readonly ProgramLogRow[], row: ProgramLogRow) {
  const near = recent.find((r) => r.kind === row.kind && r.key === row.key && r.id < row.id);
  if (near) return near;
  return (await programHistory(db, row.kind, row.key, 50)).find((r) => r.id < row.id);
}

/** The newest `limit` edits, each with what it changed. */
export async function programHistoryLines(db: Db, limit: number): Promise<HistoryEntry[]> {
  // A window wider than the page: most edits find the version before them in it, without a query of their own.
  const recent = await recentProgramEdits(db, limit * 4);
  return Promise.all(
    recent.slice(0, limit).map(async (row) => {
      const prior = await before(db, recent, row);
      const own = OWN_WORDS[row.kind];
      if (own) return { row, change: own(prior?.body as Rec, row.body as Rec) };
      const line = changeLine({
        edit: { actor: row.actor, kind: row.kind as ProgramKindName, key: row.key, body: row.body },
        before: prior?.body ?? null,
      });
      return { row, change: asMrkdwn(line.slice(line.indexOf(': ') + 2)) };
    }),
  );
}
