import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Found } from '../db/repositories/erasure.js';
import { CRMS, type CrmSystem } from '../domain/crmFacts.js';
import type { Person } from '../domain/erasure.js';

const DAY_MS = 86_400_000;

interface Reach {
  crm: { handoffId: number; system: CrmSystem; recordId: string }[];
  posted: { messageKey: string; channelId: string; handoffId: number | null }[];
}

/**
 * What an erasure cannot reach, each with what to do there: the CRM's copies (by record), HubSpot's own erasure of a
 * contact, the partner organisation's copy of Slack Connect messages, the app's older posts whose text it no longer
 * keeps, the backups (and when each ages out), the logs.
 */
export function unreachable(
  config: Pick<Config, 'databasePath' | 'databaseUrl' | 'backups' | 'crm' | 'outbox'>,
  person: Person,
  reach: Reach,
  found: Found[],
): string[] {
  const lines: string[] = [];
  for (const { handoffId, system, recordId } of reach.crm)
    lines.push(
      `${CRMS[system].label} record ${recordId} (handoff #${handoffId}): the activities the app wrote there may name them; erase them in ${CRMS[system].label}.`,
    );
  const email = person.namedBy === 'email' ? person.words[0] : undefined;
  if (email && config.crm.hubspot)
    lines.push(
      `HubSpot: a contact with this email is erased for good by HubSpot's own call, which needs a super admin's consent: POST /crm/v3/objects/contacts/gdpr-delete {"idProperty":"email","objectId":"${email}"}.`,
    );
  const partnerChannels = [
    ...new Set(reach.posted.filter((p) => p.messageKey.includes('partner')).map((p) => p.channelId)),
  ];
  for (const channel of partnerChannels)
    lines.push(
      `The partner's copy of the Slack Connect channel ${channel}: the app edits its own messages, but the partner organisation keeps its copy under its retention; ask their admin.`,
    );
  const kept = new Set(
    (found.find((f) => f.table === 'outbox')?.rows ?? []).flatMap((r) =>
      r.handoffId === null ? [] : [r.handoffId],
    ),
  );
  const older = reach.posted.filter((p) => p.handoffId !== null && !kept.has(p.handoffId)).length;
  if (older > 0)
    lines.push(
      `${older} earlier message(s) of these handoffs whose text the app no longer keeps (OUTBOX_RETENTION_DAYS, ${config.outbox.retentionDays}): the views among them are brought up to date; any other may name them, and a Slack admin can delete it.`,
    );
  if (person.namedBy === 'slack_id')
    lines.push(
      'Their own App Home in Slack shows what it showed last until they open it again (the app then shows it afresh).',
    );
  lines.push(
    ...backupLines(
      config,
      found.map((f) => f.table),
    ),
  );
  lines.push(
    'Logs: lines the app wrote before may name their Slack id; they are kept by whatever collects them.',
  );
  return lines;
}

/**
 * The copies the database keeps beside its rows. On Postgres a rewritten or deleted row's old version stays in the
 * table's files until the table is rewritten (VACUUM only marks its space reusable), and in the WAL until its segments
 * are recycled (test/postgres/erasureFiles.test.ts).
 */
function backupLines(config: Pick<Config, 'databaseUrl' | 'backups'>, tables: readonly string[]): string[] {
  if (config.databaseUrl)
    return [
      'Backups: pg_dump or your provider’s backups keep the data until they age out on their schedule.',
      `Postgres keeps the old versions of the rewritten and deleted rows in the table files: VACUUM and autovacuum mark their space for reuse without wiping it. To remove them, rewrite the tables, as their owner: VACUUM FULL ${tables.join(', ')}; (it locks each table against the app's reads and writes while it runs; pg_repack rewrites them without that lock), then CHECKPOINT;.`,
      'Postgres’ WAL: the segments written before that hold the old rows until later checkpoints recycle them; a WAL archive, a replica and point-in-time backups keep them until they age out.',
    ];
  const backups = config.backups;
  if (!backups) return ['Backups: the app makes none (BACKUP_DIR unset); copies made by hand keep the data.'];
  let files: { name: string; at: number }[] = [];
  try {
    files = readdirSync(backups.dir)
      .filter((name) => /^handoff-\d{8}-\d{4}\.db$/.test(name))
      .map((name) => ({ name, at: statSync(join(backups.dir, name)).mtimeMs }))
      .sort((a, b) => a.at - b.at);
  } catch {
    return [
      `Backups in ${resolve(backups.dir)}: the folder could not be read; each keeps the data until it ages out.`,
    ];
  }
  if (files.length === 0) return [`Backups in ${resolve(backups.dir)}: none yet.`];
  // The newest BACKUP_KEEP are kept, one a day: each goes once that many newer ones are taken.
  return files.map((file, i) => {
    const newer = files.length - 1 - i;
    const goes = new Date(file.at + (backups.keep - newer) * DAY_MS).toISOString().slice(0, 10);
    return `Backup ${join(resolve(backups.dir), file.name)} keeps the data until it ages out, about ${goes} (BACKUP_KEEP ${backups.keep}).`;
  });
}
