import { openPostgresReadOnly } from '../db/pg/readOnly.js';
import { redactedUrl } from '../db/storage.js';
import type { DoctorContext, Finding } from './types.js';

/**
 * The Postgres database of DATABASE_URL, read only (the doctor never migrates or writes): reachable, migrated for
 * this version, writable by the app's user (not a read-only standby), and which app processes are connected to it.
 */
export async function checkPostgres(ctx: DoctorContext, url: string): Promise<Finding[]> {
  const where = redactedUrl(url);
  let opened: Awaited<ReturnType<typeof openPostgresReadOnly>>;
  try {
    opened = await openPostgresReadOnly(url);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return [
      {
        status: 'fail',
        text: `Could not reach the Postgres database ${where}: ${(error as Error).message}${typeof code === 'string' ? ` (${code})` : ''}.`,
        fix: 'Check DATABASE_URL (host, port, database, user and password), that the server runs, and that it accepts connections from this machine (pg_hba.conf, firewalls).',
      },
    ];
  }
  const { migrations, pool } = opened;
  if (migrations.newer) {
    await opened.close();
    return [
      {
        status: 'fail',
        text: `${where} was migrated by a newer version of this app.`,
        fix: 'Run the newer version again, or restore the dump taken before the upgrade (docs/deploy.md, "Backups on Postgres").',
      },
    ];
  }
  const facts = await pool.query<{ standby: boolean; insert: boolean | null; running: string }>(
    `select pg_is_in_recovery() as standby,
       has_table_privilege(current_user, to_regclass('handoffs'), 'INSERT') as insert,
       (select count(*) from pg_stat_activity
         where datname = current_database() and application_name = 'cosell-handoff')::text as running`,
  );
  const { standby, insert, running } = facts.rows[0] ?? { standby: false, insert: null, running: '0' };
  const connected = `${running} connection${running === '1' ? '' : 's'} of the app open now`;
  const findings: Finding[] = [];
  if (migrations.pending > 0) {
    findings.push({
      status: migrations.pending === migrations.known ? 'warn' : 'fail',
      text: `${where} has ${migrations.pending} of this version's ${migrations.known} migrations not applied (${connected}).`,
      fix:
        migrations.pending === migrations.known
          ? 'A new database: start the app once (npm start) and it creates the tables. Then run the doctor again.'
          : 'Take a dump (pg_dump), then start this version (npm start): it applies them at start, one replica at a time.',
    });
  } else if (standby) {
    findings.push({
      status: 'fail',
      text: `${where} is a read-only standby: the app could not save anything there.`,
      fix: 'Point DATABASE_URL at the primary server.',
    });
  } else if (insert === false) {
    findings.push({
      status: 'fail',
      text: `The user in DATABASE_URL may not write the app's tables in ${where}.`,
      fix: 'Grant it INSERT, UPDATE and DELETE on the tables (or connect as their owner).',
    });
  } else {
    findings.push({
      status: 'pass',
      text: `${where}: reachable, writable, and every migration of this version applied (${connected}).`,
    });
  }
  // The later checks read through it (partner channels, holidays) only when the tables are there.
  if (migrations.pending === 0) ctx.database = opened;
  else await opened.close();
  return findings;
}
