import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { oneInstallation } from '../cliInstallation.js';
import { type Clock, systemClock } from '../clock.js';
import { envSchema } from '../configEnv.js';
import type { Db } from '../db/types.js';
import { createLogger } from '../logger.js';
import { type ConfigDatabase, ConfigDatabaseRefusal, openConfigDatabase } from './configDatabase.js';
import { createProgram, type Program } from './program.js';
import { changeLines } from './programDiff.js';
import {
  importChanges,
  importProblems,
  type ProgramFile,
  parseProgramFile,
  programFileOf,
  programFileText,
} from './programFile.js';
import { dayHoursOf as settingsDayHours } from './settings.js';

/**
 * `npm run config -- export [--out FILE]` and `npm run config -- import FILE [--apply]`: the program as a file, for
 * teams who keep it in git. Slack is where the program is edited; the file is its copy, read back with the
 * same checks as an edit in Slack. Exit codes: 0 done, 1 a problem (the file's, or the database's), 2 a wrong command
 * line. The command's work is here, with its output given as functions, so the tests run it in-process; the built
 * entry (src/programConfig.ts) only hands it the process's.
 */

export const CONFIG_USAGE =
  'Usage: npm run config -- export [--out FILE] [--installation ID]\n' +
  '       npm run config -- import FILE [--apply] [--installation ID]\n' +
  '  export   write the program (pools, policies, routes, limits, managers, closures, holidays, roles, people, partners)\n' +
  '           as JSON to FILE, or to standard output\n' +
  '  import   read FILE (a program file, or an escalation policy file) and show what it would change;\n' +
  "           a part the file has replaces the program's, a part it does not have is left as it is\n" +
  '  --apply  write those changes (as "config"); without it nothing is written\n' +
  "  --installation  the workspace's T… or the org's E… whose program it is, when the database serves several\n" +
  'The database is DATABASE_PATH (default ./data/handoff.db), or Postgres at DATABASE_URL; the app may be running.\n';

export interface ConfigCliIo {
  /** The settings (process.env, with .env loaded, for the command). */
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  clock?: Clock;
}

type Command =
  | { name: 'help' }
  | { name: 'export'; out?: string; installation?: string }
  | { name: 'import'; file: string; apply: boolean; installation?: string };

/** The command line, or why it is wrong. */
function parseCommand(argv: readonly string[]): Command | { wrong: string } {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' },
        apply: { type: 'boolean' },
        installation: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  try {
    parsed = parse();
  } catch (error) {
    return { wrong: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  const [name, ...rest] = positionals;
  const installation = values.installation ? { installation: values.installation } : {};
  if (name === 'export') {
    if (rest.length > 0 || values.apply) return { wrong: 'export takes only --out FILE and --installation.' };
    return { name, ...(values.out ? { out: values.out } : {}), ...installation };
  }
  if (name === 'import') {
    const [file, ...extra] = rest;
    if (!file || extra.length > 0 || values.out !== undefined)
      return { wrong: 'import takes one file to read, --apply and --installation.' };
    return { name, file, apply: values.apply ?? false, ...installation };
  }
  return { wrong: name ? `There is no command "${name}": export or import.` : 'Say export or import.' };
}

/** The length of a business day ("2d" in a policy), from the environment's hours. */
function envHours(env: NodeJS.ProcessEnv): number | string {
  const start = envSchema.shape.BUSINESS_DAY_START.safeParse(env.BUSINESS_DAY_START || undefined);
  const end = envSchema.shape.BUSINESS_DAY_END.safeParse(env.BUSINESS_DAY_END || undefined);
  if (!start.success) return `BUSINESS_DAY_START ${start.error.issues[0]?.message ?? 'is not a time'}`;
  if (!end.success) return `BUSINESS_DAY_END ${end.error.issues[0]?.message ?? 'is not a time'}`;
  const hours = settingsDayHours({ businessDayStart: start.data, businessDayEnd: end.data });
  return hours > 0 ? hours : 'BUSINESS_DAY_END must be later than BUSINESS_DAY_START';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a file holds, in a few words: "2 pools, 1 policy, routes, closures, 3 people". */
function fileSummary(file: ProgramFile): string {
  const count = (v: unknown) => Object.keys(v ?? {}).length;
  const parts = [
    ...(file.pools ? [plural(count(file.pools), 'pool')] : []),
    ...(file.policies ? [plural(count(file.policies), 'policy', 'policies')] : []),
    ...(['routes', 'limits', 'managers', 'closures', 'holidays', 'roles'] as const).filter((s) => s in file),
    ...(file.people ? [plural(count(file.people), 'person', 'people')] : []),
  ];
  return parts.join(', ') || 'nothing set yet';
}

interface Run {
  io: ConfigCliIo;
  program: Program;
  database: ConfigDatabase;
  dayHours: number;
}

async function runExport(run: Run, out: string | undefined): Promise<number> {
  const file = programFileOf(run.program.state().rows);
  const text = programFileText(file);
  if (!out) {
    run.io.stdout(text);
    return 0;
  }
  writeFileSync(out, text);
  run.io.stderr(`Wrote the program at ${run.database.where} to ${out}: ${fileSummary(file)}.\n`);
  return 0;
}

const problemList = (problems: readonly string[]) => problems.map((p) => `  - ${p}\n`).join('');

async function runImport(run: Run, path: string, file: ProgramFile, apply: boolean): Promise<number> {
  const { io, program } = run;
  const name = basename(path);
  const state = program.state();
  const changes = importChanges(state.rows, file, { actor: 'config', note: `imported from ${name}` });
  if (changes.length === 0) {
    io.stdout(`No change: the program at ${run.database.where} already says what ${path} says.\n`);
    return 0;
  }
  const lines = changeLines(changes)
    .map((l) => `  ${l}\n`)
    .join('');
  io.stdout(
    `${path} changes ${plural(changes.length, 'part')} of the program at ${run.database.where}:\n${lines}`,
  );
  const problems = importProblems(state, changes, run.dayHours);
  if (problems.length > 0) {
    io.stderr(
      `${path} has ${plural(problems.length, 'problem')}:\n${problemList(problems)}Nothing written.\n`,
    );
    return 1;
  }
  if (!apply) {
    io.stdout('Nothing written: run again with --apply\n');
    return 0;
  }
  const result = await program.editMany(changes.map((c) => c.edit));
  if (!result.ok) {
    io.stderr(
      `${path} has ${plural(result.problems.length, 'problem')}:\n${problemList(result.problems)}Nothing written.\n`,
    );
    return 1;
  }
  io.stdout(
    `Wrote ${plural(changes.length, 'part')} (program version ${result.version}), as config: imported from ${name}. The app reads it within seconds; open handoffs keep the policy version they were sent under.\n`,
  );
  return 0;
}

/** Reads the file to import: its parts, or a line saying why not. */
function readProgramFile(path: string): { file: ProgramFile } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `There is no file ${path}.` : `Could not read ${path} (${code}).` };
  }
  const parsed = parseProgramFile(text);
  if (parsed.ok) return { file: parsed.file };
  return {
    problem: `${path} has ${plural(parsed.problems.length, 'problem')}:\n${problemList(parsed.problems).trimEnd()}\nNothing written.`,
  };
}

class WrongInstallation extends Error {}

/** Runs `npm run config` with these arguments; returns its exit code. */
export async function runConfigCli(argv: readonly string[], io: ConfigCliIo): Promise<number> {
  const command = parseCommand(argv);
  if ('wrong' in command) {
    io.stderr(`${command.wrong}\n${CONFIG_USAGE}`);
    return 2;
  }
  if (command.name === 'help') {
    io.stdout(CONFIG_USAGE);
    return 0;
  }
  const dayHours = envHours(io.env);
  if (typeof dayHours === 'string') {
    io.stderr(`${dayHours}.\n`);
    return 1;
  }
  const read = command.name === 'import' ? readProgramFile(command.file) : undefined;
  if (read && 'problem' in read) {
    io.stderr(`${read.problem}\n`);
    return 1;
  }
  let database: ConfigDatabase;
  try {
    database = await openConfigDatabase(io.env, { write: command.name === 'import' && command.apply });
  } catch (error) {
    if (!(error instanceof ConfigDatabaseRefusal)) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
  try {
    // Several companies' programs in one database: the one named, never a guess (cliInstallation.ts).
    let db: Db;
    try {
      db = await oneInstallation(database.db, command.installation, (message) => {
        throw new WrongInstallation(message);
      });
    } catch (error) {
      if (!(error instanceof WrongInstallation)) throw error;
      io.stderr(`${error.message}\n${CONFIG_USAGE}`);
      return 2;
    }
    const clock = io.clock ?? systemClock;
    const program = createProgram({ db, clock, logger: createLogger('silent'), dayHours });
    await program.refresh();
    const run = { io, program, database, dayHours };
    if (command.name === 'export') return await runExport(run, command.out);
    return await runImport(run, command.file, (read as { file: ProgramFile }).file, command.apply);
  } finally {
    await database.close();
  }
}
