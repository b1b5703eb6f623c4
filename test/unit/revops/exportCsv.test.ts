import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase, Tx } from '../../../src/db/client.js';
import {
  decisions,
  type HandoffEventType,
  type HandoffRow,
  handoffEvents,
  handoffs,
  type NewHandoffRow,
  outcomes,
} from '../../../src/db/schema.js';
import type { Outcome } from '../../../src/domain/outcomes.js';
import { CSV_COLUMNS, safeCell, touchLogCsv } from '../../../src/revops/exportCsv.js';
import { parseExportRange } from '../../../src/revops/exports.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

/** The touch log CSV over a real migrated SQLite file, parsed back the way a spreadsheet reads it. */

/** A strict RFC 4180 parser: CRLF between records, fields quoted when they hold , " CR or LF, quotes doubled. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text[i];
        if (next !== ',' && next !== '\r')
          throw new Error(`characters after a closing quote at ${i}: ${JSON.stringify(next)}`);
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (!fieldStart) throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStart = false;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      fieldStart = true;
      i += 1;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`a bare CR at ${i}`);
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStart = true;
      i += 2;
    } else if (ch === '\n') {
      throw new Error(`a bare LF outside quotes at ${i}`);
    } else {
      field += ch;
      fieldStart = false;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (!fieldStart || field !== '' || record.length > 0)
    throw new Error('the last record does not end with CRLF');
  return records;
}

/** Records as objects keyed by the header. */
function table(csv: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(csv);
  expect(header).toEqual([...CSV_COLUMNS]);
  for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);
  return records.map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i] as string])));
}

const HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
const since = new Date('2026-11-02T00:00:00.000Z');
const until = new Date('2026-11-09T00:00:00.000Z');
const at = (iso: string) => new Date(iso);

function seeder(database: AppDatabase) {
  const { db } = database;
  let views = 0;

  function handoff(over: Partial<NewHandoffRow> & { sentAt: Date }): Promise<HandoffRow> {
    views += 1;
    const row = sentHandoffRow(over.sentAt, {
      sourceViewId: `V${views}`,
      ownerUserId: 'U0OWNER',
      accountName: `Account ${views}`,
      ...over,
    });
    return db.transaction((tx) => tx.insert(handoffs).values(row).returning().get());
  }

  type EventOptions = {
    assignment?: number;
    businessHours?: number | null;
    aeUserId?: string;
    detail?: Record<string, unknown>;
  };

  function insertEvent(tx: Tx, h: HandoffRow, type: HandoffEventType, when: Date, over: EventOptions = {}) {
    tx.insert(handoffEvents)
      .values({
        handoffId: h.id,
        type,
        fromStatus: 'sent',
        toStatus: h.status,
        actorUserId: null,
        aeUserId: over.aeUserId ?? h.aeUserId,
        assignment: over.assignment ?? 1,
        cycle: 1,
        at: when,
        businessHours: over.businessHours ?? null,
        detail: over.detail ?? null,
      })
      .run();
  }

  function event(h: HandoffRow, type: HandoffEventType, when: Date, over: EventOptions = {}): Promise<void> {
    return db.transaction((tx) => insertEvent(tx, h, type, when, over));
  }

  function decide(
    h: HandoffRow,
    decision: 'accepted' | 'declined',
    when: Date,
    opts: { assignment?: number; reasonCode?: string | null; businessHours: number; by?: string },
  ): Promise<void> {
    const assignment = opts.assignment ?? 1;
    return db.transaction((tx) => {
      tx.insert(decisions)
        .values({
          handoffId: h.id,
          assignment,
          decision,
          reasonCode: opts.reasonCode ?? null,
          decidedByUserId: opts.by ?? h.aeUserId,
          decidedByTeamId: 'T0INTERNAL',
          decidedAt: when,
        })
        .run();
      insertEvent(tx, h, decision, when, {
        assignment,
        businessHours: opts.businessHours,
        aeUserId: opts.by ?? h.aeUserId,
      });
    });
  }

  function outcome(
    h: HandoffRow,
    step: Outcome,
    when: Date,
    opts: { crm?: string; reasonCode?: string } = {},
  ): Promise<void> {
    return db.transaction((tx) => {
      tx.insert(outcomes)
        .values({
          handoffId: h.id,
          outcome: step,
          crmOpportunity: opts.crm ?? null,
          reasonCode: opts.reasonCode ?? null,
          note: 'internal note',
          recordedByUserId: h.aeUserId,
          recordedAt: when,
        })
        .run();
      insertEvent(tx, h, step, when);
    });
  }

  return { handoff, event, decide, outcome };
}

describe('touch log CSV', () => {
  let database: AppDatabase;
  let seed: ReturnType<typeof seeder>;
  beforeEach(() => {
    database = freshDatabase('handoff-export-');
    seed = seeder(database);
  });
  afterEach(() => {
    database.close();
  });

  const csvOf = (range = { since, until }) => touchLogCsv(database.db, range);

  it('gives only the header row for an empty range, and for an empty database', async () => {
    expect(await csvOf()).toEqual({ csv: HEADER, rows: 0 });
    await seed.handoff({ sentAt: at('2026-10-01T10:00:00Z') });
    expect(await csvOf()).toEqual({ csv: HEADER, rows: 0 });
    expect(parseCsv(HEADER)).toEqual([[...CSV_COLUMNS]]);
  });

  it('starts with the header row and ends every record with CRLF', async () => {
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

  it('quotes commas, double quotes and line breaks per RFC 4180, and they read back unchanged', async () => {
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
    const { csv } = await csvOf();
    expect(csv).toContain('"Northwind, Inc. ""East""\nDivision"');
    expect(csv).toContain('"Jordan ""JJ"" Seller"');
    const [row] = table(csv);
    expect(row).toMatchObject({
      account,
      partner_contact: contact,
      classification: 'partner_sourced',
      classification_reason: reason,
      ae_name: 'Jordan "JJ" Seller',
    });
  });

  it('quotes a lone line feed or carriage return too: a typed line break cannot start a new row', async () => {
    // Single-line inputs can still carry line breaks (a forged payload, a pasted value, a multi-line command).
    const account = "Northwind\n=cmd|' /C calc'!A0";
    const contact = 'Dana\rReyes';
    await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      accountName: account,
      partnerContactName: contact,
      classificationReason: '\rreason',
    });
    const { csv } = await csvOf();
    // Excel and Sheets end a row at a bare LF or CR outside quotes: the next "row" would start with a live formula.
    expect(csv).toContain(`"${account}"`);
    expect(csv).toContain(`"${contact}"`);
    const [row, ...more] = table(csv);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ account, partner_contact: contact, classification_reason: "'\rreason" });
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

  it('formats business hours with two decimals and the decline reason of a declined handoff', async () => {
    const h = await seed.handoff({ sentAt: at('2026-11-02T10:00:00Z'), status: 'declined' });
    await seed.decide(h, 'declined', at('2026-11-02T12:00:00Z'), {
      reasonCode: 'duplicate',
      businessHours: 2,
    });
    const zero = await seed.handoff({ sentAt: at('2026-11-02T11:00:00Z'), status: 'accepted' });
    await seed.decide(zero, 'accepted', at('2026-11-02T11:00:00Z'), { businessHours: 0 });
    const rows = table((await csvOf()).csv);
    expect(rows[0]).toMatchObject({
      decision: 'declined',
      decline_reason: 'duplicate',
      business_hours_to_decision: '2.00',
    });
    expect(rows[1]).toMatchObject({
      decision: 'accepted',
      decline_reason: '',
      business_hours_to_decision: '0.00',
    });
  });

  it('gives the latest outcome with its time and CRM id, and the lost reason only when it was lost', async () => {
    const won = await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      status: 'accepted',
      outcome: 'won',
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
    // Changed on purpose (issue 21): a won deal keeps the opportunity recorded with "Opportunity created" (it was
    // empty: the join read the won row, which has no CRM id); the formula guard still applies.
    expect(w).toMatchObject({
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

  it('carries both CRM links of a won deal: the typed one and the one recorded with Opportunity created', async () => {
    const won = await seed.handoff({
      sentAt: at('2026-11-02T10:00:00Z'),
      status: 'accepted',
      outcome: 'won',
      crmOpportunity: 'https://crm.example/OPP-1',
    });
    await seed.decide(won, 'accepted', at('2026-11-02T11:00:00Z'), { businessHours: 1 });
    await seed.outcome(won, 'opportunity_created', at('2026-11-04T10:00:00Z'), { crm: 'OPP-55120' });
    await seed.outcome(won, 'won', at('2026-11-06T10:00:00Z'));
    const [w] = table((await csvOf()).csv);
    expect(w).toMatchObject({
      crm_opportunity: 'https://crm.example/OPP-1',
      outcome: 'won',
      outcome_crm_opportunity: 'OPP-55120',
    });
  });

  it('writes times as UTC ISO 8601 and empty cells for what did not happen', async () => {
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
    const [row] = table((await csvOf()).csv);
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
      '',
      'Northwind',
      'a=b',
      'x+1',
      ' =1',
      "'quoted",
      '1-2',
      'e@mail.com',
      '\nx',
      '#1',
      '（=）',
    ]) {
      expect(safeCell(value), JSON.stringify(value)).toBe(value);
    }
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

  it('defaults to everything up to now', () => {
    expect(ok(undefined, undefined)).toEqual({
      since: '1970-01-01T00:00:00.000Z',
      until: now.toISOString(),
      timeZone: NY,
    });
    expect(ok('2026-11-01', undefined).until).toBe(now.toISOString());
  });

  it('starts at the beginning of `since` and ends at the end of `until` (inclusive), in the timezone', () => {
    expect(ok('2026-11-02', '2026-11-08')).toEqual({
      since: '2026-11-02T05:00:00.000Z',
      until: '2026-11-09T05:00:00.000Z',
      timeZone: NY,
    });
    // The day the clocks go back is 25 hours long: EDT midnight to EST midnight.
    expect(ok('2026-11-01', '2026-11-01')).toMatchObject({
      since: '2026-11-01T04:00:00.000Z',
      until: '2026-11-02T05:00:00.000Z',
    });
    expect(ok('2026-01-31', '2026-01-31', 'UTC')).toMatchObject({
      since: '2026-01-31T00:00:00.000Z',
      until: '2026-02-01T00:00:00.000Z',
    });
    expect(ok('2028-02-29', '2028-02-29', 'Europe/Berlin')).toMatchObject({
      since: '2028-02-28T23:00:00.000Z',
      until: '2028-02-29T23:00:00.000Z',
    });
  });

  it('refuses dates that do not exist or are not YYYY-MM-DD, naming them', () => {
    for (const bad of [
      '2026-02-30',
      '2027-02-29',
      '2026-13-01',
      '2026-00-10',
      'yesterday',
      '2026-1-5',
      ' 2026-01-05',
      '2026-01-05T00:00',
      '20260105',
      '',
    ]) {
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
