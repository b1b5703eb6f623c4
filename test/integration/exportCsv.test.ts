import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { exportReplies } from '../../src/blocks/revopsReplies.js';
import { EXPORT_USAGE, exportRequest } from '../../src/cliExport.js';
import { oneInstallation } from '../../src/cliInstallation.js';
import { openDatabaseReadOnly } from '../../src/db/readOnly.js';
import { CSV_COLUMNS, touchLogCsv } from '../../src/revops/exportCsv.js';
import { EXPORT_MAX_ROWS } from '../../src/revops/exports.js';
import { addHandoff } from '../contract/seed.js';
import { runBuilt, withUmask } from '../support/builtCli.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, startHarness, waitFor } from '../support/harness.js';
import { handoffRow, reassignTo, waitForDm } from '../support/ownerFlow.js';
import { PARTNER_TEAM, people } from '../support/people.js';
import {
  acceptInDm,
  adminUser,
  allCallsTo,
  csvObjects,
  declineInDm,
  exportFailures,
  homeClick,
  QUIET,
  ROLES,
  revopsUser,
  uploadedCsv,
  uploadOf,
} from '../support/revopsFlow.js';

/** An account name a spreadsheet would run as a formula, with a comma and double quotes to quote. */
const FORMULA_ACCOUNT = '=HYPERLINK("http://evil.example", "Delta, Inc")';
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Four handoffs sent at the harness clock (a Monday 15:00 Berlin): one accepted after 45 business minutes, one
 * declined (timing) after 90, one left to expire (swept at its deadline, Thursday), and one with a formula-like
 * account name, still open.
 */
async function seedFour(h: Harness) {
  const sentAt = h.clock.now().getTime();
  const a = await sendHandoff(h, { accountName: 'Alpha Freight', accountDomain: null });
  const b = await sendHandoff(h, { accountName: 'Bravo Freight', accountDomain: null });
  const c = await sendHandoff(h, { accountName: 'Charlie Freight', accountDomain: null });
  const d = await sendHandoff(h, {
    accountName: FORMULA_ACCOUNT,
    accountDomain: null,
    responseWindowDays: '5',
  });
  h.clock.advance(45 * MINUTE);
  await acceptInDm(h, a.handoff, a.dm);
  h.clock.advance(45 * MINUTE);
  await declineInDm(h, b.handoff, b.dm, 'timing');
  await waitFor(async () => (await handoffRow(h, a.handoff.id)).status === 'accepted', 4000, 'the accept');
  expect((await handoffRow(h, b.handoff.id)).status).toBe('declined');
  const due = (await handoffRow(h, c.handoff.id)).dueAt;
  expect(due.getTime()).toBe(sentAt + 3 * 24 * 60 * MINUTE);
  h.clock.set(due);
  expect((await h.app.sweeper.sweep()).expired).toBe(1);
  h.clock.advance(60 * MINUTE);
  return {
    sentAt,
    accepted: await handoffRow(h, a.handoff.id),
    declined: await handoffRow(h, b.handoff.id),
    expired: await handoffRow(h, c.handoff.id),
    formula: await handoffRow(h, d.handoff.id),
  };
}

type Seeded = Awaited<ReturnType<typeof seedFour>>;

/** The touch log rows of a CSV, checked against what the four seeded handoffs must say. */
function checkFourRows(text: string, s: Seeded) {
  const { header, rows } = csvObjects(text);
  expect(header).toEqual([...CSV_COLUMNS]);
  expect(rows.map((r) => r.handoff_id)).toEqual(
    [s.accepted, s.declined, s.expired, s.formula].map((h) => String(h.id)),
  );
  const [accepted, declined, expired, formula] = rows as [
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
  ];
  for (const [r, h] of [
    [accepted, s.accepted],
    [declined, s.declined],
    [expired, s.expired],
    [formula, s.formula],
  ] as const) {
    expect(r.sent_at).toBe(iso(s.sentAt));
    // The packet sent is scored and classified: neither cell is empty.
    expect(r.score).toBe(String(h.score));
    expect(r.classification).toBe(h.classification);
    expect(r.evidence_url).toBe('https://docs.example.com/northwind/qbr-notes');
    expect(r.partner).toBe('Meridian Cloud Consulting');
    expect(r.author_user_id).toBe(people.author.id);
    expect(r.ae_user_id).toBe(people.ae.id);
    expect(r.due_at).toBe(h.dueAt.toISOString());
  }
  expect(accepted).toMatchObject({
    status: 'accepted',
    account: 'Alpha Freight',
    decision: 'accepted',
    decided_at: iso(s.sentAt + 45 * MINUTE),
    decided_by_user_id: people.ae.id,
    decline_reason: '',
    business_hours_to_decision: '0.75',
    expired_at: '',
  });
  expect(declined).toMatchObject({
    status: 'declined',
    account: 'Bravo Freight',
    decision: 'declined',
    decided_at: iso(s.sentAt + 90 * MINUTE),
    decline_reason: 'timing',
    business_hours_to_decision: '1.50',
    expired_at: '',
  });
  expect(expired).toMatchObject({
    status: 'expired',
    account: 'Charlie Freight',
    decision: '',
    decided_at: '',
    decline_reason: '',
    business_hours_to_decision: '',
    expired_at: s.expired.dueAt.toISOString(),
  });
  // Formula injection: the cell starts with an apostrophe; the comma and quotes survive RFC 4180 quoting.
  expect(formula).toMatchObject({ status: 'sent', account: `'${FORMULA_ACCOUNT}`, decision: '' });
  expect(text).toContain(`"'=HYPERLINK(""http://evil.example"", ""Delta, Inc"")"`);
  expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  expect(text.endsWith('\r\n')).toBe(true);
}

const exportCommand = (h: Harness, text: string, user: { id: string; name: string } = people.member) =>
  h.command({ user_id: user.id, user_name: user.name, text });

/** Waits for a DM to `userId` that says exactly `text`. */
const dmSaying = (h: Harness, userId: string, text: string, timeoutMs = 4000) =>
  waitFor(
    () => h.slack.messages(h.slack.dmChannelFor(userId)).some((m) => m.text === text),
    timeoutMs,
    `the DM "${text}"`,
  );

/** The ephemeral answers posted to slash command response URLs. */
const responseTexts = (h: Harness) => h.slack.responses.map((r) => String(r.body.text ?? ''));

describe('the touch log export in Slack', () => {
  const start = harnessPerTest({ env: { ...QUIET, ...ROLES } });

  it('sends RevOps the CSV in their DM: one row per handoff, decisions, expiry, quoting and the formula guard', async () => {
    const h = await start();
    const seeded = await seedFour(h);

    const completion = await uploadOf(h, async () => {
      const response = await exportCommand(h, 'export');
      expect(response.status).toBe(200);
    });
    // The ephemeral goes through the outbox, which may deliver it after the upload (it waits for requests first).
    await waitFor(() => responseTexts(h).length > 0, 4000, 'the ephemeral');
    // No dates: the last 90 days, in the reader's time zone, and the reply says so.
    expect(responseTexts(h)).toEqual([
      'Preparing the touch log for handoffs sent from 2026-08-29 to 2026-11-26, the last 90 days (no dates given; for another range give its first and last day: `/handoff export 2026-01-01 2026-03-31`). The CSV will arrive in your DM with me.',
    ]);
    expect(h.slack.responses[0]?.body.response_type).toBe('ephemeral');

    const [open] = h.slack.callsTo('conversations.open');
    expect(open?.args.users).toBe(revopsUser.id);
    const dm = h.slack.dmChannelFor(revopsUser.id);
    expect((open?.response as { channel?: { id?: string } } | undefined)?.channel?.id).toBe(dm);
    expect(completion.args.channel_id).toBe(dm);

    const { fileId, name, text } = uploadedCsv(h, completion);
    expect(name).toBe('handoff-touch-log-2026-11-26.csv');
    checkFourRows(text, seeded);

    // The file is shared in the DM with the comment; nowhere else.
    const [message] = h.slack.messages(dm);
    expect(message?.files?.map((f) => f.id)).toEqual([fileId]);
    expect(message?.text).toContain(
      'The touch log: 4 handoffs sent from 2026-08-29 to 2026-11-26, the last 90 days',
    );
    expect(message?.text).toContain('do not share with partners');
    expect(h.slack.file(fileId)?.channels).toEqual([dm]);
    // Logged once the upload call has returned to the app, which can be a moment after Slack recorded it.
    await waitFor(
      () => h.logs.some((l) => l.msg === 'touch log exported' && l.rows === 4),
      4000,
      'the export logged',
    );
  });

  it('limits the rows to the days asked for (sent date, in the reporting timezone)', async () => {
    const h = await start();
    // Handoffs sent at these times (written straight to the table: the export reads their sent time alone).
    const sent = (at: string, accountName: string) =>
      addHandoff(h.database.db, new Date(at), { accountName });
    await sent('2026-10-30T14:00:00Z', 'October Freight');
    const first = await sent('2026-11-01T00:30:00Z', 'November First Freight');
    const last = await sent('2026-11-30T23:30:00Z', 'November Last Freight');
    await sent('2026-12-01T00:30:00Z', 'December Freight');
    h.clock.set('2026-12-02T10:00:00Z');

    const completion = await uploadOf(h, () => exportCommand(h, 'export 2026-11-01 2026-11-30'));
    const { rows } = csvObjects(uploadedCsv(h, completion).text);
    expect(rows.map((r) => [r.handoff_id, r.account])).toEqual([
      [String(first), 'November First Freight'],
      [String(last), 'November Last Freight'],
    ]);
    await waitFor(() => responseTexts(h).length > 0, 4000, 'the ephemeral');
    expect(responseTexts(h)[0]).toContain('sent from 2026-11-01 to 2026-11-30');

    // Only a start: up to now.
    const second = await uploadOf(h, () => exportCommand(h, 'export 2026-12-01'));
    expect(csvObjects(uploadedCsv(h, second).text).rows.map((r) => r.account)).toEqual(['December Freight']);

    // The words people type with the days are read ("since" is not a date); `until` alone ends the default 90 days
    // there.
    const worded = await uploadOf(h, () => exportCommand(h, 'export since 2026-11-01 until 2026-11-30'));
    expect(csvObjects(uploadedCsv(h, worded).text).rows.map((r) => r.account)).toEqual([
      'November First Freight',
      'November Last Freight',
    ]);
    const untilOnly = await uploadOf(h, () => exportCommand(h, 'export until 2026-11-30'));
    expect(csvObjects(uploadedCsv(h, untilOnly).text).rows.map((r) => r.account)).toEqual([
      'October Freight',
      'November First Freight',
      'November Last Freight',
    ]);
  });

  // Who else is refused, by the command and the App Home button, and the words they read: the authorization matrix.
  it('answers a range that is not one with the usage; refuses the author and RevOps’ own id from a partner workspace, logged; uploads nothing', async () => {
    const h = await start();
    await sendHandoff(h);
    // One command at a time: each reply goes to its command's response_url after the ack, so replies to commands
    // sent together may arrive in any order (as in Slack).
    for (const [i, text] of [
      'export nonsense',
      'export 2026-11-30 2026-11-01',
      'export 2026-02-30',
    ].entries()) {
      await exportCommand(h, text);
      await waitFor(() => h.slack.responses.length === i + 1, 4000, `the reply to ${text}`);
    }
    const replies = responseTexts(h);
    const usage =
      'Usage: `/handoff export 2026-01-01 2026-03-31` (the first and the last day, in your time zone; both optional: no dates is the last 90 days).';
    expect(replies).toEqual([
      `"nonsense" is not a date like 2026-01-31. ${usage}`,
      `The end date must not be before the start date. ${usage}`,
      `"2026-02-30" is not a date like 2026-01-31. ${usage}`,
    ]);
    // Refused, and each refusal logged: the command by the author, the App Home button by RevOps' own user id from
    // the partner's workspace (a Slack Connect guest), by DM (no response_url in the Home tab).
    h.clock.advance(60_000);
    await exportCommand(h, 'export', people.author);
    expect(await waitFor(() => responseTexts(h)[3], 4000, 'refusal')).toBe(
      'Only RevOps or an admin can do that. Nothing was changed.',
    );
    await h.interact(homeClick(ACTION_ID.homeExport, '30d', { id: revopsUser.id, team_id: PARTNER_TEAM }));
    await dmSaying(h, revopsUser.id, exportReplies.forbidden());
    await quiet(h);
    expect(allCallsTo(h, 'files.getUploadURLExternal')).toHaveLength(0);
    expect(allCallsTo(h, 'conversations.open')).toHaveLength(0);
    expect(h.logs.filter((l) => l.msg === 'touch log export refused')).toHaveLength(2);
    expect(exportFailures(h)).toHaveLength(0);
  });

  it('tells RevOps by DM when Slack refuses the upload, and keeps running; confirms on the App Home where the next export went (preparing, then sent to the DM with the row count), of the period shown', async () => {
    const h = await start();
    await sendHandoff(h);
    h.clock.advance(60_000);
    h.slack.fail('files.completeUploadExternal', { error: 'internal_error' }, 1);

    await exportCommand(h, 'export');
    const dm = h.slack.dmChannelFor(revopsUser.id);
    const [failed] = await waitFor(
      () => h.slack.messages(dm).length > 0 && h.slack.messages(dm),
      8000,
      'the failure DM',
    );
    expect(failed?.text).toBe(exportReplies.failed());
    expect(failed?.files).toBeUndefined();
    // It was Slack that refused the upload (not the export itself failing earlier).
    expect(allCallsTo(h, 'files.completeUploadExternal').map((c) => c.ok)).toEqual([false]);
    expect(exportFailures(h)).toHaveLength(1);
    // Still up: the health check answers and the next export arrives.
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    const before = allCallsTo(h, 'views.publish').length;
    await uploadOf(h, () =>
      h.interact(homeClick(ACTION_ID.homeExport, '30d', revopsUser, JSON.stringify({ period: '30d' }))),
    );
    const notices = () =>
      allCallsTo(h, 'views.publish')
        .slice(before)
        .filter((c) => c.args.user_id === revopsUser.id)
        .map((c) => {
          const view = (typeof c.args.view === 'string' ? JSON.parse(c.args.view) : c.args.view) as {
            blocks: { block_id?: string; elements?: { text?: string }[] }[];
          };
          const at = view.blocks.findIndex((b) => b.block_id === 'home_revops');
          const next = view.blocks[at + 1];
          return next?.block_id === 'home_revops_export' ? (next.elements?.[0]?.text ?? '') : '';
        });
    await waitFor(() => notices().some((t) => t.includes('Export sent to your DM with me')));
    const shown = notices();
    expect(shown[0]).toContain('Preparing the touch log (last 30 days): it will arrive in your DM with me.');
    const sent = shown.find((t) => t.includes('Export sent')) as string;
    expect(sent).toMatch(/^:white_check_mark: Export sent to your DM with me at <!date\^\d+\^/);
    expect(sent).toContain('(1 row, one per handoff sent)');
    // Uploads the period shown when RevOps click Export in the App Home.
    const completion = await uploadOf(h, () =>
      h.interact(homeClick(ACTION_ID.homeExport, '30d', revopsUser)),
    );
    expect(completion.args.channel_id).toBe(dm);
    const { rows } = csvObjects(uploadedCsv(h, completion).text);
    expect(rows.map((r) => r.account)).toEqual(['Northwind Logistics']);
    const shared = h.slack.messages(dm).find((m) => m.files);
    expect(shared?.text).toContain('1 handoff sent from 2026-10-24 to 2026-11-23');
    // The admin may export too.
    const admin = await uploadOf(h, () => h.interact(homeClick(ACTION_ID.homeExport, '7d', adminUser)));
    expect(admin.args.channel_id).toBe(h.slack.dmChannelFor(adminUser.id));
  });

  it('refuses a range holding more handoffs than one export from Slack carries, and says what to do instead', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    // Copies of that handoff, sent the same second, up to one more than the limit (set-based: quick).
    const { sqlite } = h.database;
    const columns = (
      sqlite.prepare('select name from pragma_table_info(?)').all('handoffs') as { name: string }[]
    )
      .map((c) => c.name)
      .filter((name) => name !== 'id');
    const copied = columns.map((c) => (c === 'source_view_id' ? "'VCOPY' || n" : c)).join(', ');
    sqlite
      .prepare(
        `with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ?)
         insert into handoffs (${columns.join(', ')}) select ${copied} from handoffs, seq where handoffs.id = ?`,
      )
      .run(EXPORT_MAX_ROWS, handoff.id);
    h.clock.advance(60_000);
    // The insert held the event loop for seconds (longer on a loaded machine): the server's keep-alive timer for the
    // test client's idle connection is overdue. One turn of the timers lets it close that connection before the next
    // request, instead of the request going out on it as it closes (ECONNRESET, seen in CI).
    await new Promise((resolve) => setTimeout(resolve, 20));

    await exportCommand(h, 'export');
    const [reply] = await waitFor(
      () => h.slack.responses.length > 0 && responseTexts(h),
      15_000,
      'the reply',
    );
    expect(reply).toBe(exportReplies.tooLarge(EXPORT_MAX_ROWS + 1, EXPORT_MAX_ROWS));
    expect(reply).toContain('50,001 handoffs, more than the 50,000');

    await h.interact(homeClick(ACTION_ID.homeExport, '30d', revopsUser));
    await dmSaying(h, revopsUser.id, exportReplies.tooLarge(EXPORT_MAX_ROWS + 1, EXPORT_MAX_ROWS), 15_000);
    await quiet(h);
    expect(allCallsTo(h, 'files.getUploadURLExternal')).toHaveLength(0);
    expect(h.logs.filter((l) => l.msg === 'touch log export refused: range too large')).toHaveLength(2);
    expect(exportFailures(h)).toHaveLength(0);
  });

  it('audits every expiry: one while away and a silent one after a reassignment, each with why, after the columns before them', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h, account('Audit Freight'));
    // Jordan goes away (their status); the away check sees it; the window expires: excused.
    h.slack.setStatus(people.ae.id, { text: 'Out of office', emoji: ':airplane:', expiration: null });
    const seenAt = h.clock.now();
    await h.app.scheduler.runNow('response-window-sweep');
    await waitForDm(h, people.author.id, 'is away', 'the owner told');
    h.clock.set(handoff.dueAt);
    await h.app.scheduler.runNow('response-window-sweep');
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');
    // The owner gives it to Sam, who says nothing: a silent expiry.
    await reassignTo(h, handoff.id, people.otherAe.id);
    const second = await handoffRow(h, handoff.id);
    expect(second.aeUserId).toBe(people.otherAe.id);
    h.clock.set(second.dueAt);
    await h.app.scheduler.runNow('response-window-sweep');
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');

    const { csv } = await touchLogCsv(h.database.db, {
      since: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2027-01-01T00:00:00Z'),
    });
    const { header, rows } = csvObjects(csv);
    // Appended: every column before keeps its place (`questions`, the first step, take-back, origin and money came
    // after them).
    const audit = header.indexOf('expiries');
    expect(header.slice(audit, audit + 14)).toEqual([
      'expiries',
      'expiries_excused',
      'expiries_silent',
      'expiry_log',
      'questions',
      'first_step',
      'first_step_due',
      'estimated_value',
      'first_step_done_at',
      'first_step_new_dates',
      'taken_back_at',
      'taken_back_reason',
      'source_url',
      'routing_reason',
    ]);
    expect(header.indexOf('latest_decline_reason')).toBeLessThan(header.indexOf('expiries'));
    expect(header).toEqual([...CSV_COLUMNS]);
    const row = rows[0] ?? {};
    expect(row).toMatchObject({
      expired_at: second.dueAt.toISOString(),
      expiry_reason: 'no answer in time',
      expiries: '2',
      expiries_excused: '1',
      expiries_silent: '1',
    });
    expect(row.expiry_log).toBe(
      `${handoff.dueAt.toISOString()} ${people.ae.id} away (status: :airplane: Out of office, known since ${seenAt.toISOString()}) | ${second.dueAt.toISOString()} ${people.otherAe.id} silence`,
    );
  }, 60_000);
});

describe('npm run export (dist/export.js)', () => {
  let dir: string;
  let databasePath: string;
  let seeded: Seeded;

  const cli = (args: string[], env = { DATABASE_PATH: databasePath }) =>
    runBuilt('export', args, { cwd: dir, env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-export-'));
    // Seeded through the app, in the past: the CLI counts up to the real now.
    const h = await startHarness({ env: QUIET, now: '2026-10-26T14:00:00Z' });
    try {
      const past = { accountDomain: null, opportunityCreatedOn: '2026-09-01', partnerTouchOn: '2026-10-01' };
      const before = await sendHandoff(h, { ...past, accountName: 'Before The Range' });
      h.clock.advance(30 * MINUTE);
      await acceptInDm(h, before.handoff, before.dm);
      await waitFor(
        async () => (await handoffRow(h, before.handoff.id)).status === 'accepted',
        4000,
        'the accept',
      );
      h.clock.set('2026-11-02T14:00:00Z');
      seeded = await seedFour(h);
      databasePath = h.config.databasePath;
    } finally {
      await h.stop({ keepDatabase: true });
    }
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (databasePath) rmSync(dirname(databasePath), { recursive: true, force: true });
  });

  /** The CSV the built command writes for `argv`, made in-process by the same steps: its request, then the rows. */
  async function touchLogFor(argv: string[]): Promise<string> {
    const request = exportRequest(argv, { DATABASE_PATH: databasePath }, new Date());
    if (request.kind !== 'run') throw new Error(`${argv.join(' ')}: ${JSON.stringify(request)}`);
    const database = openDatabaseReadOnly(databasePath);
    try {
      const own = await oneInstallation(database.db, request.installation, (message) => {
        throw new Error(message);
      });
      return (await touchLogCsv(own, request.range)).csv;
    } finally {
      database.close();
    }
  }

  it('writes the touch log to --out as a new file 0600 whatever the umask, and to standard output without it', async () => {
    const out = join(dir, 'x.csv');
    const result = await withUmask(0, () => cli(['--since', '2026-11-01', '--out', out]));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`Wrote 4 handoff(s) to ${out}\n`);
    expect((statSync(out).mode & 0o777).toString(8)).toBe('600');
    const text = readFileSync(out, 'utf8');
    checkFourRows(text, seeded);
    expect(text).toBe(await touchLogFor(['--since', '2026-11-01']));

    // Without --since: from the beginning; --until read as the last day.
    const stdout = cli(['--until', '2026-10-31']);
    expect(stdout.status, stdout.stderr).toBe(0);
    expect(stdout.stderr).toBe('');
    expect(csvObjects(stdout.stdout).rows.map((r) => r.account)).toEqual(['Before The Range']);
    expect(stdout.stdout).toBe(await touchLogFor(['--until', '2026-10-31']));
    // Two starts of the built command, one after another: on a loaded machine they took over the default 20 s.
  }, 60_000);

  it('reads the days asked for as the command does: a closed range, one before any handoff, none', async () => {
    const fromNovember = await touchLogFor(['--since', '2026-11-01']);
    expect(await touchLogFor(['--since', '2026-11-01', '--until', '2026-11-06'])).toBe(fromNovember);
    expect(await touchLogFor(['--since', '2026-11-03', '--until', '2026-11-04'])).toBe(
      `${CSV_COLUMNS.join(',')}\r\n`,
    );
    // Without --until: up to now; without --since: from the beginning (the October handoff too).
    expect(csvObjects(await touchLogFor([])).rows.map((r) => r.account)).toEqual([
      'Before The Range',
      'Alpha Freight',
      'Bravo Freight',
      'Charlie Freight',
      `'${FORMULA_ACCOUNT}`,
    ]);
  });

  it('refuses a wrong command line (a bad date, an unknown option, a missing database): exit 2 and the usage, nothing written', () => {
    const result = cli(['--since', 'garbage', '--out', join(dir, 'never.csv')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`"garbage" is not a date like 2026-01-31.\n${EXPORT_USAGE}`);
    expect(result.stderr).toContain('Usage: npm run export');
    expect(result.stdout).toBe('');
    expect(() => readFileSync(join(dir, 'never.csv'))).toThrow();
    const missing = join(dir, 'nowhere', 'handoff.db');
    const refusal = (argv: string[], path = databasePath) => {
      const request = exportRequest(argv, { DATABASE_PATH: path }, new Date());
      return request.kind === 'usage' ? request.message : request.kind;
    };
    expect(refusal(['--since', 'garbage'])).toBe('"garbage" is not a date like 2026-01-31.');
    expect(refusal(['--sinse', '2026-11-01'])).toMatch(/^Unknown option '--sinse'/);
    expect(refusal(['--since', '2026-11-01'], missing)).toBe(
      `There is no database at ${missing} (DATABASE_PATH).`,
    );
  });
});
