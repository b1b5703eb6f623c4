import { asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { detailFacts, REMOVED_TEXT } from '../../src/domain/retention.js';
import { CSV_COLUMNS } from '../../src/revops/exportCsv.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { handoffRow } from '../support/ownerFlow.js';
import { clickOutcome } from '../support/partnerFlow.js';
import { people } from '../support/people.js';
import {
  acceptInDm,
  csvObjects,
  declineInDm,
  exportFailures,
  QUIET,
  ROLES,
  uploadedCsv,
  uploadOf,
} from '../support/revopsFlow.js';

/**
 * Data retention, through the real app on both engines: a generated history of five handoffs (won,
 * declined with a note, expired, accepted and still open, waiting), RevOps's export, then the daily job run a month
 * and two months on. Closed handoffs lose their words, their touch log its detail, the exports are deleted from
 * Slack; the open ones keep everything, and the metrics and the export's counts do not move.
 *
 * Time line: Monday 2026-11-23 14:00Z; RETAIN_PACKET_TEXT_DAYS 30, RETAIN_TOUCH_DETAIL_DAYS 60, RETAIN_EXPORTS_DAYS 7.
 */

const DAY = 86_400_000;
const ENV = {
  ...QUIET,
  ...ROLES,
  RETAIN_PACKET_TEXT_DAYS: '30',
  RETAIN_TOUCH_DETAIL_DAYS: '60',
  RETAIN_EXPORTS_DAYS: '7',
};

/** Each handoff's own partner contact and risk note, to find them (or not) afterwards. */
const CONTACTS = {
  won: 'Ada Wonmore',
  declined: 'Bea Declinda',
  expired: 'Cy Expiro',
  accepted: 'Dee Keepwell',
  waiting: 'Eve Stillwait',
} as const;
type Name = keyof typeof CONTACTS;
const CLOSED: readonly Name[] = ['won', 'declined', 'expired'];
const OPEN: readonly Name[] = ['accepted', 'waiting'];
const DECLINE_NOTE = 'Bea Declinda told me the budget moved to next year';

/** The five handoffs, each at its end state; returns their ids by name. */
async function history(h: Harness): Promise<Record<Name, number>> {
  const sent = {} as Record<Name, Awaited<ReturnType<typeof sendHandoff>>>;
  const send = async (name: Name) => {
    sent[name] = await sendHandoff(h, {
      accountName: `${name[0]?.toUpperCase()}${name.slice(1)} Freight`,
      accountDomain: null,
      partnerContactName: CONTACTS[name],
      riskNote: `${CONTACTS[name]} may change jobs`,
    });
  };
  for (const name of ['won', 'declined', 'expired', 'accepted'] as const) await send(name);
  h.clock.advance(60 * 60_000);
  // The AE's first step names the contact (the touch log copies it), as steps do.
  await acceptInDm(h, sent.won.handoff, sent.won.dm, { text: `Intro call with ${CONTACTS.won}` });
  await acceptInDm(h, sent.accepted.handoff, sent.accepted.dm, {
    text: `Intro call with ${CONTACTS.accepted}`,
  });
  await declineInDm(h, sent.declined.handoff, sent.declined.dm, 'timing', DECLINE_NOTE);
  await waitFor(
    async () => (await handoffRow(h, sent.declined.handoff.id)).status === 'declined',
    4000,
    'the decline',
  );
  await clickOutcome(h, 'won', sent.won.handoff.id);
  await waitFor(async () => (await handoffRow(h, sent.won.handoff.id)).outcome === 'won', 4000, 'the win');
  h.clock.set((await handoffRow(h, sent.expired.handoff.id)).dueAt);
  await h.app.sweeper.sweep();
  expect((await handoffRow(h, sent.expired.handoff.id)).status).toBe('expired');
  // Sent after the others expired: it waits for its AE throughout (no sweep runs on its own here).
  await send('waiting');
  return Object.fromEntries(Object.entries(sent).map(([name, s]) => [name, s.handoff.id])) as Record<
    Name,
    number
  >;
}

/** RevOps's export of the period, once the app has remembered its file. */
const exportNow = async (h: Harness) => {
  const completion = await uploadOf(h, () =>
    h.command({
      user_id: people.member.id,
      user_name: people.member.name,
      text: 'export 2026-11-01 2026-12-31',
    }),
  );
  const file = uploadedCsv(h, completion);
  // Remembered once Slack's answer to the upload reached the app, a moment after the fake Slack recorded it.
  await waitFor(
    async () =>
      (await h.database.db.select().from(h.tables.exportFiles)).some((row) => row.fileId === file.fileId),
    4000,
    'the export remembered',
  );
  return file;
};

/** Every text column the packet's words live in, and the other tables' notes, of these handoffs. */
async function wordsOf(h: Harness, ids: number[]) {
  const t = h.tables;
  const handoffs = await h.database.db.select().from(t.handoffs).where(inArray(t.handoffs.id, ids));
  const decisions = await h.database.db.select().from(t.decisions).where(inArray(t.decisions.handoffId, ids));
  return JSON.stringify({ handoffs, decisions });
}

const detailsOf = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select({ type: h.tables.handoffEvents.type, detail: h.tables.handoffEvents.detail })
      .from(h.tables.handoffEvents)
      .where(eq(h.tables.handoffEvents.handoffId, id))
      .orderBy(asc(h.tables.handoffEvents.id))
  ).map((e) => ({ type: e.type, detail: e.detail }));

describe('data retention, daily', () => {
  const start = harnessPerTest({ env: ENV });

  it('removes closed handoffs’ words after RETAIN_PACKET_TEXT_DAYS and their detail after RETAIN_TOUCH_DETAIL_DAYS; metrics and counts stay', async () => {
    const h = await start();
    expect(h.config.retention).toEqual({
      packetTextDays: 30,
      touchDetailDays: 60,
      exportDays: 7,
      uninstallDeleteAfterDays: undefined,
    });
    const ids = await history(h);
    const closed = CLOSED.map((n) => ids[n]);
    const period = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
    const metricsBefore = await h.app.metrics.program(period.from, period.to);
    const before = await exportNow(h);
    const detailsBefore = await Promise.all(Object.values(ids).map((id) => detailsOf(h, id)));
    const openBefore = await Promise.all(OPEN.map((n) => handoffRow(h, ids[n])));
    expect(await wordsOf(h, closed)).toContain(DECLINE_NOTE);

    // Closed at different times: counted from each one's last change.
    const closedAt = (await Promise.all(closed.map((id) => handoffRow(h, id)))).map((r) =>
      r.updatedAt.getTime(),
    );
    const [first, last] = [Math.min(...closedAt), Math.max(...closedAt)];
    // A day short of the month for the first closed: nothing has aged out yet, but the export (7 days) has.
    h.clock.set(new Date(first + 29 * DAY));
    await h.app.scheduler.runNow('data-retention');
    expect(h.slack.file(before.fileId)).toBeUndefined();
    expect(await h.database.db.select().from(h.tables.exportFiles)).toEqual([]);
    for (const name of CLOSED) expect((await handoffRow(h, ids[name])).textRemovedAt).toBeNull();

    h.clock.set(new Date(last + 31 * DAY));
    await h.app.scheduler.runNow('data-retention');
    const words = await wordsOf(h, closed);
    const detailsAt31 = await Promise.all(Object.values(ids).map((id) => detailsOf(h, id)));
    for (const name of CLOSED) {
      const row = await handoffRow(h, ids[name]);
      expect(words).not.toContain(CONTACTS[name]);
      expect(row).toMatchObject({
        partnerContactName: REMOVED_TEXT,
        whyPartner: REMOVED_TEXT,
        riskNote: null,
        evidenceUrl: null,
        textRemovedAt: h.clock.now(),
        detailRemovedAt: null,
      });
    }
    expect(words).not.toContain(DECLINE_NOTE);
    // The open ones keep every word; the closed ones their facts.
    expect(await Promise.all(OPEN.map((n) => handoffRow(h, ids[n])))).toEqual(openBefore);
    expect(await h.app.metrics.program(period.from, period.to)).toEqual(metricsBefore);

    const after = await exportNow(h);
    expect(exportFailures(h)).toHaveLength(0);
    const was = csvObjects(before.text);
    const now = csvObjects(after.text);
    expect(now.header).toEqual([...CSV_COLUMNS]);
    expect(now.rows).toHaveLength(5);
    // The export's columns of a person's words (the rest of the packet's words are not exported).
    const wordColumns = ['partner_contact', 'evidence_url', 'first_step', 'source_url', 'routing_reason'];
    for (const [i, row] of now.rows.entries()) {
      const earlier = was.rows[i] as Record<string, string>;
      const textColumns = Object.keys(row).filter((c) => earlier[c] !== row[c]);
      if (OPEN.map((n) => String(ids[n])).includes(String(row.handoff_id))) expect(textColumns).toEqual([]);
      // Only the words changed: every count, date, status and classification is as it was.
      for (const column of textColumns) expect(wordColumns).toContain(column);
    }
    expect(after.text).not.toContain('Bea Declinda');

    // The detail goes at 60 days: the events stay, with their facts.
    h.clock.set(new Date(last + 61 * DAY));
    await h.app.scheduler.runNow('data-retention');
    const detailsAfter = await Promise.all(Object.values(ids).map((id) => detailsOf(h, id)));
    for (const [i, name] of (Object.keys(ids) as Name[]).entries()) {
      const then = detailsBefore[i] ?? [];
      const nowDetails = detailsAfter[i] ?? [];
      expect(nowDetails.map((e) => e.type)).toEqual(then.map((e) => e.type));
      if (OPEN.includes(name)) expect(nowDetails).toEqual(then);
      else {
        expect((await handoffRow(h, ids[name])).detailRemovedAt).toEqual(h.clock.now());
        // The facts stay (the score and classification sent, the decline's code, the first step's date); the
        // words went a month ago (the won one's first step named its contact).
        if (name === 'won') expect(JSON.stringify(then)).toContain(CONTACTS.won);
        expect(JSON.stringify(detailsAt31[i])).not.toContain(CONTACTS[name]);
        expect(nowDetails).toEqual(then.map((e) => ({ type: e.type, detail: detailFacts(e.detail) })));
      }
    }
    expect(await h.app.metrics.program(period.from, period.to)).toEqual(metricsBefore);
    // The second export was shared 30 days ago: deleted too.
    expect(h.slack.file(after.fileId)).toBeUndefined();
    const logged = h.logs.filter((l) => l.msg === 'data retention: aged-out data removed');
    expect(logged.map((l) => [l.text, l.exports])).toEqual([
      [0, 1],
      [3, 0],
      [0, 1],
    ]);
  });
});
