import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { crmAddress } from '../crm/connectors.js';
import { type Ageing, type Keeping, PERSONAL_DATA } from '../db/personalData.js';
import { openPostgresReadOnly } from '../db/pg/readOnly.js';
import { openDatabaseReadOnly } from '../db/readOnly.js';
import { crmConnectionCounts } from '../db/repositories/installations.js';
import { CRM_SYSTEMS, CRMS } from '../domain/crmFacts.js';
import { uninstallLine } from '../retention/ageOut.js';

/**
 * `npm run doctor -- --privacy`: what this deployment stores about people, where, for how long,
 * which services receive it, and that no AI model does, printed from its live settings (and, when the database can be
 * read, the workspaces' own CRM connections). The fields a Slack Marketplace listing and a procurement questionnaire
 * ask for; docs/privacy.md explains each one.
 */

/** The CRMs the workspaces connected themselves (crm_connections), counted by system; undefined: not read. */
export type OwnCrms = Readonly<Record<string, number>> | undefined;

export interface PrivacyInput {
  config: Config;
  ownCrms: OwnCrms;
  /** Why the database could not be read, when it could not. */
  unread?: string;
}

/** Where the data is: the SQLite file (absolute), or the Postgres server and database, without credentials. */
export function storageOf(config: Config): string {
  if (!config.databaseUrl) {
    const path = resolve(config.databasePath);
    return `SQLite file ${path} (with ${path}-wal and ${path}-shm beside it), on this machine`;
  }
  try {
    const url = new URL(config.databaseUrl);
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(the user’s default database)';
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    return `Postgres database ${database} on ${host}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return 'Postgres (DATABASE_URL is not a URL the doctor can read)';
  }
}

const KEEPING: Record<Keeping, (config: Config) => string> = {
  kept: () => 'rows kept as long as the database is (their words as the retention below says)',
  outbox: (config) =>
    `deleted ${config.outbox.retentionDays} days after they were queued, once delivered or cancelled (OUTBOX_RETENTION_DAYS)`,
  exports: (config) =>
    config.retention.exportDays === undefined
      ? 'kept, and the files in Slack too, as long as Slack keeps them (RETAIN_EXPORTS_DAYS unset)'
      : `deleted, and the files from Slack, ${config.retention.exportDays} days after they were shared (RETAIN_EXPORTS_DAYS)`,
  current: () => 'the present state only: replaced or deleted when it changes',
  none: () => 'nothing about a person',
};

/** When retention removes a table's words, from the live settings. */
const AGEING: Record<Ageing, (config: Config) => string> = {
  packetText: (config) =>
    config.retention.packetTextDays === undefined
      ? 'kept too (RETAIN_PACKET_TEXT_DAYS unset)'
      : `removed ${config.retention.packetTextDays} days after the handoff closed (RETAIN_PACKET_TEXT_DAYS)`,
  touchDetail: (config) =>
    config.retention.touchDetailDays === undefined
      ? 'kept too (RETAIN_TOUCH_DETAIL_DAYS unset)'
      : `cut to its facts ${config.retention.touchDetailDays} days after the handoff closed (RETAIN_TOUCH_DETAIL_DAYS)`,
};

function storedLines(config: Config): string[] {
  const lines: string[] = [];
  for (const keeping of ['kept', 'outbox', 'exports', 'current'] as const) {
    const tables = Object.entries(PERSONAL_DATA).filter(
      ([, t]) => t.keeping === keeping && t.personal.length > 0,
    );
    lines.push(`  ${capitalised(KEEPING[keeping](config))}:`);
    for (const [name, t] of tables) {
      const ageing = t.ageing ? `; ${t.ageing.columns.join(', ')} ${AGEING[t.ageing.by](config)}` : '';
      lines.push(`    - ${name} (${t.what}): ${t.personal.join(', ')}${ageing}`);
    }
  }
  const none = Object.entries(PERSONAL_DATA).filter(([, t]) => t.personal.length === 0);
  lines.push(`  Nothing about a person: ${none.map(([name]) => name).join(', ')}.`);
  return lines;
}

function backupLines(config: Config): string[] {
  if (config.databaseUrl)
    return [
      '  Backups: the app makes none on Postgres; pg_dump or your provider’s backups keep it, on their schedule.',
    ];
  if (!config.backups)
    return ['  Backups: off (BACKUP_DIR unset); copies you make yourself keep it as long as you keep them.'];
  const b = config.backups;
  return [
    `  Backups: a copy of the whole database each day at ${b.at} (${b.timeZone}) in ${resolve(b.dir)}; the newest ${b.keep} are kept, older ones deleted (BACKUP_DIR, BACKUP_KEEP). Files 0600.`,
  ];
}

/** What a CRM receives (docs/crm.md, Write). */
const CRM_WRITES =
  'on the linked deal for each change of a handoff (its number, the partner, the classification, the AE, the status, the account, the evidence link; a message added with Add to handoff: who added it and up to 200 characters of it), and the optional fields; closed deals are read back.';

function subProcessorLines(config: Config, ownCrms: OwnCrms, unread: string | undefined): string[] {
  const slackHost = hostOf(config.slack.apiUrl) ?? config.slack.apiUrl;
  const lines = [
    `  - Slack (Slack Technologies): every message, App Home and modal, through ${slackHost}. Always.`,
  ];
  const own = (system: string) => ownCrms?.[system] ?? 0;
  const ownText = (system: string) =>
    own(system) > 0 ? `${own(system)} workspace(s) connected their own with /handoff crm` : '';
  const crmLines = CRM_SYSTEMS.flatMap((system) => {
    const address = crmAddress(system, config.crm);
    const ownLine = ownText(system);
    if (address === undefined && !ownLine) return [];
    const { label, privacy } = CRMS[system];
    const settingsLine =
      address === undefined ? '' : `The settings' ${privacy.holder}, through ${hostOf(address) ?? address}`;
    return [
      `  - ${label}: ${privacy.writes} ${CRM_WRITES} ${[settingsLine, ownLine].filter(Boolean).join('; ')}.`,
    ];
  });
  lines.push(...crmLines);
  if (crmLines.length === 0)
    lines.push(
      ownCrms === undefined
        ? '  - No CRM in the settings; whether a workspace connected its own is not known here.'
        : '  - No CRM: none in the settings, and no workspace connected its own.',
    );
  if (unread) lines.push(`    (The database could not be read: ${unread}.)`);
  lines.push('  None else: no analytics, no error reporting service, no other API.');
  return lines;
}

/** The statement, as printed. */
export function privacyStatement(input: PrivacyInput): string {
  const { config } = input;
  return [
    'Privacy statement of this deployment (from its settings; docs/privacy.md explains each part)',
    '',
    'Where the data is stored:',
    `  ${storageOf(config)}. Files the app creates are 0600, their folders 0700.`,
    '',
    'What is stored about people (table: the columns with a Slack id, a name or someone’s words), by how long:',
    ...storedLines(config),
    '',
    'Copies outside the database:',
    ...backupLines(config),
    '  CSV exports: sent to the RevOps person who asks, as a file in their DM (Slack keeps it under the workspace’s retention); `npm run export --out` writes a file 0600 where you say.',
    '  Slack: the messages the app posted (DMs, channels, partner channels) are kept by Slack under each workspace’s retention settings; a partner organisation keeps its own copy of Slack Connect messages.',
    '  Logs: the app logs to standard output; its lines may name Slack user, channel and handoff ids, and are kept by whatever collects them.',
    '',
    `${capitalised(uninstallLine(config.retention.uninstallDeleteAfterDays))}.`,
    '',
    'Sub-processors that receive data:',
    ...subProcessorLines(config, input.ownCrms, input.unread),
    '',
    'AI: no AI model, hosted or local, receives or processes any data. Scores and classifications are fixed rules.',
    '',
  ].join('\n');
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The workspaces' own CRM connections, counted by system, read from the database without writing or locking it (the
 * app may run); with why not, when it cannot be read (no database yet, or one the doctor cannot open).
 */
export async function readOwnCrms(config: Config): Promise<{ ownCrms: OwnCrms; unread?: string }> {
  try {
    const database = config.databaseUrl
      ? await openPostgresReadOnly(config.databaseUrl)
      : existsSync(config.databasePath)
        ? openDatabaseReadOnly(config.databasePath)
        : undefined;
    if (!database) return { ownCrms: {} };
    try {
      return { ownCrms: await crmConnectionCounts(database.db) };
    } finally {
      await database.close();
    }
  } catch (error) {
    return { ownCrms: undefined, unread: error instanceof Error ? error.message : String(error) };
  }
}
