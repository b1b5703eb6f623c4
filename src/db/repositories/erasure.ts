import {
  and,
  type Column,
  eq,
  getTableColumns,
  getTableName,
  inArray,
  is,
  isNotNull,
  isNull,
  or,
  type SQL,
  sql,
  Table,
} from 'drizzle-orm';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  anywhere,
  ERASED_TEXT,
  type KnownPerson,
  type NamedBy,
  names,
  type Person,
  scrubbed,
} from '../../domain/erasure.js';
import { OPEN_STATUSES } from '../../domain/lifecycleState.js';
import type { Executor, Tx } from '../client.js';
import { isPostgres, tablesByName, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { PERSONAL_DATA } from '../personalData.js';
import * as sqliteSchema from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited. Scoped to an
// installation like any repository: an erasure is one workspace's.

/** A row that names the person: its primary key, and its personal columns as stored (by SQL name). */
export interface NamedRow {
  key: Record<string, unknown>;
  values: Record<string, unknown>;
  handoffId: number | null;
  /** Who reads the message the row is (a table with an `audience`): the partner reads their own words for them. */
  audience?: 'internal' | 'partner';
}

export interface Found {
  table: string;
  rows: NamedRow[];
}

/** A table's primary key's SQL names, from the SQLite schema (both engines have the same keys). */
const PRIMARY_KEYS: Record<string, string[]> = Object.fromEntries(
  (Object.values(sqliteSchema) as unknown[])
    .filter((value): value is SQLiteTable => is(value, Table))
    .map((table) => {
      const single = Object.values(getTableColumns(table)).filter((c) => c.primary);
      const composite = getTableConfig(table).primaryKeys[0]?.columns ?? [];
      return [getTableName(table), (single.length > 0 ? single : composite).map((c) => c.name)];
    }),
);

const columnsOf = (table: Table) => Object.entries(getTableColumns(table)) as [string, Column][];
const columnNamed = (table: Table, name: string) => columnsOf(table).find(([, c]) => c.name === name);
/** The named columns the table has, as [property key, column]. */
const columnsNamed = (table: Table, names: readonly string[]) =>
  names.map((name) => columnNamed(table, name)).filter((c): c is [string, Column] => c !== undefined);

/**
 * `column` (any type, JSON too) may contain `term`: ignoring the case of ASCII letters (SQLite's LIKE folds no other),
 * any one character for a letter beyond ASCII (Ë for ë), any spaces between words. `names` then decides.
 */
function contains(exec: Executor, column: Column, term: string): SQL {
  const escaped = term.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  const pattern = `%${[...escaped]
    .map((c) => (c.charCodeAt(0) > 0x7f ? '_' : c))
    .join('')
    .replace(/\s+/g, '%')}%`;
  return isPostgres(exec)
    ? sql`(${column})::text ilike ${pattern} escape '\\'`
    : sql`cast(${column} as text) like ${pattern} escape '\\'`;
}

/** Where a table's rows say which handoff they belong to (the handoffs' own id). */
const handoffColumn = (name: string, table: Table) =>
  columnNamed(table, 'handoff_id') ?? (name === 'handoffs' ? columnNamed(table, 'id') : undefined);

/** The rows of one table whose personal columns name `person`, narrowed by the database then by `names`. */
async function rowsOf(
  exec: Executor,
  name: string,
  person: Person,
  terms: readonly string[],
  inHandoffs?: readonly number[],
): Promise<NamedRow[]> {
  const table = tablesByName(exec)[name];
  const entry = PERSONAL_DATA[name];
  if (!table || !entry || entry.personal.length === 0 || terms.length === 0) return [];
  const personal = columnsNamed(table, entry.personal);
  const keys = columnsNamed(table, PRIMARY_KEYS[name] ?? []);
  const handoff = handoffColumn(name, table);
  if (inHandoffs && (!handoff || inHandoffs.length === 0)) return [];
  const audience = columnNamed(table, 'audience');
  const selection: Record<string, Column> = {};
  for (const [, column] of [...keys, ...personal]) selection[column.name] = column;
  if (handoff) selection.__handoff = handoff[1];
  if (audience) selection.__audience = audience[1];
  const where = and(
    or(...personal.flatMap(([, column]) => terms.map((term) => contains(exec, column, term)))),
    inHandoffs && handoff ? inArray(handoff[1], [...inHandoffs]) : undefined,
    owned(exec, name, table),
  );
  const rows = (await exec
    .select(selection as Record<string, SQLiteColumn>)
    .from(table as SQLiteTable)
    .where(where)) as Record<string, unknown>[];
  return rows
    .map(
      (row): NamedRow => ({
        key: Object.fromEntries(keys.map(([, c]) => [c.name, row[c.name]])),
        values: Object.fromEntries(personal.map(([, c]) => [c.name, row[c.name]])),
        handoffId: typeof row.__handoff === 'number' ? row.__handoff : null,
        ...(row.__audience === 'partner' || row.__audience === 'internal'
          ? { audience: row.__audience }
          : {}),
      }),
    )
    .filter((row) => Object.values(row.values).some((value) => names(value, person)));
}

/**
 * Every row of every table of the inventory (db/personalData.ts) whose personal columns name the person, with its key:
 * first by their ids, full names and emails anywhere; then, in the handoffs those rows belong to, by a part of their
 * name alone (domain/erasure.ts `inHandoff`).
 */
export async function rowsNaming(exec: Executor, person: Person): Promise<Found[]> {
  const whole = anywhere(person);
  const found: Found[] = [];
  for (const name of Object.keys(PERSONAL_DATA)) {
    const rows = await rowsOf(exec, name, whole, [...whole.ids, ...whole.words]);
    if (rows.length > 0) found.push({ table: name, rows });
  }
  const scope = [
    ...new Set(found.flatMap((f) => f.rows.flatMap((r) => (r.handoffId === null ? [] : [r.handoffId])))),
  ];
  if (person.parts.length === 0 || scope.length === 0) return found;
  const keyOf = (row: NamedRow) => JSON.stringify(row.key);
  for (const name of Object.keys(PERSONAL_DATA)) {
    const more = await rowsOf(exec, name, person, [...whole.ids, ...whole.words, ...person.parts], scope);
    const entry = found.find((f) => f.table === name);
    const known = new Set((entry?.rows ?? []).map(keyOf));
    const added = more.filter((row) => !known.has(keyOf(row)));
    if (added.length === 0) continue;
    if (entry) entry.rows.push(...added);
    else found.push({ table: name, rows: added });
  }
  return found;
}

/**
 * The condition keeping a query of the table `name` to the executor's installation's rows. `installations` is the one
 * table without an installation column: an installation's executor reads and rewrites its own row only.
 */
function owned(exec: Executor, name: string, table: Table): SQL | undefined {
  const column =
    name === 'installations' ? columnNamed(table, 'id')?.[1] : getTableColumns(table).installationId;
  return column === undefined ? undefined : own(exec, { installationId: column });
}

/** The row's key as a condition; a row with no key could not be told from the others, so it is refused. */
function keyed(table: Table, key: Record<string, unknown>): SQL | undefined {
  if (Object.keys(key).length === 0)
    throw new Error(`${getTableName(table)} has no primary key to erase a row by`);
  return and(
    ...Object.entries(key).map(([name, value]) =>
      eq((columnNamed(table, name) as [string, Column])[1], value),
    ),
  );
}

/**
 * Rewrites one row without the person (`scrubbed`, their names as `erasedAs`), or deletes it (a present-state row: a
 * cover, a follow, an App Home). `person` as searched in this row (domain/erasure.ts `inHandoff`). Returns whether it
 * changed: false when the row is no longer there (removed since the plan was made).
 */
export async function eraseRow(
  tx: Tx,
  table: string,
  row: NamedRow,
  person: Person,
  pseudonym: string,
  erasedAs: string = ERASED_TEXT,
): Promise<boolean> {
  const target = tablesByName(tx)[table];
  if (!target) return false;
  const where = and(keyed(target, row.key), owned(tx, table, target));
  if (PERSONAL_DATA[table]?.erase === 'delete') {
    const deleted = await tx
      .delete(target as SQLiteTable)
      .where(where)
      .returning({ one: sql<number>`1` });
    return deleted.length > 0;
  }
  const set: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row.values)) {
    const after = scrubbed(value, person, pseudonym, erasedAs);
    if (after !== value) set[(columnNamed(target, name) as [string, Column])[0]] = after;
  }
  if (Object.keys(set).length === 0) return false;
  const updated = await tx
    .update(target as SQLiteTable)
    .set(set)
    .where(where)
    .returning({ one: sql<number>`1` });
  return updated.length > 0;
}

/** The open handoffs the person is the AE, the owner or the author of: erasing them would leave the deal with nobody. */
export async function openHandoffsOf(exec: Executor, ids: readonly string[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const { handoffs: h } = tablesOf(exec);
  const rows = await exec
    .select({ id: h.id, outcome: h.outcome })
    .from(h)
    .where(
      and(
        own(exec, h),
        inArray(h.status, [...OPEN_STATUSES]),
        or(
          inArray(h.aeUserId, [...ids]),
          inArray(h.ownerUserId, [...ids]),
          inArray(h.authorUserId, [...ids]),
        ),
      ),
    )
    .orderBy(h.id);
  return rows.filter((r) => r.outcome !== 'won' && r.outcome !== 'lost').map((r) => r.id);
}

/** The program's parts that name the person now (the latest entry of each part): `pool emea`, `person U0AE`. */
export async function programPartsNaming(exec: Executor, person: Person): Promise<string[]> {
  const { programLog: p } = tablesOf(exec);
  const rows = await exec
    .select({ id: p.id, kind: p.kind, key: p.key, body: p.body })
    .from(p)
    .where(own(exec, p))
    .orderBy(p.id);
  const latest: Record<string, { kind: string; key: string; body: unknown }> = {};
  for (const row of rows) latest[`${row.kind}\u0000${row.key}`] = row;
  return Object.values(latest)
    .filter(
      (part) => part.body !== null && (names(part.body, anywhere(person)) || person.ids.includes(part.key)),
    )
    .map((part) => `${part.kind} ${part.key}`);
}

/** The names the app stored for these Slack ids (an AE's name on their handoffs), to search for too. */
export async function namesOfIds(exec: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { handoffs: h } = tablesOf(exec);
  const rows = await exec
    .selectDistinct({ name: h.aeName })
    .from(h)
    .where(and(own(exec, h), inArray(h.aeUserId, [...ids])));
  return rows.map((r) => r.name);
}

/**
 * The people the app knows by name, each once: the partner contacts and the AEs of the handoffs (an AE with their
 * Slack id). A name typed to erase is one of them, or refused (domain/erasure.ts `resolveName`).
 */
export async function knownPersons(exec: Executor): Promise<KnownPerson[]> {
  const { handoffs: h } = tablesOf(exec);
  const contacts = await exec
    .selectDistinct({ name: h.partnerContactName })
    .from(h)
    .where(own(exec, h))
    .orderBy(h.partnerContactName);
  const aes = await exec
    .selectDistinct({ name: h.aeName, id: h.aeUserId })
    .from(h)
    .where(own(exec, h))
    .orderBy(h.aeName, h.aeUserId);
  return [
    ...contacts.map((c) => ({ name: c.name, id: null, as: 'partner contact' })),
    ...aes.map((a) => ({ name: a.name, id: a.id, as: 'AE' })),
  ];
}

/** The erasure, recorded without the erased data. */
export async function recordErasure(
  tx: Tx,
  row: {
    at: Date;
    requestedBy: string;
    namedBy: NamedBy;
    pseudonym: string;
    rowsChanged: number;
    messagesUpdated: number;
  },
): Promise<void> {
  await tx.insert(tablesOf(tx).erasures).values(ownRow(tx, row));
}

/** What the erasure reaches beyond its rows, for these handoffs: their CRM records, the messages the app posted. */
export async function reachOf(exec: Executor, handoffIds: readonly number[]) {
  if (handoffIds.length === 0) return { crm: [], posted: [] };
  const { handoffs: h, postedMessages: p } = tablesOf(exec);
  const crm = await exec
    .select({ id: h.id, system: h.crmSystem, recordId: h.crmRecordId })
    .from(h)
    .where(and(own(exec, h), inArray(h.id, [...handoffIds])))
    .orderBy(h.id);
  const posted = await exec
    .select({ messageKey: p.messageKey, channelId: p.channelId, handoffId: p.handoffId })
    .from(p)
    .where(and(own(exec, p), inArray(p.handoffId, [...handoffIds])))
    .orderBy(p.messageKey);
  return {
    crm: crm.flatMap((r) =>
      r.system && r.recordId ? [{ handoffId: r.id, system: r.system, recordId: r.recordId }] : [],
    ),
    posted,
  };
}

/** The app's posts among these outbox rows that are history (not a view of the handoff), where they landed. */
export async function postedHistory(exec: Executor, outboxIds: readonly number[]) {
  if (outboxIds.length === 0) return [];
  const { outbox: o } = tablesOf(exec);
  const rows = await exec
    .select({
      id: o.id,
      channelKey: o.channelKey,
      recordAs: o.recordAs,
      payload: o.payload,
      audience: o.audience,
      handoffId: o.handoffId,
      postedChannelId: o.postedChannelId,
      postedTs: o.postedTs,
    })
    .from(o)
    .where(
      and(
        own(exec, o),
        inArray(o.id, [...outboxIds]),
        eq(o.method, 'chat.postMessage'),
        eq(o.status, 'delivered'),
        isNull(o.surfaceKey),
        isNotNull(o.postedTs),
      ),
    )
    .orderBy(o.id);
  return rows.flatMap((r) =>
    r.postedChannelId && r.postedTs
      ? [{ ...r, postedChannelId: r.postedChannelId, postedTs: r.postedTs }]
      : [],
  );
}

/**
 * The key a history post can be edited by: its own recorded key, or (a post recorded nowhere, such as a thread reply)
 * one recorded now from where the outbox row says it landed.
 */
export async function editableKey(
  tx: Tx,
  post: {
    id: number;
    recordAs: string | null;
    postedChannelId: string;
    postedTs: string;
    handoffId: number | null;
  },
  now: Date,
): Promise<string> {
  if (post.recordAs) return post.recordAs;
  const key = `outbox:${post.id}`;
  await tx
    .insert(tablesOf(tx).postedMessages)
    .values(
      ownRow(tx, {
        messageKey: key,
        channelId: post.postedChannelId,
        ts: post.postedTs,
        handoffId: post.handoffId,
        postedAt: now,
      }),
    )
    .onConflictDoNothing();
  return key;
}
