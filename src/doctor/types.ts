import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Directory } from '../core/directory.js';
import type { AnyDb, Db } from '../db/client.js';
import { FIRST_INSTALLATION } from '../db/columns.js';
import { ownedBy } from '../db/owned.js';
import { firstInstallation } from '../db/repositories/installations.js';
import type { PolicyBook } from '../domain/policyFile.js';
import type { Logger } from '../logger.js';
import type { ProgramKindName } from '../program/kinds.js';
import type { ProgramState } from '../program/state.js';

/** A finding's verdict. Only `fail` makes the doctor exit with code 1. */
export type Status = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of a check: what was found and, for a failure or a warning, what to do about it. */
export interface Finding {
  status: Status;
  text: string;
  fix?: string;
}

/** What a check needs before it can run: valid settings, a token Slack accepts, a database it can read. */
export type Need = 'settings' | 'slack' | 'database';

/** One check of the doctor's table (checks.ts). */
export interface Check {
  title: string;
  needs: readonly Need[];
  run(ctx: DoctorContext): Promise<Finding[]> | Finding[];
}

export interface CheckResult {
  title: string;
  findings: Finding[];
}

/** The workspace the token belongs to, as auth.test says. */
export interface SlackIdentity {
  teamId: string;
  teamName: string;
  botUserId: string;
  /** The bot's user name, for `/invite @name`. */
  botName: string;
  /** The installing workspace, its Enterprise Grid org and INTERNAL_TEAM_IDS: whose members and channels are ours. */
  internalTeamIds: readonly string[];
}

/** A channel or a person found in Slack, with the places in the settings that name it (printed for admins to copy). */
export interface Found {
  id: string;
  name: string;
  /** A person's Slack time zone. */
  timeZone?: string;
  places: string[];
}

/** The program as the program check read it, once (read-only): its state, and whether it holds a part. */
export interface ProgramRead {
  readonly state: ProgramState;
  /** Whether the program holds this part (even removed: its default applies, the setting is not read in again). */
  holds(kind: ProgramKindName, key?: string): boolean;
}

/**
 * What the checks learn and hand on, in the table's order: the settings check sets `config`, the token check `slack`,
 * the database check `database`, the policy file check `book`, the program check `program` (and `book`, from the
 * program); the Slack checks add what they found.
 */
export interface DoctorContext {
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly logger: Logger;
  config?: Config;
  slack?: { directory: Directory; identity: SlackIdentity };
  /** The database opened to read (SQLite's file read-only, or Postgres's read-only connections). */
  database?: { db: AnyDb; close(): void | Promise<void> };
  book?: PolicyBook;
  /** Unset: the program holds nothing yet (a fresh install): the settings are what the next start reads in. */
  program?: ProgramRead;
  readonly found: { channels: Map<string, Found>; people: Map<string, Found> };
}

/** Records a channel or person found, adding the place to those already known. */
export function noteFound(into: Map<string, Found>, thing: Omit<Found, 'places'>, place: string): void {
  const known = into.get(thing.id);
  if (known) {
    if (!known.places.includes(place)) known.places.push(place);
  } else into.set(thing.id, { ...thing, places: [place] });
}

/** How to find ids in Slack, for the fixes. */
export const HOW_TO_FIND = {
  channel:
    'In Slack, open the channel, click its name, and copy the Channel ID at the bottom of the About tab (C…, or G… for an old private channel).',
  person: "In Slack, open the person's profile, click ⋮ (More) and Copy member ID (U… or W…).",
} as const;

/**
 * The installation whose program, partner channels and people the doctor reads: the database's first (a token
 * deployment's only one). Undefined without a database.
 */
export async function installationDb(ctx: DoctorContext): Promise<Db | undefined> {
  const db = ctx.database?.db;
  if (!db) return undefined;
  return ownedBy(db, (await firstInstallation(db))?.id ?? FIRST_INSTALLATION);
}
