import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { readJournal } from '../../src/db/migrationsCheck.js';
import { appendProgramEntry } from '../../src/db/repositories/program.js';
import { partnerChannels } from '../../src/db/schema.js';
import { type DoctorReport, runDoctor } from '../../src/doctor/run.js';
import { manifestBotScopes } from '../../src/doctor/slackToken.js';
import { createLogger } from '../../src/logger.js';
import { importSettingsOnce } from '../../src/program/importOnce.js';
import { runBuiltAsync } from '../support/builtCli.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { channels, people } from '../support/people.js';

const start = harnessPerTest();

/** A check's findings by status and text ("FAIL Slack refused…"), and its fixes. */
function check(report: DoctorReport, title: string) {
  const result = report.results.find((r) => r.title === title);
  if (!result) throw new Error(`no check named ${title}`);
  return {
    findings: result.findings.map((f) => `${f.status} ${f.text}`),
    fixes: result.findings.flatMap((f) => (f.fix ? [f.fix] : [])),
  };
}

/**
 * `npm run doctor` against the fake Slack and the database of a running app (the harness): a healthy install
 * passes; a wrong token, a missing scope, a wrong channel id and an unbound partner channel each fail with their
 * fix, and exit code 1. Most runs are in-process (runDoctor); the built command runs once each way.
 */
describe('npm run doctor', () => {
  let h: Harness;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-doctor-'));
    h = await startHarness();
    // The database of an earlier version: its program empty (the harness's start read its own settings in).
    await h.database.db.transaction((tx) => tx.delete(h.tables.programLog));
    h.slack.addUserGroup('S0EMEA', [people.ae.id, people.otherAe.id]);
    // A handoff to the partner's Slack Connect channel binds it (and their workspace) to Meridian.
    await sendHandoff(h);
    await quiet(h);
    const policyFile = join(dir, 'policies.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        pools: { backup: { users: [people.ae.id, people.otherAe.id] }, emea: { usergroup: 'S0EMEA' } },
        policies: {
          strategic: [{ at: 'due', action: 'notify', to: ['manager', `channel:${channels.internal.id}`] }],
        },
        routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
      }),
    );
    env = {
      SLACK_BOT_TOKEN: h.slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: h.slack.apiUrl,
      DATABASE_PATH: h.config.databasePath,
      DEFAULT_TIMEZONE: 'America/New_York',
      ESCALATION_CHANNEL_ID: channels.internal.id,
      ADMIN_USER_IDS: people.owner.id,
      ESCALATION_MANAGERS: `${people.ae.id}=${people.owner.id}`,
      HOLIDAY_REGIONS: `${people.otherAe.id}=DE-BY`,
      ESCALATION_POLICY_FILE: policyFile,
    };
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = (overrides: Record<string, string | undefined> = {}) =>
    runDoctor({ env: { ...env, ...overrides }, clock: h.clock });
  /** Parts written to the program (by the owner unless said), as its editors write them. */
  const program = (at: Date, entries: { kind: string; key?: string; body: unknown; actor?: string }[]) =>
    h.database.db.transaction(async (tx) => {
      for (const { kind, key, body, actor } of entries)
        await appendProgramEntry(tx, {
          kind,
          key: key ?? '-',
          body,
          actor: actor ?? people.owner.id,
          note: null,
          at,
        });
    });

  it('passes a healthy install, naming each channel and person it found so their ids can be copied', async () => {
    const report = await doctor();
    expect(report.exitCode, report.text).toBe(0);
    expect(report.results.map((r) => r.title)).toEqual([
      'Settings',
      'Database',
      'Slack token and scopes',
      'Escalation policy file',
      'The program',
      'Internal channels',
      'Partner channels (the partner directory)',
      'People',
      'CRM',
      'Holidays in force per AE zone',
      'Data retention',
    ]);
    expect(check(report, 'The program').findings).toEqual([
      'pass The program is empty: the next start reads ESCALATION_POLICY_FILE, ESCALATION_MANAGERS, HOLIDAY_REGIONS, ADMIN_USER_IDS, REVOPS_USER_IDS, ESCALATION_CHANNEL_ID, DEFAULT_TIMEZONE into it, once.',
    ]);
    expect(check(report, 'Slack token and scopes').findings).toEqual([
      'pass The token works: workspace Acme Corp (T0INTERNAL), bot @bot (UBOT).',
      `pass The token has every bot scope the manifest asks for (${manifestBotScopes().length}).`,
      'pass Shortcuts of the manifest: Ask for partner help (global), Hand off this deal (on a message), Add to handoff (on a message).',
    ]);
    expect(check(report, 'Internal channels').findings).toEqual([
      'pass #partner-marketing (C0INTERNAL, ESCALATION_CHANNEL_ID, policies.strategic[0].to[1]): internal, the app is a member.',
    ]);
    expect(check(report, 'Partner channels (the partner directory)').findings).toEqual([
      'pass #ext-meridian (C0PARTNER) → Meridian Cloud Consulting: the app is a member, shared with Meridian Cloud Consulting (T0PARTNER).',
    ]);
    expect(check(report, 'People').findings).toEqual([
      'pass U0OWNER Olu Owner (ADMIN_USER_IDS, ESCALATION_MANAGERS), Europe/London.',
      'pass U0AE Jordan Seller (ESCALATION_MANAGERS, pools.backup.users[0]), Europe/Berlin.',
      'pass U0AE2 Sam Closer (HOLIDAY_REGIONS, pools.backup.users[1]), America/Los_Angeles.',
      'pass pools.emea.usergroup S0EMEA: a user group of 2 members.',
    ]);
    expect(check(report, 'CRM').findings).toEqual([
      'skip No CRM is configured (no SALESFORCE_* or HUBSPOT_* credentials): the CRM loop is off.',
    ]);
    const holidays = check(report, 'Holidays in force per AE zone').findings;
    expect(holidays[0]).toBe(
      "pass HOLIDAY_REGIONS is unset: each AE gets their own country's, from their Slack time zone.",
    );
    expect(holidays).toContain(
      "pass America/New_York (DEFAULT_TIMEZONE) → US: 2026-11-26 Thanksgiving Day (US), 2026-12-25 Christmas Day (US), 2027-01-01 New Year's Day (US).",
    );
    expect(holidays.some((line) => line.startsWith('pass Europe/Berlin (Jordan Seller) → DE: '))).toBe(true);
    expect(holidays.some((line) => line.startsWith('pass U0AE2 Sam Closer, own regions → DE-BY: '))).toBe(
      true,
    );
    // Nothing set: everything is kept, and the doctor says which setting would change that (issue 57).
    expect(check(report, 'Data retention').findings).toEqual([
      'pass Packet text and partner contact details: kept as long as the database (RETAIN_PACKET_TEXT_DAYS unset)',
      'pass Touch log detail: kept as long as the database (RETAIN_TOUCH_DETAIL_DAYS unset)',
      'pass Delivered outbox messages: 30 days after they were queued (OUTBOX_RETENTION_DAYS)',
      'pass CSV exports shared in Slack: kept as long as Slack keeps them (RETAIN_EXPORTS_DAYS unset)',
      'pass At uninstall (app_uninstalled) everything stays (UNINSTALL_DELETE_AFTER_DAYS unset); the app stops calling Slack for that workspace',
    ]);
    expect(report.text).toContain('Found in Slack (ids to copy):');
    expect(report.text).toMatch(
      /\n {4}C0INTERNAL +#partner-marketing +ESCALATION_CHANNEL_ID, policies\.strategic\[0\]\.to\[1\]\n/,
    );
    expect(report.text).toMatch(
      /\n {4}C0PARTNER +#ext-meridian +partner channel of Meridian Cloud Consulting\n/,
    );
    expect(report.text).toMatch(
      /\n {4}U0AE +Jordan Seller +ESCALATION_MANAGERS, pools\.backup\.users\[0\]\n/,
    );
    expect(report.text).toContain('All 11 checks passed.');
  });

  it('catches a wrong token (invalid_auth), with its fix, and skips what needs Slack', async () => {
    const report = await doctor({ SLACK_BOT_TOKEN: 'xoxb-not-the-installed-token' });
    expect(report.exitCode).toBe(1);
    const token = check(report, 'Slack token and scopes');
    expect(token.findings).toEqual(['fail Slack refused SLACK_BOT_TOKEN (invalid_auth).']);
    expect(token.fixes[0]).toContain(
      "Copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page into SLACK_BOT_TOKEN",
    );
    expect(check(report, 'Internal channels').findings).toEqual([
      'skip Skipped: needs a token Slack accepts (see the token check above).',
    ]);
    expect(report.text).toContain('FAIL  Slack refused SLACK_BOT_TOKEN (invalid_auth).');
    expect(report.text).toContain('Fix: Copy the Bot User OAuth Token');
  });

  it('catches a token without a scope of the manifest (x-oauth-scopes), with its fix', async () => {
    const granted = h.slack.grantedScopes;
    h.slack.grantedScopes = granted.filter((scope) => scope !== 'usergroups:read' && scope !== 'team:read');
    try {
      const report = await doctor();
      expect(report.exitCode).toBe(1);
      const token = check(report, 'Slack token and scopes');
      expect(token.findings[1]).toBe(
        'fail The token lacks 2 scopes the manifest asks for: team:read, usergroups:read.',
      );
      expect(token.fixes[0]).toContain('then reinstall the app to the workspace');
      // A scope of the message shortcuts says what stops without it.
      h.slack.grantedScopes = granted.filter((scope) => scope !== 'users:read.email');
      expect(check(await doctor(), 'Slack token and scopes').findings[1]).toBe(
        'fail The token lacks a scope the manifest asks for: users:read.email. Without users:read.email: Hand off this deal and the review cannot find the CRM account owner in Slack, so no AE is suggested.',
      );
      expect(report.text).toContain('Fix: Make the manifest (npm run manifest');
    } finally {
      h.slack.grantedScopes = granted;
    }
  });

  it('catches a wrong channel id (channel_not_found), a channel the app is not in, a wrong person id, a bot and a deactivated account (by name), with their fixes', async () => {
    // A public channel nobody invited the app to.
    h.slack.addChannel({ id: 'C0QUIET', name: 'partner-help', members: [] });
    const report = await doctor({
      DIGEST_CHANNEL_ID: 'C0NOSUCH',
      PARTNER_HELP_CHANNEL_ID: 'C0QUIET',
      ADMIN_USER_IDS: `${people.owner.id},U0NOBODY,${people.bot.id},${people.gone.id}`,
    });
    expect(report.exitCode).toBe(1);
    const internal = check(report, 'Internal channels');
    expect(internal.findings).toEqual([
      'pass #partner-marketing (C0INTERNAL, ESCALATION_CHANNEL_ID, policies.strategic[0].to[1]): internal, the app is a member.',
      'fail #partner-help (C0QUIET, PARTNER_HELP_CHANNEL_ID): the app is not a member, so it cannot post there.',
      'fail C0NOSUCH (DIGEST_CHANNEL_ID): Slack has no channel with this id that the app can see (channel_not_found).',
    ]);
    expect(internal.fixes).toEqual([
      'Invite it: type /invite @bot in #partner-help.',
      expect.stringContaining('copy the Channel ID at the bottom of the About tab'),
    ]);
    const found = check(report, 'People');
    expect(found.findings.slice(0, 4)).toEqual([
      'pass U0OWNER Olu Owner (ADMIN_USER_IDS, ESCALATION_MANAGERS), Europe/London.',
      'fail U0NOBODY (ADMIN_USER_IDS): Slack has no such person (user_not_found).',
      'fail U0SOMEBOT Reminder Bot (ADMIN_USER_IDS) is a bot or an app, not a person.',
      'fail U0GONE Gone Person (ADMIN_USER_IDS): the account is deactivated.',
    ]);
    expect(found.fixes[0]).toContain('Copy member ID');
  });

  it('catches a partner channel bound to no partner, with the command that binds it', async () => {
    const now = h.clock.now();
    await h.database.db.transaction((tx) =>
      tx
        .insert(partnerChannels)
        .values({
          channelId: channels.rival.id,
          channelName: channels.rival.name,
          partnerId: null,
          status: 'held',
          heldReason: 'handoffs of several partners were sent to it',
          boundByUserId: 'migration',
          updatedAt: now,
        })
        .run(),
    );
    try {
      const report = await doctor();
      expect(report.exitCode).toBe(1);
      const partners = check(report, 'Partner channels (the partner directory)');
      expect(partners.findings).toEqual([
        'pass #ext-meridian (C0PARTNER) → Meridian Cloud Consulting: the app is a member, shared with Meridian Cloud Consulting (T0PARTNER).',
        'fail #ext-tailspin (C0RIVAL) → no partner is bound to no partner (handoffs of several partners were sent to it): partner updates wait there.',
      ]);
      expect(partners.fixes).toEqual([
        'An admin says whose channel it is: /handoff partners channel #ext-tailspin | <partner>.',
      ]);
    } finally {
      await h.database.db.transaction((tx) =>
        tx.delete(partnerChannels).where(eq(partnerChannels.channelId, channels.rival.id)).run(),
      );
    }
  });

  it('shows settings the app would refuse as a failed check, not a crash', async () => {
    const report = await doctor({ SLACK_BOT_TOKEN: undefined, BUSINESS_DAY_END: '08:00' });
    expect(report.exitCode).toBe(1);
    expect(check(report, 'Settings').findings).toEqual([
      'fail SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token (xoxb-…) from your Slack app, or set SLACK_CLIENT_ID and the other OAuth install settings (docs/install.md)',
      'fail BUSINESS_DAY_END must be later than BUSINESS_DAY_START',
    ]);
    expect(check(report, 'Settings').fixes[0]).toContain(".env.example lists the deployment's settings");
    expect(check(report, 'Database').findings).toEqual([
      'skip Skipped: needs valid settings (see Settings above).',
    ]);
  });

  it('catches a database migrated by a newer version (a rollback of the code alone), with its fix', async () => {
    const newer = join(dir, 'newer.db');
    const database = openDatabase(newer);
    const latest = Math.max(...readJournal(MIGRATIONS_FOLDER).map((e) => e.when));
    database.sqlite
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('a-later-migration', latest + 60_000);
    database.close();
    const report = await doctor({ DATABASE_PATH: newer });
    expect(report.exitCode).toBe(1);
    expect(check(report, 'Database').findings).toContainEqual(
      expect.stringMatching(/^fail The database at .*newer\.db was migrated by a newer version of this app/),
    );
    expect(check(report, 'Database').fixes).toContainEqual(
      expect.stringContaining('restore the backup taken before the upgrade'),
    );
  });

  it('catches an invalid escalation policy file, naming each problem', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ policies: { strategic: [{ at: 'soon', action: 'notify', to: ['ae'] }] } }),
    );
    const report = await doctor({ ESCALATION_POLICY_FILE: bad });
    expect(report.exitCode).toBe(1);
    expect(check(report, 'Escalation policy file').findings).toEqual([
      `fail ${bad}: policies.strategic[0].at: "soon" must be like 50%, last-morning, due, due+4h or due+1d`,
    ]);
  });

  /** The built command in a folder without a .env; not blocking: this process serves the fake Slack it talks to. */
  const builtDoctor = (overrides: Record<string, string> = {}) =>
    runBuiltAsync('doctor', [], { cwd: dir, env: { ...env, ...overrides } });

  it('runs as the built command: exit 0 for a healthy install, 1 with the fix for a wrong channel', async () => {
    const healthy = await builtDoctor();
    expect(healthy.stderr).toBe('');
    expect(healthy.status, healthy.stdout).toBe(0);
    expect(healthy.stdout).toMatch(/^Handoff doctor, \d{4}-/);
    expect(healthy.stdout).toContain('All 11 checks passed.');
    const wrong = await builtDoctor({ DIGEST_CHANNEL_ID: 'C0NOSUCH' });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain(
      'FAIL  C0NOSUCH (DIGEST_CHANNEL_ID): Slack has no channel with this id that the app can see (channel_not_found).',
    );
    expect(wrong.stdout).toContain('Fix: The id is wrong, or the channel is private');
    expect(wrong.stdout).toContain('1 of 11 checks failed.');
    // Two real processes, each loading the built app (about 3 s each on a quiet 2-core machine): a busy one, such as
    // a CI run beside other test files, takes longer than the suite's 20 s per test.
  }, 60_000);

  // Last: it leaves parts in the program, which the checks above read as empty.
  it('reads the program once it holds parts: what it holds, the settings no longer read, and no admin', async () => {
    const at = h.clock.now();
    await program(at, [
      { kind: 'pool', key: 'backup', body: { users: [people.ae.id] }, actor: 'import' },
      { kind: 'roles', body: { admin: { users: [] }, revops: { users: [] } } },
    ]);
    const found = check(await doctor(), 'The program');
    expect(found.findings).toEqual([
      `pass The program: 1 pool, 0 escalation policies, 0 closure days, 0 admins, 0 RevOps people, 0 people with their own days; last edited ${at.toISOString()} by ${people.owner.id}.`,
      'warn The program names no admin: nobody can edit its roles, pools or calendar in Slack.',
      'pass The next start reads ESCALATION_MANAGERS, HOLIDAY_REGIONS, ESCALATION_CHANNEL_ID, DEFAULT_TIMEZONE into the program, once.',
      'warn ESCALATION_POLICY_FILE is set, but the program holds what it says: it is no longer read.',
      'warn ADMIN_USER_IDS, REVOPS_USER_IDS is set, but the program holds what it says: it is no longer read.',
    ]);
  });

  // After the one above: the program holds roles, managers, own days, closures and settings now.
  it("checks what the app will use: the program's roles, managers, own days and settings, named in its words", async () => {
    const at = h.clock.now();
    h.slack.addChannel({ id: 'C0DIGEST', name: 'revops-digest', members: [h.slack.botUserId] });
    const entries = [
      {
        kind: 'roles',
        body: {
          admin: { users: [people.owner.id], usergroup: 'S0EMEA' },
          revops: { users: [people.member.id] },
        },
      },
      { kind: 'managers', body: { [people.otherAe.id]: people.owner.id } },
      { kind: 'closures', body: ['2026-12-24'] },
      { kind: 'person', key: people.ae.id, body: { regions: ['FR'], workingDays: [1, 2, 3, 4] } },
      {
        kind: 'settings',
        body: {
          escalationChannelId: channels.internal.id,
          digestChannelId: 'C0DIGEST',
          defaultTimeZone: 'Europe/Paris',
          businessDayStart: '08:30',
        },
      },
    ];
    await program(at, entries);
    const report = await doctor();
    expect(report.exitCode, report.text).toBe(0);
    // The digest channel is set only in the program's settings; ESCALATION_CHANNEL_ID is no longer read.
    expect(check(report, 'Internal channels').findings).toEqual([
      'pass #partner-marketing (C0INTERNAL, Settings → Escalation channel): internal, the app is a member.',
      'pass #revops-digest (C0DIGEST, Settings → Digest channel): internal, the app is a member.',
    ]);
    // The program's roles and managers, not ADMIN_USER_IDS or ESCALATION_MANAGERS; Sam's own regions are still the
    // setting's (the program holds no own days of theirs: the next start reads them in).
    expect(check(report, 'People').findings).toEqual([
      "pass U0OWNER Olu Owner (the program's admins, the program's managers), Europe/London.",
      "pass U0MEMBER Mo Member (the program's RevOps), Europe/London.",
      "pass U0AE2 Sam Closer (the program's managers, HOLIDAY_REGIONS), America/Los_Angeles.",
      'pass U0AE Jordan Seller (their own days, pools.backup.users[0]), Europe/Berlin.',
      "pass the program's admins, user group S0EMEA: a user group of 2 members.",
    ]);
    const holidays = check(report, 'Holidays in force per AE zone').findings;
    expect(holidays).toContain(
      "pass Business hours 08:30–17:00 (Settings → Business day starts, Settings → Business day ends), in each person's own time zone.",
    );
    expect(holidays).toContain(
      "pass Europe/Paris (Settings → Default time zone) → FR: 2026-12-25 Christmas Day (FR), 2027-01-01 New Year's Day (FR), 2027-03-29 Easter Monday (FR).",
    );
    expect(holidays).toContain(
      "pass U0AE Jordan Seller's own days → FR: 2026-12-25 Christmas Day (FR), 2027-01-01 New Year's Day (FR), 2027-03-29 Easter Monday (FR); works Mon, Tue, Wed, Thu.",
    );
    expect(holidays.some((line) => line.startsWith('pass U0AE2 Sam Closer, own regions → DE-BY: '))).toBe(
      true,
    );
    expect(holidays.at(-1)).toBe("pass Company closures ahead (the program's closures): 2026-12-24.");
    const read = ['People', 'Internal channels', 'Holidays in force per AE zone'].flatMap(
      (title) => check(report, title).findings,
    );
    expect(read.join('\n')).not.toMatch(
      /ADMIN_USER_IDS|ESCALATION_MANAGERS|_CHANNEL_ID|DEFAULT_TIMEZONE|CLOSURE_DATES/,
    );
  });
});

describe('npm run doctor after the first start of a fresh install', () => {
  it('says that the settings the start read in once may go, rather than warning that they are not read', async () => {
    // The README has a fresh install set ADMIN_USER_IDS; its first start reads it (and the managers) into the program.
    const settings = {
      ADMIN_USER_IDS: people.owner.id,
      ESCALATION_MANAGERS: `${people.ae.id}=${people.owner.id}`,
    };
    const h = await start({ env: settings });
    const doctorWith = (env: Record<string, string>) =>
      runDoctor({
        env: {
          SLACK_BOT_TOKEN: h.slack.token,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: h.slack.apiUrl,
          DATABASE_PATH: h.config.databasePath,
          ...env,
        },
        clock: h.clock,
      });
    const report = await doctorWith(settings);
    const found = check(report, 'The program').findings;
    expect(found.filter((f) => !f.startsWith('pass The program:'))).toEqual([
      'pass ESCALATION_MANAGERS, ADMIN_USER_IDS, REVOPS_USER_IDS were read into the program at its first start and are not read again: edit them in Slack (App Home → The program). They may be removed from the environment.',
    ]);
    // Changed since (the program is edited in Slack), a setting still set is a warning: it says what is no longer so.
    const changed = await doctorWith({ ...settings, ADMIN_USER_IDS: people.member.id });
    expect(check(changed, 'The program').findings.filter((f) => !f.startsWith('pass The program:'))).toEqual([
      'pass ESCALATION_MANAGERS was read into the program at its first start and is not read again: edit it in Slack (App Home → The program). It may be removed from the environment.',
      'warn ADMIN_USER_IDS, REVOPS_USER_IDS is set, but the program holds what it says: it is no longer read.',
    ]);
    // A later start's log, the same way: no warning for settings that say what was read in, one for the changed one.
    const later = async (adminUserIds: string[]) => {
      const lines: string[] = [];
      const logger = createLogger(
        'info',
        new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const config = { ...h.config, seed: { ...h.config.seed, adminUserIds } };
      const { ignored } = await importSettingsOnce({
        db: h.database.db,
        config,
        logger,
        now: h.clock.now(),
      });
      return { ignored, warned: lines.filter((line) => line.includes('"level":40')).length };
    };
    expect(await later([people.owner.id])).toEqual({ ignored: [], warned: 0 });
    expect(await later([people.member.id])).toEqual({
      ignored: ['ADMIN_USER_IDS, REVOPS_USER_IDS'],
      warned: 1,
    });
  });
});
