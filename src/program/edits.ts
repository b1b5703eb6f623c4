import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  appendProgramEntry,
  currentProgram,
  lockProgram,
  type ProgramLogRow,
  programHistory,
  repinOpenHandoffs,
} from '../db/repositories/program.js';
import { OPEN_STATUSES } from '../domain/lifecycleState.js';
import { bookJsonOf, bookProblems } from './book.js';
import { PROGRAM_KINDS, type ProgramKindName, SINGLE } from './kinds.js';
import { storedDayHours } from './settings.js';
import { type ProgramState, programStateOf } from './state.js';

/**
 * The program's writes: an edit is checked against the program as it is when it is written, under the
 * program's lock (db/repositories/program.ts `lockProgram`), so two edits made at once, in one process or on two
 * replicas, are checked one after the other, and nothing of a batch is written when one edit has a problem.
 */

/** An edit: who, which part, its new value (null: remove it), and why when it says more than the edit. */
export interface ProgramEdit {
  actor: string;
  kind: ProgramKindName;
  key?: string;
  body: unknown;
  note?: string;
}

export type EditResult =
  | { ok: true; version: number; changed: boolean }
  /** Each problem with its place (the policy file's, `pools.emea.users[0]`, or the part's field, `regions[1]`). */
  | { ok: false; problems: string[] };

/** The note of an "apply to open handoffs" entry in the program's history. */
export const APPLIED_NOTE = 'applied to the open handoffs under this policy';

export const keyOf = (edit: Pick<ProgramEdit, 'kind' | 'key'>) =>
  PROGRAM_KINDS[edit.kind]?.keyed ? (edit.key ?? '') : SINGLE;

/** JSON with each object's keys in order: a value read back from Postgres (jsonb orders keys) equals the one written. */
const canonical = (value: unknown): string =>
  JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** The last edit of each part, in the order of those last edits: an earlier edit of a part in the same batch is replaced. */
function lastOfEach(edits: readonly ProgramEdit[]): ProgramEdit[] {
  const part = (e: ProgramEdit) => `${e.kind}\u0000${keyOf(e)}`;
  return edits.filter((e, i) => !edits.slice(i + 1).some((later) => part(later) === part(e)));
}

/** The edits that change their part (or say why: a note is written even with the same value). */
function changedEdits(rows: readonly ProgramLogRow[], edits: readonly ProgramEdit[]): ProgramEdit[] {
  return edits.filter((e) => {
    const current = rows.find((r) => r.kind === e.kind && r.key === keyOf(e));
    return e.note !== undefined || canonical(current?.body) !== canonical(e.body);
  });
}

/** The program as it would be after these edits: the current entries, each edited part replaced. */
function afterEdits(state: ProgramState, edits: readonly ProgramEdit[]) {
  const edited = new Set(edits.map((e) => `${e.kind}\u0000${keyOf(e)}`));
  return [
    ...state.rows.filter((r) => !edited.has(`${r.kind}\u0000${r.key}`)),
    ...lastOfEach(edits).map((e) => ({ kind: e.kind as string, key: keyOf(e), body: e.body })),
  ];
}

/** The problems of edits against the program as it is (none: they may be written together). */
export function editProblems(
  state: ProgramState,
  edits: readonly ProgramEdit[],
  dayHours = state.dayHours,
): string[] {
  const problems: string[] = [];
  for (const edit of edits) {
    const kind = PROGRAM_KINDS[edit.kind];
    if (!kind) {
      problems.push(`${String(edit.kind)}: not a part of the program`);
      continue;
    }
    // Which pool, policy or person: a part of these kinds is one of many.
    if (kind.keyed && !keyOf(edit)) problems.push(`${edit.kind}: needs its id`);
    if (kind.book || edit.body === null || !('schema' in kind)) continue;
    const parsed = kind.schema.safeParse(edit.body);
    if (!parsed.success)
      problems.push(
        ...parsed.error.issues.map((i) => `${i.path.map(String).join('.') || kind.label}: ${i.message}`),
      );
  }
  // The book's parts are read together, as the file is: a policy naming a pool the edit removes is a problem. New
  // business hours change what "2d" is: the policies are read again with them.
  const settings = lastOfEach(edits).find((e) => e.kind === 'settings');
  if (edits.some((e) => PROGRAM_KINDS[e.kind]?.book) || (settings && problems.length === 0))
    problems.push(
      ...bookProblems(
        bookJsonOf(afterEdits(state, edits)),
        settings ? storedDayHours(settings.body, dayHours) : dayHours,
      ),
    );
  return problems;
}

interface WriteDeps {
  db: Db;
  clock: Clock;
  dayHours: number;
}

/**
 * Checks edits against the program as it is in the transaction and writes those that change their part. Returns
 * the result, and the edits written (none: refused, or nothing changed). `version`: the last part written's entry.
 */
export async function writeEdits(
  deps: WriteDeps,
  edits: readonly ProgramEdit[],
): Promise<{ result: EditResult; written: ProgramEdit[] }> {
  return deps.db.transaction(async (tx) => {
    await lockProgram(tx);
    const rows = await currentProgram(tx);
    const problems = editProblems(
      programStateOf(0, rows, deps.dayHours, () => {}),
      edits,
    );
    if (problems.length > 0) return { result: { ok: false, problems }, written: [] };
    const changed = changedEdits(rows, lastOfEach(edits));
    if (changed.length === 0) {
      const last = edits.at(-1);
      const current = last && rows.find((r) => r.kind === last.kind && r.key === keyOf(last));
      return { result: { ok: true, version: current?.id ?? 0, changed: false }, written: [] };
    }
    let version = 0;
    for (const e of changed)
      version = await appendProgramEntry(tx, {
        kind: e.kind,
        key: keyOf(e),
        body: e.body,
        actor: e.actor,
        note: e.note ?? null,
        at: deps.clock.now(),
      });
    return { result: { ok: true, version, changed: true }, written: changed };
  });
}

/**
 * "Apply to open handoffs": the policy's version in force is written again with APPLIED_NOTE (the history says who
 * chose it, and when), and its open handoffs are pinned to that entry. Returns the handoffs that moved to it (none,
 * and nothing written, when the program has no such policy).
 */
export async function writeApplied(deps: WriteDeps, actor: string, policy: string): Promise<number[]> {
  return deps.db.transaction(async (tx) => {
    await lockProgram(tx);
    const [current] = await programHistory(tx, 'policy', policy, 1);
    if (!current || current.body === null) return [];
    const version = await appendProgramEntry(tx, {
      kind: 'policy',
      key: policy,
      body: current.body,
      actor,
      note: APPLIED_NOTE,
      at: deps.clock.now(),
    });
    return repinOpenHandoffs(tx, policy, version, OPEN_STATUSES);
  });
}
