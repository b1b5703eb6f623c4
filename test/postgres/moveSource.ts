import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { makeCast } from '../../bench/lib/cast.js';
import { generate } from '../../bench/lib/generate.js';
import { openDatabase } from '../../src/db/client.js';
import { tablePairs } from '../../src/db/pg/moveTables.js';
import { openDatabaseReadOnly } from '../../src/db/readOnly.js';
import * as s from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';

/**
 * The SQLite databases the move to Postgres is tested on (test/postgres/move*.test.ts): filled by the bench's
 * generator (bench/lib/generate.ts, set-based SQL through the real migrations), plus one row, written through drizzle,
 * in each table the generator leaves empty, so every table of the schema is copied with data.
 */

export interface SourceFile {
  path: string;
  dir: string;
  /** A copy of the file in the same folder, for a test that changes it. */
  copy(name: string): string;
  remove(): void;
}

/** The generator's clock: a time with milliseconds, so a lost millisecond would show. */
export const GENERATED_AT = new Date('2026-11-23T08:00:00.123Z');
const at = new Date('2026-11-20T10:11:12.345Z');

/** One row in each table the generator leaves empty, JSON of every shape, and a handoff with no partner channel. */
async function fillTheRest(path: string): Promise<void> {
  const database = openDatabase(path);
  try {
    // In one transaction: writes go through one (the database outside a transaction only reads).
    await database.db.transaction((db) => {
      const handoff = db
        .insert(s.handoffs)
        .values(
          sentHandoffRow(at, {
            sourceViewId: 'VNOCHANNEL',
            partnerChannelId: '',
            partnerId: 1,
            riskNote: 'O\'Brien says \\ and "quotes", a tab\there, Zoë ✓ and 🚀',
            reminderSchedule: [at.getTime() + 86_400_001],
            escalationSteps: [{ at: at.getTime() + 259_200_000, level: 1, repeat: 0 }],
            attribution: { basis: 'unreached', crm: 'Salesforce' },
            findings: [{ kind: 'reseller', resellerName: 'Resell Co', accountName: 'Northwind' }],
            editedFields: [],
            editCount: 1,
            editedAt: at,
            // Its AE asked the author a question before deciding; the clock is paused (issue 51).
            questionAssignment: 1,
            questionOpen: true,
            pausedAt: at,
            pauseEndsAt: new Date(at.getTime() + 172_800_000),
            moreTime: 'asked',
            moreTimeDays: 2,
          }),
        )
        .returning()
        .get();
      db.insert(s.handoffEvents)
        .values({
          handoffId: handoff.id,
          type: 'expired',
          fromStatus: 'sent',
          toStatus: 'expired',
          aeUserId: 'U0AE',
          assignment: 1,
          cycle: 1,
          at,
          detail: { away: 'status', nested: { list: [1, 2.5, null, true, 'x'] } },
        })
        .run();
      db.insert(s.partnerWorkspaces)
        .values({
          teamId: 'T3PF0000',
          teamName: 'Partner Firm 0',
          partnerId: 1,
          boundByUserId: 'U0ADMIN',
          boundAt: at,
        })
        .run();
      db.insert(s.removedChannels).values({ channelId: 'C0GONE', how: 'event', since: at }).run();
      db.insert(s.channelAccessNotices)
        .values({
          messageKey: 'channel_access:C0GONE:1',
          channelId: 'C0GONE',
          readerUserId: 'U0OWNER',
          handoffId: handoff.id,
          toldAt: at,
        })
        .run();
      db.insert(s.homeViews)
        .values({ userId: 'U0REVOPS', period: 'quarter', metrics: true, wanted: 3, shown: 2, openedAt: at })
        .run();
      // Two drafts, the second deleted (sent): SQLite's AUTOINCREMENT never gives its id again, nor must Postgres.
      const draft = (sourceViewId: string) => ({
        sourceViewId,
        authorUserId: 'U2PM0000',
        teamId: 'T0INTERNAL',
        content: { packet: { accountName: 'Zoë “quoted” ✓' }, list: [1, 2.5, null, true] },
        createdAt: at,
        updatedAt: at,
      });
      db.insert(s.drafts)
        .values([draft('VDRAFT1'), draft('VDRAFT2')])
        .run();
      db.delete(s.drafts).where(eq(s.drafts.sourceViewId, 'VDRAFT2')).run();
      db.insert(s.classificationCorrections)
        .values({
          handoffId: handoff.id,
          fromClassification: 'partner_influenced',
          toClassification: 'partner_sourced',
          reason: 'The partner found the deal.',
          correctedByUserId: 'U0REVOPS',
          correctedAt: at,
        })
        .run();
      db.insert(s.registeredResellers)
        .values({
          accountKey: 'northwind',
          accountName: 'Northwind',
          resellerKey: 'resell co',
          resellerName: 'Resell Co',
          addedByUserId: 'U0REVOPS',
          addedAt: at,
        })
        .run();
      db.insert(s.helpRequests)
        .values({
          sourceViewId: 'VHELP',
          requestedByUserId: 'U1AE0000',
          requestedByTeamId: 'T0INTERNAL',
          accountName: 'Northwind',
          accountKey: 'northwind',
          ask: 'Who knows their CFO?',
          status: 'claimed',
          claimedByUserId: 'U2PM0000',
          claimedAt: at,
          createdAt: at,
        })
        .run();
      db.insert(s.chartFiles).values({ contentHash: 'c0ffee', fileId: 'F0CHART', uploadedAt: at }).run();
      db.insert(s.exportFiles).values({ fileId: 'F0EXPORT', userId: 'U0REVOPS', sharedAt: at }).run();
      db.insert(s.erasures)
        .values({
          at,
          requestedBy: 'cli',
          namedBy: 'name',
          pseudonym: 'ERASED0A1B2C3D',
          rowsChanged: 4,
          messagesUpdated: 1,
        })
        .run();
      db.insert(s.covers)
        .values({ aeUserId: 'U1AE0000', coverUserId: 'U1AE0001', until: '2026-12-01', setAt: at })
        .run();
      db.insert(s.jobClaims)
        .values([
          {
            job: 'weekly-digest',
            slot: at,
            holder: 'host:1:ab12cd34',
            claimedAt: at,
            leaseUntil: at,
            doneAt: at,
          },
          {
            job: 'response-window-sweep',
            slot: at,
            holder: 'host:2:ef56ab78',
            claimedAt: at,
            leaseUntil: at,
          },
        ])
        .run();
      db.insert(s.internalChannelSharing)
        .values([
          { channelId: 'C0ESCALATE', shared: false, checkedAt: at },
          { channelId: 'C0DIGEST', shared: true, checkedAt: at },
        ])
        .run();
      db.insert(s.outboxLeases)
        .values([
          { channelKey: 'C0PARTNER', holder: 'host:1:ab12cd34', leaseUntil: at },
          { channelKey: 'home:U1AE0000', holder: 'host:2:ef56ab78', leaseUntil: at },
        ])
        .run();
      db.insert(s.outcomeReports)
        .values([
          {
            handoffId: handoff.id,
            outcome: 'meeting_held',
            note: 'Met the ops director',
            reportedByUserId: 'U1AUTHOR0',
            reportedAt: at,
            status: 'pending',
          },
          {
            handoffId: handoff.id,
            outcome: 'won',
            reportedByUserId: 'U1AUTHOR0',
            reportedAt: at,
            status: 'confirmed',
            answeredByUserId: 'U1AE0000',
            answeredAt: at,
          },
        ])
        .run();
      db.insert(s.installations)
        .values({
          installKey: 'T0ACME',
          teamId: 'T0ACME',
          isEnterpriseInstall: false,
          source: 'oauth',
          sealed: 'v1.nonce.tag.body',
          botTokenExpiresAt: at,
          installedAt: at,
          updatedAt: at,
        })
        .run();
      db.insert(s.slackRevocations)
        .values({ tokenHash: 'a'.repeat(64), event: 'app_uninstalled', revokedAt: at })
        .run();
      // Issue 55: a workspace's own CRM, its credentials sealed.
      db.insert(s.crmConnections)
        .values({
          system: 'salesforce',
          sealed: 'v1.nonce.tag.crm',
          connectedBy: 'U1ADMIN0',
          connectedAt: at,
        })
        .run();
      db.insert(s.questions)
        .values({
          handoffId: handoff.id,
          assignment: 1,
          askedByUserId: 'U1AE0000',
          askedAt: at,
          text: 'Who signs? <!channel> & "quotes" 🚀',
          pausedAt: at,
        })
        .run();
      db.insert(s.programLog)
        .values({ kind: 'person', key: 'U1AE0000', body: { workingDays: [1, 2, 3] }, actor: 'U1AE0000', at })
        .run();
      db.insert(s.handoffFollowers)
        .values({ handoffId: handoff.id, userId: 'U1REVOPS0', notify: 'decisions', createdAt: at })
        .run();
      // Issue 54: money read back (an amount with cents, a null stage), its history, the CRM's rates, a review item.
      const money = {
        handoffId: handoff.id,
        system: 'salesforce' as const,
        recordId: '006000000000001AAA',
        amount: 12_345.67,
        currency: 'EUR',
        amountCorporate: null,
        stage: null,
        closed: false,
        won: false,
        closeDate: '2027-01-29',
        owner: 'ae@example.com',
      };
      db.insert(s.crmMoney)
        .values({ ...money, readAt: at, changedAt: at })
        .run();
      db.insert(s.crmMoneyHistory)
        .values({ ...money, at })
        .run();
      db.insert(s.crmCurrencies)
        .values({
          system: 'salesforce',
          corporate: 'USD',
          rates: [{ currency: 'EUR', perCorporate: 0.9, from: '2026-11-01', to: null }],
          readAt: at,
        })
        .run();
      db.insert(s.attributionReviews)
        .values({
          handoffId: handoff.id,
          evidence: { system: 'salesforce', createdOn: '2026-10-26' },
          status: 'open',
          openedAt: at,
        })
        .run();
    });
  } finally {
    database.close();
  }
}

/** A database of `handoffs` handoffs from the bench's generator, with every table holding rows. */
export async function generatedSource(handoffs: number): Promise<SourceFile> {
  const dir = mkdtempSync(join(tmpdir(), 'move-pg-'));
  const path = join(dir, 'handoff.db');
  generate({
    path,
    total: handoffs,
    openShare: 0.1,
    now: GENERATED_AT,
    cast: makeCast({ aes: 30, authors: 8, partners: 10 }),
  });
  await fillTheRest(path);
  return {
    path,
    dir,
    copy: (name) => {
      const copy = join(dir, name);
      copyFileSync(path, copy);
      return copy;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Rows per table of a SQLite file, every table of the schema (opened as the move opens it: nothing written). */
export function sqliteCounts(path: string): Record<string, number> {
  const { sqlite, close } = openDatabaseReadOnly(path);
  try {
    return Object.fromEntries(
      tablePairs().map(({ name }) => [
        name,
        Number(sqlite.prepare(`select count(*) from "${name}"`).pluck().get()),
      ]),
    );
  } finally {
    close();
  }
}

/** Rows per table of the Postgres database, every table of the schema. */
export async function pgCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of tablePairs()) {
    const result = await pool.query(`select count(*)::int as n from "${name}"`);
    counts[name] = result.rows[0].n;
  }
  return counts;
}

/** The user triggers of the target and their state (O: enabled). */
export async function triggerStates(pool: pg.Pool): Promise<Record<string, string>> {
  const result = await pool.query(
    `select c.relname || '.' || t.tgname as name, t.tgenabled as enabled from pg_trigger t
      join pg_class c on c.oid = t.tgrelid where not t.tgisinternal order by 1`,
  );
  return Object.fromEntries(result.rows.map((row) => [row.name, row.enabled]));
}

/**
 * Every row of every table, read through drizzle with each engine's schema, compared as objects (matched by primary
 * key, not by order: the engines sort text differently). Returns what differs, one line per row, at most `max`.
 */
export async function allRowsDiffer(path: string, pool: pg.Pool, max = 20): Promise<string[]> {
  const { db: source, close } = openDatabaseReadOnly(path);
  const target = drizzle(pool);
  const differences: string[] = [];
  try {
    for (const pair of tablePairs()) {
      const keyOf = (row: Record<string, unknown>) => JSON.stringify(pair.primaryKey.map((key) => row[key]));
      const fromSqlite = source.select().from(pair.sqlite).all() as Record<string, unknown>[];
      const fromPg = (await target.select().from(pair.pg)) as Record<string, unknown>[];
      const byKey = new Map(fromPg.map((row) => [keyOf(row), row]));
      if (fromPg.length !== fromSqlite.length)
        differences.push(`${pair.name}: ${fromSqlite.length} rows in SQLite, ${fromPg.length} in Postgres`);
      for (const row of fromSqlite)
        if (!isDeepStrictEqual(row, byKey.get(keyOf(row))))
          differences.push(`${pair.name} ${keyOf(row)}: ${JSON.stringify(byKey.get(keyOf(row)))}`);
    }
  } finally {
    close();
  }
  return differences.slice(0, max);
}
