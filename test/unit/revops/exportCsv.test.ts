import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase, Db } from '../../../src/db/client.js';
import { firstInstallationOf, ownRow } from '../../../src/db/owned.js';
import {
  decisions,
  type HandoffEventType,
  type HandoffRow,
  type NewHandoffRow,
  outcomes,
} from '../../../src/db/schema.js';
import type { Outcome } from '../../../src/domain/outcomes.js';
import { CSV_COLUMNS, safeCell, touchLogCsv } from '../../../src/revops/exportCsv.js';
import { parseExportRange } from '../../../src/revops/exports.js';
import { addEvent, handoffRow, type NewEventRow } from '../../contract/seed.js';
import { parseCsv } from '../../support/metrics-csv.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

/** The touch log CSV over a real migrated SQLite file, parsed back the way a spreadsheet reads it. */

/** Records as objects keyed by the header. */
function table(csv: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(csv, true);
  expect(header).toEqual([...CSV_COLUMNS]);
  for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);
  return records.map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i] as string])));
}

const HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
const since = new Date('2026-11-02T00:00:00.000Z');
const until = new Date('2026-11-09T00:00:00.000Z');
const at = (iso: string) => new Date(iso);

/** Rows written as the services write them: a handoff, touch-log events, decisions (with their event), outcomes. */
function seeder(db: Db) {
  let views = 0;
  const handoff = (over: Partial<NewHandoffRow> & { sentAt: Date }) => {
    views += 1;
    return handoffRow(db, over.sentAt, { ownerUserId: 'U0OWNER', accountName: `Account ${views}`, ...over });
  };
  type EventOptions = Partial<Pick<NewEventRow, 'assignment' | 'businessHours' | 'aeUserId' | 'detail'>>;
  const event = (h: HandoffRow, type: HandoffEventType, at: Date, over: EventOptions = {}) =>
    addEvent(db, { handoffId: h.id, type, at, toStatus: h.status, aeUserId: h.aeUserId, ...over });

  async function decide(
    h: HandoffRow,
    decision: 'accepted' | 'declined',
    at: Date,
    opts: { assignment?: number; reasonCode?: string; businessHours: number; by?: string },
  ) {
    const { assignment = 1, reasonCode = null, by = h.aeUserId } = opts;
    await db.transaction((tx) =>
      tx
        .insert(decisions)
        .values(
          ownRow(tx, {
            handoffId: h.id,
            assignment,
            decision,
            reasonCode,
            decidedByUserId: by,
            decidedByTeamId: 'T0INTERNAL',
            decidedAt: at,
          }),
        )
        .run(),
    );
    await event(h, decision, at, { assignment, businessHours: opts.businessHours, aeUserId: by });
  }

  async function outcome(
    h: HandoffRow,
    step: Outcome,
    at: Date,
    opts: { crm?: string; reasonCode?: string } = {},
  ) {
    const { crm = null, reasonCode = null } = opts;
    await db.transaction((tx) =>
      tx
        .insert(outcomes)
        .values(
          ownRow(tx, {
            handoffId: h.id,
            outcome: step,
            crmOpportunity: crm,
            reasonCode,
            note: 'internal note',
            recordedByUserId: h.aeUserId,
            recordedAt: at,
          }),
        )
        .run(),
    );
    await event(h, step, at);
  }

  return { handoff, event, decide, outcome };
}

describe('touch log CSV', () => {
  let database: AppDatabase;
  let db: Db;
  let seed: ReturnType<typeof seeder>;
  beforeEach(() => {
    database = freshDatabase('handoff-export-');
    db = firstInstallationOf(database.db);
    seed = seeder(db);
  });
  afterEach(() => {
    database.close();
  });

  const csvOf = (range = { since, until }) => touchLogCsv(db, range);

  it('gives only the header row for an empty range or database, else starts with it and ends every record with CRLF', async () => {
    expect(await csvOf()).toEqual({ csv: HEADER, rows: 0 });
    await seed.handoff({ sentAt: at('2026-10-01T10:00:00Z') });
    expect(await csvOf()).toEqual({ csv: HEADER, rows: 0 });
    expect(parseCsv(HEADER, true)).toEqual([[...CSV_COLUMNS]]);
    await seed.handoff({ sentAt: at('2026-11-02T10:00:00Z') });
    await seed.handoff({ sentAt: at('2026-11-03T10:00:00Z') });
    const { csv, rows } = await csvOf();
    expect(rows).toBe(2);
    expect(csv.startsWith(HEADER)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(4);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('takes handoffs sent in [since, until): since inclusive, until exclusive, oldest first', async () => {
    await seed.handoff({ sentAt: at('2026-11-01T23:59:59.999Z'), accountName: 'Before' });
    await seed.handoff({ sentAt: at('2026-11-08T23:59:59.999Z'), accountName: 'Last moment' });
    await seed.handoff({ sentAt: since, accountName: 'First moment' });
    await seed.handoff({ sentAt: until, accountName: 'At until' });
    await seed.handoff({ sentAt: at('2026-11-05T12:00:00Z'), accountName: 'Middle A' });
    await seed.handoff({ sentAt: at('2026-11-05T12:00:00Z'), accountName: 'Middle B' });
    const rows = table((await csvOf()).csv);
    expect(rows.map((r) => r.account)).toEqual(['First moment', 'Middle A', 'Middle B', 'Last moment']);
    expect(rows.map((r) => r.sent_at)).toEqual([
      '2026-11-02T00:00:00.000Z',
      '2026-11-05T12:00:00.000Z',
      '2026-11-05T12:00:00.000Z',
      '2026-11-08T23:59:59.999Z',
    ]);
  });

  it('quotes commas, double quotes, line breaks and a lone LF or CR per RFC 4180: each reads back unchanged, in its row', async () => {
    const account = 'Northwind, Inc. "East"\nDivision';
    const contact = 'Reyes, Dana\r\n(Alliances)';
    const reason = 'Sourced: "yes", reopened\nafter the intro';
    await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      accountName: account,
      partnerContactName: contact,
      classification: 'partner_sourced',
      classificationReason: reason,
      aeName: 'Jordan "JJ" Seller',
    });
    // Single-line inputs can still carry line breaks (a forged payload, a pasted value, a multi-line command). Excel
    // and Sheets end a row at a bare LF or CR outside quotes: the next "row" would start with a live formula.
    const formula = "Northwind\n=cmd|' /C calc'!A0";
    await seed.handoff({
      sentAt: at('2026-11-02T11:00:00Z'),
      accountName: formula,
      partnerContactName: 'Dana\rReyes',
      classificationReason: '\rreason',
    });
    const { csv } = await csvOf();
    expect(csv).toContain('"Northwind, Inc. ""East""\nDivision"');
    expect(csv).toContain('"Jordan ""JJ"" Seller"');
    expect(csv).toContain(`"${formula}"`);
    expect(csv).toContain('"Dana\rReyes"');
    expect(table(csv)).toMatchObject([
      {
        account,
        partner_contact: contact,
        classification: 'partner_sourced',
        classification_reason: reason,
        ae_name: 'Jordan "JJ" Seller',
      },
      { account: formula, partner_contact: 'Dana\rReyes', classification_reason: "'\rreason" },
    ]);
  });

  it('neutralises spreadsheet formulas in typed text, and leaves ids and codes alone', async () => {
    await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      accountName: '=HYPERLINK("https://evil.example","Click")',
      crmOpportunity: '+1 555 0100',
      partnerOrg: '-Meridian',
      partnerContactName: '@Dana',
      aeName: '\tJordan',
      classificationReason: '@reason',
      evidenceUrl: 'https://docs.example.com/=notes',
    });
    const [row] = table((await csvOf()).csv);
    expect(row).toMatchObject({
      account: `'=HYPERLINK("https://evil.example","Click")`,
      crm_opportunity: "'+1 555 0100",
      partner: "'-Meridian",
      partner_contact: "'@Dana",
      ae_name: "'\tJordan",
      classification_reason: "'@reason",
      evidence_url: 'https://docs.example.com/=notes',
      author_user_id: 'U0AUTHOR',
      owner_user_id: 'U0OWNER',
      ae_user_id: 'U0AE',
    });
  });

  it('counts reminders, reassignments and extensions from the events, and uses the current assignment’s decision', async () => {
    const h = await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      status: 'accepted',
      aeUserId: 'U0AE2',
      aeName: 'Sam Closer',
      assignment: 2,
      score: 15,
      scoreBand: 'ready',
      classification: 'partner_influenced',
      decidedAt: at('2026-11-05T16:00:00Z'),
      expiredAt: null,
    });
    await seed.event(h, 'sent', at('2026-11-02T10:00:00Z'), { aeUserId: 'U0AE' });
    await seed.event(h, 'reminded', at('2026-11-03T10:00:00Z'), { aeUserId: 'U0AE' });
    await seed.event(h, 'reminded', at('2026-11-04T08:00:00Z'), { aeUserId: 'U0AE' });
    await seed.event(h, 'expired', at('2026-11-05T10:00:00Z'), { aeUserId: 'U0AE' });
    await seed.event(h, 'extended', at('2026-11-05T11:00:00Z'), { aeUserId: 'U0AE' });
    await seed.decide({ ...h, aeUserId: 'U0AE' }, 'declined', at('2026-11-05T12:00:00Z'), {
      reasonCode: 'timing',
      businessHours: 1.25,
    });
    await seed.event(h, 'reassigned', at('2026-11-05T13:00:00Z'), { assignment: 2 });
    await seed.event(h, 'reminded', at('2026-11-05T14:00:00Z'), { assignment: 2 });
    await seed.decide(h, 'accepted', at('2026-11-05T16:00:00Z'), { assignment: 2, businessHours: 12.3456 });

    const [row] = table((await csvOf()).csv);
    expect(row).toMatchObject({
      handoff_id: String(h.id),
      status: 'accepted',
      ae_user_id: 'U0AE2',
      ae_name: 'Sam Closer',
      score: '15',
      score_band: 'ready',
      classification: 'partner_influenced',
      decision: 'accepted',
      decided_at: '2026-11-05T16:00:00.000Z',
      decided_by_user_id: 'U0AE2',
      decline_reason: '',
      business_hours_to_decision: '12.35',
      reminders_sent: '3',
      reassignments: '1',
      extensions: '1',
      // The first AE's window expired before the reassignment cleared the handoff's own expired_at: the touch log
      // keeps it, and why.
      expired_at: '2026-11-05T10:00:00.000Z',
      expiry_reason: 'no answer in time',
      withdrawn_at: '',
      outcome: '',
      outcome_at: '',
      outcome_crm_opportunity: '',
      lost_reason: '',
    });
  });

  it('shows no decision for a reassigned handoff still open, even though the first AE declined', async () => {
    const h = await seed.handoff({ sentAt: at('2026-11-02T10:00:00Z'), status: 'sent', assignment: 2 });
    await seed.decide(h, 'declined', at('2026-11-02T12:00:00Z'), { reasonCode: 'timing', businessHours: 2 });
    await seed.event(h, 'reassigned', at('2026-11-02T13:00:00Z'), { assignment: 2 });
    const [row] = table((await csvOf()).csv);
    expect(row).toMatchObject({
      // Waiting for its second AE: not "sent", which reads as the first AE's turn.
      status: 'reassigned',
      decision: '',
      decided_at: '',
      decline_reason: '',
      business_hours_to_decision: '',
      reassignments: '1',
      // The first AE's decline is not lost: counted, with its reason.
      declines: '1',
      latest_decline_reason: 'timing',
    });
  });

  it('says an expiry while the AE was known to be away was not their silence, also after the handoff moved on', async () => {
    const h = await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      status: 'sent',
      assignment: 2,
      expiredAt: null,
    });
    // An earlier AE had named a cover, which the program counts as away: the log says why, in words.
    await seed.event(h, 'expired', at('2026-11-03T10:00:00Z'), {
      aeUserId: 'U0SAM',
      detail: { away: 'cover named', coverNamed: 'U0COVER' },
    });
    await seed.event(h, 'expired', at('2026-11-04T10:00:00Z'), {
      aeUserId: 'U0AE',
      detail: { away: ':palm_tree: Vacation' },
    });
    await seed.event(h, 'reassigned', at('2026-11-04T11:00:00Z'), { assignment: 2 });
    const [row] = table((await csvOf()).csv);
    expect(row).toMatchObject({
      status: 'reassigned',
      expired_at: '2026-11-04T10:00:00.000Z',
      expiry_reason: 'expired while away, not counted',
      expiries_excused: '2',
      expiries_silent: '0',
      expiry_log:
        '2026-11-03T10:00:00.000Z U0SAM away (cover named (U0COVER), when naming a cover counted as away) | ' +
        '2026-11-04T10:00:00.000Z U0AE away (status: :palm_tree: Vacation)',
    });
  });

  it('gives the latest outcome with its time and CRM ids, and the lost reason only when it was lost', async () => {
    const won = await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      status: 'accepted',
      outcome: 'won',
      crmOpportunity: 'https://crm.example/OPP-1',
    });
    await seed.decide(won, 'accepted', at('2026-11-02T11:00:00Z'), { businessHours: 1 });
    await seed.outcome(won, 'meeting_held', at('2026-11-03T10:00:00Z'));
    await seed.outcome(won, 'opportunity_created', at('2026-11-04T10:00:00Z'), { crm: '=OPP-20417' });
    await seed.outcome(won, 'won', at('2026-11-06T10:00:00Z'));

    const lost = await seed.handoff({
      sentAt: at('2026-11-02T11:00:00Z'),
      status: 'accepted',
      outcome: 'lost',
    });
    await seed.decide(lost, 'accepted', at('2026-11-02T12:00:00Z'), { businessHours: 1 });
    await seed.outcome(lost, 'lost', at('2026-11-05T10:00:00Z'), { reasonCode: 'competitor' });

    const opportunity = await seed.handoff({
      sentAt: at('2026-11-02T12:00:00Z'),
      status: 'accepted',
      outcome: 'opportunity_created',
    });
    await seed.decide(opportunity, 'accepted', at('2026-11-02T13:00:00Z'), { businessHours: 1 });
    await seed.outcome(opportunity, 'opportunity_created', at('2026-11-04T12:00:00Z'), {
      crm: 'OPP-9, stage 1',
    });

    const [w, l, o] = table((await csvOf()).csv);
    // A won deal carries both CRM links: the typed one, and the one recorded with "Opportunity created" (the won row
    // has none); the formula guard still applies.
    expect(w).toMatchObject({
      crm_opportunity: 'https://crm.example/OPP-1',
      outcome: 'won',
      outcome_at: '2026-11-06T10:00:00.000Z',
      outcome_crm_opportunity: "'=OPP-20417",
      lost_reason: '',
    });
    expect(l).toMatchObject({
      outcome: 'lost',
      outcome_at: '2026-11-05T10:00:00.000Z',
      lost_reason: 'competitor',
    });
    expect(o).toMatchObject({
      outcome: 'opportunity_created',
      outcome_at: '2026-11-04T12:00:00.000Z',
      outcome_crm_opportunity: 'OPP-9, stage 1',
      lost_reason: '',
    });
    expect((await csvOf()).rows).toBe(3);
  });

  it('writes times as UTC ISO 8601, business hours with two decimals, and empty cells for what did not happen', async () => {
    await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      dueAt: at('2026-11-05T10:00:00Z'),
      status: 'withdrawn',
      withdrawnAt: at('2026-11-03T09:30:00Z'),
      crmOpportunity: null,
      evidenceUrl: null,
      classification: null,
      score: null,
    });
    const h = await seed.handoff({ sentAt: at('2026-11-02T10:30:00Z'), status: 'declined' });
    await seed.decide(h, 'declined', at('2026-11-02T12:00:00Z'), {
      reasonCode: 'duplicate',
      businessHours: 2,
    });
    const zero = await seed.handoff({ sentAt: at('2026-11-02T11:00:00Z'), status: 'accepted' });
    await seed.decide(zero, 'accepted', at('2026-11-02T11:00:00Z'), { businessHours: 0 });
    const [row, declined, accepted] = table((await csvOf()).csv);
    expect(row).toMatchObject({
      sent_at: '2026-11-02T10:00:00.000Z',
      due_at: '2026-11-05T10:00:00.000Z',
      withdrawn_at: '2026-11-03T09:30:00.000Z',
      expired_at: '',
      crm_opportunity: '',
      evidence_url: '',
      classification: '',
      classification_reason: '',
      score: '',
      score_band: '',
      decision: '',
      reminders_sent: '0',
      reassignments: '0',
      extensions: '0',
    });
    expect(declined).toMatchObject({
      decision: 'declined',
      decline_reason: 'duplicate',
      business_hours_to_decision: '2.00',
    });
    expect(accepted).toMatchObject({
      decision: 'accepted',
      decline_reason: '',
      business_hours_to_decision: '0.00',
    });
  });
});

describe('safeCell', () => {
  it('prefixes an apostrophe to text a spreadsheet would run as a formula', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=', '-', "='x'"]) {
      expect(safeCell(value), JSON.stringify(value)).toBe(`'${value}`);
    }
  });

  it('leaves other text alone', () => {
    for (const value of [
      'Northwind',
      'a=b',
      'x+1',
      "'quoted",
      '1-2',
      'e@mail.com',
      '#1',
      '（=）',
      '',
      ' =1',
      '\nx',
    ])
      expect(safeCell(value), JSON.stringify(value)).toBe(value);
    expect(safeCell(null)).toBe('');
  });
});

describe('parseExportRange', () => {
  const now = new Date('2026-11-23T14:00:00.000Z');
  const NY = 'America/New_York';
  const ok = (since: string | undefined, until: string | undefined, zone = NY) => {
    const range = parseExportRange(since, until, now, zone);
    if (range.kind !== 'ok') throw new Error(`expected a range, got: ${range.message}`);
    return { since: range.since.toISOString(), until: range.until.toISOString(), timeZone: range.timeZone };
  };

  // `since` from the beginning of its day, `until` to the end of its (inclusive), in the timezone; no `since` is the
  // beginning of time, no `until` now. The day the clocks go back in New York is 25 hours long.
  const hour = (h: string) => (h === 'now' ? now.toISOString() : `${h}:00:00.000Z`);
  it.each([
    ['nothing', undefined, undefined, NY, '1970-01-01T00', 'now'],
    ['only since', '2026-11-01', undefined, NY, '2026-11-01T04', 'now'],
    ['a week', '2026-11-02', '2026-11-08', NY, '2026-11-02T05', '2026-11-09T05'],
    ['the DST change day', '2026-11-01', '2026-11-01', NY, '2026-11-01T04', '2026-11-02T05'],
    ['a day in UTC', '2026-01-31', '2026-01-31', 'UTC', '2026-01-31T00', '2026-02-01T00'],
    ['a leap day in Berlin', '2028-02-29', '2028-02-29', 'Europe/Berlin', '2028-02-28T23', '2028-02-29T23'],
  ])('reads %s', (_what, since, until, timeZone, from, to) => {
    expect(ok(since, until, timeZone)).toEqual({ since: hour(from), until: hour(to), timeZone });
  });

  it('refuses dates that do not exist or are not YYYY-MM-DD, naming them', () => {
    const dates = [
      '2026-02-30',
      '2027-02-29',
      '2026-13-01',
      '2026-00-10',
      'yesterday',
      '2026-1-5',
      '2026-01-05T00:00',
      '20260105',
    ];
    for (const bad of [...dates, ' 2026-01-05', '']) {
      const asSince = parseExportRange(bad, undefined, now, NY);
      expect(asSince, `since ${JSON.stringify(bad)}`).toEqual({
        kind: 'invalid',
        message: `"${bad}" is not a date like 2026-01-31.`,
      });
      const asUntil = parseExportRange('2026-01-01', bad, now, NY);
      expect(asUntil, `until ${JSON.stringify(bad)}`).toEqual({
        kind: 'invalid',
        message: `"${bad}" is not a date like 2026-01-31.`,
      });
    }
  });

  it('refuses an end before the start, and a start after now without an end', () => {
    expect(parseExportRange('2026-11-10', '2026-11-09', now, NY)).toEqual({
      kind: 'invalid',
      message: 'The end date must not be before the start date.',
    });
    expect(parseExportRange('2026-12-01', undefined, now, NY)).toMatchObject({ kind: 'invalid' });
  });
});
