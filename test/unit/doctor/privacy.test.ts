import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { privacyStatement, storageOf } from '../../../src/doctor/privacy.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };
const backups = mkdtempSync(join(tmpdir(), 'privacy-backups-'));
afterAll(() => rmSync(backups, { recursive: true, force: true }));

const statementOf = (env: Record<string, string>, own: Record<string, number> | undefined = {}) =>
  privacyStatement({ config: loadConfig({ ...base, ...env }), ownCrms: own });

describe('the privacy statement, from the live settings', () => {
  it('names the SQLite file, the tables and columns by how long they are kept, and no sub-processor but Slack', () => {
    const text = statementOf({ DATABASE_PATH: 'data/x.db', OUTBOX_RETENTION_DAYS: '14' });
    const path = resolve('data/x.db');
    expect(text).toContain(
      `SQLite file ${path} (with ${path}-wal and ${path}-shm beside it), on this machine`,
    );
    expect(text).toContain('Rows kept as long as the database is (their words as the retention below says):');
    // Nothing set: the words are kept too, and the statement says which setting would change it.
    expect(text).toMatch(/partner_contact_name, .*risk_note.* kept too \(RETAIN_PACKET_TEXT_DAYS unset\)/);
    expect(text).toContain('detail kept too (RETAIN_TOUCH_DETAIL_DAYS unset)');
    expect(text).toContain(
      'Kept, and the files in Slack too, as long as Slack keeps them (RETAIN_EXPORTS_DAYS unset):',
    );
    expect(text).toMatch(
      /- handoffs \(the handoff packets\): author_user_id, owner_user_id, ae_user_id, ae_name/,
    );
    expect(text).toContain(
      'Deleted 14 days after they were queued, once delivered or cancelled (OUTBOX_RETENTION_DAYS):\n    - outbox (messages to Slack, as rendered, queued and delivered): payload, channel_key, last_error',
    );
    expect(text).toMatch(/Nothing about a person: [a-z_, ]*partners[a-z_, ]*\./);
    expect(text).toContain('Backups: off (BACKUP_DIR unset)');
    expect(text).toContain(
      'Slack (Slack Technologies): every message, App Home and modal, through slack.com.',
    );
    expect(text).toContain('No CRM: none in the settings, and no workspace connected its own.');
    expect(text).not.toMatch(/Salesforce:|HubSpot:/);
    expect(text).toContain('AI: no AI model, hosted or local, receives or processes any data.');
    expect(text).toContain(
      'At uninstall (app_uninstalled) everything stays (UNINSTALL_DELETE_AFTER_DAYS unset)',
    );
  });

  it('states the retention in force, each kind by its setting, and what an uninstall does', () => {
    const text = statementOf({
      RETAIN_PACKET_TEXT_DAYS: '365',
      RETAIN_TOUCH_DETAIL_DAYS: '730',
      RETAIN_EXPORTS_DAYS: '30',
      UNINSTALL_DELETE_AFTER_DAYS: '14',
    });
    expect(text).toMatch(
      /- handoffs \(the handoff packets\): .*; partner_contact_name, .*routing_reason removed 365 days after the handoff closed \(RETAIN_PACKET_TEXT_DAYS\)/,
    );
    expect(text).toMatch(/- decisions \(.*\): decided_by_user_id, note; note removed 365 days after/);
    expect(text).toMatch(
      /- handoff_events \(.*\): .*; detail cut to its facts 730 days after the handoff closed/,
    );
    expect(text).toContain(
      'Deleted, and the files from Slack, 30 days after they were shared (RETAIN_EXPORTS_DAYS):\n    - export_files',
    );
    expect(text).toContain(
      "At uninstall (app_uninstalled) the workspace's data is deleted 14 days later, unless the app is installed there again meanwhile",
    );
    expect(statementOf({ UNINSTALL_DELETE_AFTER_DAYS: '0' })).toContain(
      "the workspace's data is deleted at once",
    );
  });

  it('names the Postgres host, port and database, never its user or password; says what it could not know when the database could not be read', () => {
    const url = 'postgres://handoff:s3cr3t-pw@db.internal.example:6543/cosell?sslmode=require';
    expect(storageOf(loadConfig({ ...base, DATABASE_URL: url }))).toBe(
      'Postgres database cosell on db.internal.example:6543',
    );
    const text = statementOf({ DATABASE_URL: url });
    expect(text).not.toContain('s3cr3t-pw');
    expect(text).not.toContain('handoff:');
    expect(text).toContain('Backups: the app makes none on Postgres');
    const unread = privacyStatement({
      config: loadConfig(base),
      ownCrms: undefined,
      unread: 'file is not a database',
    });
    expect(unread).toContain(
      'No CRM in the settings; whether a workspace connected its own is not known here.',
    );
    expect(unread).toContain('(The database could not be read: file is not a database.)');
  });

  it('states the scheduled backups and the CRMs in use: the settings’ own and those the workspaces connected', () => {
    const text = statementOf(
      { BACKUP_DIR: backups, BACKUP_KEEP: '5', BACKUP_AT: '02:15', HUBSPOT_ACCESS_TOKEN: 'pat-na1-x' },
      { salesforce: 2 },
    );
    expect(text).toContain(`in ${resolve(backups)}; the newest 5 are kept, older ones deleted`);
    expect(text).toContain('each day at 02:15');
    expect(text).toMatch(
      /- Salesforce: a completed Task on the linked deal .* 2 workspace\(s\) connected their own/,
    );
    expect(text).toMatch(
      /- HubSpot: a note on the linked deal .* The settings' account, through api\.hubapi\.com\./,
    );
    expect(text).not.toContain('pat-na1-x');
    expect(text).not.toContain('No CRM');
  });
});
