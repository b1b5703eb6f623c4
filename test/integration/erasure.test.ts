import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ERASED_PREFIX } from '../../src/domain/erasure.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { clickOutcome, PARTNER_ENV } from '../support/partnerFlow.js';
import { channels, people } from '../support/people.js';
import { acceptInDm, declineInDm, ROLES } from '../support/revopsFlow.js';

/**
 * Erasing a person on request, through `/handoff erase` in the real app on both engines: a partner
 * contact (by name), an AE (by Slack id, as a mention) and an author. The list comes first and changes nothing; the
 * erasure is refused while the person still holds an open deal; after it, a red-team search of every table (and, on
 * SQLite, of the database file's bytes) and of everything the fake Slack shows finds no trace of them; the metrics
 * keep their counts; the report names what the app cannot reach.
 */

const CONTACT = 'Priya Partnerova';
const NOTE = 'Jordan Seller here: not my territory';

const start = harnessPerTest({ env: { ...PARTNER_ENV, ...ROLES } });

/** Two closed deals: one won with the partner contact named, one declined with the AE's note. */
async function history(h: Harness) {
  const won = await sendHandoff(h, {
    accountName: 'Northwind Logistics',
    partnerContactName: CONTACT,
    riskNote: `${CONTACT} prefers calls`,
    // Her first name alone, where her full name stands: her too. Read by the partner.
    partnerNextMove: 'Priya sends the workshop dates.',
  });
  // Another Priya, in a handoff that is not about her: not her. "accepted" and "Meridian" hold no name.
  const declined = await sendHandoff(h, {
    accountName: 'Contoso Freight',
    accountDomain: null,
    whyPartner: 'Priya Sharma at Meridian ran the migration, accepted by Contoso.',
  });
  // The AE's first step names her too (the partner reads it).
  await acceptInDm(h, won.handoff, won.dm, { text: `Intro call with ${CONTACT}` });
  await declineInDm(h, declined.handoff, declined.dm, 'timing', NOTE);
  await clickOutcome(h, 'won', won.handoff.id);
  const t = h.tables;
  await waitFor(
    async () =>
      (await h.database.db.select().from(t.handoffs)).every(
        (r) => r.status === 'declined' || r.outcome === 'won',
      ),
    4000,
    'both closed',
  );
  await outboxDrained(h);
  return { won: won.handoff.id, declined: declined.handoff.id };
}

/** `/handoff erase …` as someone; the ephemeral answer it gets. */
async function erase(h: Harness, text: string, user = people.owner): Promise<string> {
  const before = h.slack.responses.length;
  const response = await h.command({ user_id: user.id, user_name: user.name, text: `erase ${text}` });
  expect(response.status).toBe(200);
  const answered = await waitFor(
    () => h.slack.responses.length > before && h.slack.responses,
    6000,
    'the answer',
  );
  return String(answered[answered.length - 1]?.body.text ?? '');
}

/** Every row of every table, as one string (what a search of the database by SQL reads). */
async function everyRow(h: Harness): Promise<string> {
  const all: unknown[] = [];
  for (const table of Object.values(tablesOf(h.database.db)))
    if (table && typeof table === 'object' && Symbol.for('drizzle:IsDrizzleTable') in table)
      all.push(await h.database.db.select().from(table as never));
  return JSON.stringify(all);
}

/** The SQLite file's bytes, and its WAL's, after a checkpoint (nothing to read on Postgres). */
function fileBytes(h: Harness): string {
  if (h.engine !== 'sqlite') return '';
  const sqlite = (h.database as { sqlite?: { pragma(p: string): unknown; name: string } }).sqlite;
  sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  const path = sqlite?.name ?? '';
  const read = (p: string) => {
    try {
      return readFileSync(p).toString('latin1');
    } catch {
      return '';
    }
  };
  return read(path) + read(`${path}-wal`);
}

/** Finds `term` in the database (rows and file) and in what the fake Slack shows: where, or []. */
async function traces(h: Harness, term: RegExp, exceptHomeOf: string[] = []): Promise<string[]> {
  const where: string[] = [];
  const look = (label: string, text: string) => {
    if (term.test(text)) where.push(label);
  };
  look('rows', await everyRow(h));
  look('database file', fileBytes(h));
  look('Slack', h.slack.readableContent(exceptHomeOf));
  return where;
}

describe('erasing a person on request', () => {
  it('a partner contact, by name: listed first with nothing changed, then erased from the rows and the Slack posts; then an author, by Slack id', async () => {
    const h = await start();
    await history(h);
    expect(await traces(h, /Priya Partnerova/i)).toEqual(expect.arrayContaining(['rows', 'Slack']));

    // Only the admins may.
    expect(await erase(h, CONTACT, people.member)).toContain('Only');
    // A word that is nobody's whole name is refused, and changes nothing.
    expect(await erase(h, '--apply Ted')).toContain('“Ted” is too short to be a person');
    expect((await h.database.db.select().from(h.tables.erasures)).length).toBe(0);
    const listed = await erase(h, CONTACT);
    expect(listed).toContain('Erasure of a person named by a name: ');
    expect(listed).toMatch(
      /handoffs: 1 row\(s\), in partner_contact_name, partner_next_move, risk_note, first_step/,
    );
    expect(listed).toContain('Nothing changed.');

    expect(await traces(h, /Priya Partnerova/i)).toContain('rows');

    const report = await erase(h, `--apply ${CONTACT}`);
    expect(report).toMatch(/^Erased: \d+ row\(s\) rewritten or deleted/);
    expect(report).toContain(`The partner's copy of the Slack Connect channel ${channels.partner.id}`);
    expect(report).toContain(
      h.engine === 'sqlite'
        ? 'Backups: the app makes none'
        : 'rewrite the tables, as their owner: VACUUM FULL handoffs, drafts, handoff_events, outbox;',
    );
    await outboxDrained(h);
    expect(await traces(h, /Priya Partnerova|Priya sends/i)).toEqual([]);
    // The other Priya, and the words around the names, are as they were.
    const rows = await everyRow(h);
    expect(rows).toContain('Priya Sharma at Meridian ran the migration, accepted by Contoso.');
    expect(rows).toContain('(erased) sends the workshop dates.');
    // The partner reads their contact, not a tombstone, in the thread's parent and its replies.
    const partner = JSON.stringify(h.slack.messages(channels.partner.id));
    expect(partner).toContain('brought by your contact (');
    // The accept's reply follows the deal: won, so its first step is not shown.
    expect(partner).toContain(
      'Jordan Seller is taking it forward with your contact (Meridian Cloud Consulting).',
    );
    expect(partner).not.toContain('(erased)');
    // Recorded without who it was.
    const [record] = await h.database.db.select().from(h.tables.erasures);
    expect(record).toMatchObject({ requestedBy: people.owner.id, namedBy: 'name' });
    expect(JSON.stringify(record)).not.toMatch(/Priya/i);
    // An author, by Slack id, next: their packets, their DMs and the owner’s notices no longer name them.
    const whole = new RegExp(`(?<![A-Z0-9])${people.author.id}(?![A-Z0-9])|Pat Marketer`);
    expect(await traces(h, whole)).toContain('rows');
    const authorReport = await erase(h, `--apply ${people.author.id}`);
    expect(authorReport).toMatch(/Slack: the messages of 2 handoff\(s\) re-render without them/);
    await outboxDrained(h);
    expect(await traces(h, whole, [people.author.id])).toEqual([]);
  });

  it('an AE, by mention: refused while they hold an open deal; then erased everywhere, the metrics’ counts unchanged', async () => {
    const h = await start();
    const ids = await history(h);
    const open = await sendHandoff(h, { accountName: 'Fabrikam Shipping', accountDomain: null });
    const mention = `<@${people.ae.id}|${people.ae.name}>`;
    const blocked = await erase(h, `--apply ${mention}`);
    expect(blocked).toContain(`They are the AE, owner or author of open handoffs #${open.handoff.id}`);
    expect(blocked).toContain('Not erased');
    expect((await h.database.db.select().from(h.tables.erasures)).length).toBe(0);
    await declineInDm(h, open.handoff, open.dm, 'timing');
    await waitFor(async () => (await erase(h, mention)).includes('Nothing changed.') && true, 6000, 'closed');

    const period = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
    const metricsBefore = JSON.stringify(await h.app.metrics.program(period.from, period.to));
    const whole = new RegExp(`(?<![A-Z0-9])${people.ae.id}(?![A-Z0-9])|Jordan Seller`);
    expect(await traces(h, whole)).toEqual(expect.arrayContaining(['rows', 'Slack']));

    const report = await erase(h, `--apply ${mention}`);
    const pseudonym = new RegExp(`${ERASED_PREFIX}[0-9A-F]{8}`).exec(report)?.[0] ?? '';
    expect(pseudonym).not.toBe('');
    await outboxDrained(h);
    expect(await traces(h, whole, [people.ae.id])).toEqual([]);
    // The partner reads our team where our AE was named, not a tombstone.
    const partner = JSON.stringify(h.slack.messages(channels.partner.id));
    expect(partner).toContain('accepted. Our team is taking it forward with Priya Partnerova (');
    expect(partner).not.toContain('(erased)');
    // Another AE whose id starts the same is untouched.
    expect(await everyRow(h)).toContain(people.owner.id);
    // The counts and durations stay: the metrics read the same, with the pseudonym in the AE's place.
    expect(
      JSON.stringify(await h.app.metrics.program(period.from, period.to)).replaceAll(pseudonym, people.ae.id),
    ).toBe(metricsBefore);
    // Their decision still counts as a decline of handoff #2, by someone erased.
    const events = await h.database.db.select().from(h.tables.handoffEvents);
    expect(events.filter((e) => e.handoffId === ids.declined && e.type === 'declined')).toMatchObject([
      { aeUserId: pseudonym, actorUserId: pseudonym },
    ]);
  });
});
