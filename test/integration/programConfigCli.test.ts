import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { tablesOf } from '../../src/db/engine.js';
import { runConfigCli } from '../../src/program/cli.js';
import { runBuilt } from '../support/builtCli.js';

/**
 * `npm run config` (issue 53): the program as a file. The command runs in-process (runConfigCli, what the built entry
 * calls) against a real SQLite file migrated by the app's own openDatabase; the built command (dist/programConfig.js,
 * built once by test/globalSetup.ts) runs once.
 */

/** A policy file as teams keep it: written as the export writes it (sections in order, ids sorted, two spaces). */
const POLICY_FILE = {
  pools: {
    emea: { name: 'EMEA backup', users: ['U0AE1', 'U0AE2'], cap: 10 },
    'enterprise-backup': { users: ['U0AE3'] },
  },
  policies: {
    quiet: [{ at: 'due', action: 'notify', to: ['owner'] }],
    strategic: {
      name: 'Strategic accounts',
      levels: [
        { at: '50%', action: 'remind' },
        { at: 'due', action: 'notify', to: ['manager'] },
        { at: 'due+4h', action: 'reassign', to: ['pool:enterprise-backup'] },
      ],
    },
  },
  routes: [
    { partner: 'Meridian Cloud Consulting', policy: 'strategic' },
    { aePool: 'emea', policy: 'quiet' },
  ],
  limits: { reassignments: 2 },
};
const POLICY_TEXT = `${JSON.stringify(POLICY_FILE, null, 2)}\n`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let databasePath: string;
const env = () => ({ DATABASE_PATH: databasePath });

async function config(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runConfigCli(argv, {
    env: env(),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    clock: { now: () => new Date('2026-03-02T10:00:00Z') },
  });
  return { code, stdout, stderr };
}

/** The program's log as written: kind, key, actor and note of each entry, oldest first. */
function programLog() {
  const sqlite = new Database(databasePath, { readonly: true });
  try {
    return sqlite.prepare('select kind, key, actor, note from program_log order by id').all() as {
      kind: string;
      key: string;
      actor: string;
      note: string | null;
    }[];
  } finally {
    sqlite.close();
  }
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handoff-config-'));
  databasePath = join(dir, 'handoff.db');
  // Created and migrated as the app does at its start.
  openDatabase(databasePath).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('imports a policy file into an empty program: the diff first, nothing written without --apply, then written as config; exports it as the same file', async () => {
  expect(await config('export')).toEqual({ code: 0, stdout: '{}\n', stderr: '' });
  const path = file('policies.json', POLICY_TEXT);
  const dry = await config('import', path);
  expect(dry.code).toBe(0);
  expect(dry.stdout.split('\n')).toEqual([
    `${path} changes 6 parts of the program at ${databasePath}:`,
    '  pool emea: added (2 members, cap 10)',
    '  pool enterprise-backup: added (1 member)',
    '  policy quiet: added (1 level)',
    '  policy strategic: added (3 levels)',
    '  routes: +partner "Meridian Cloud Consulting" → strategic, +pool emea → quiet',
    '  limits: reassignments default → 2',
    'Nothing written: run again with --apply',
    '',
  ]);
  expect(programLog()).toEqual([]);

  const applied = await config('import', path, '--apply');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain('  policy strategic: added (3 levels)\n');
  expect(applied.stdout).toMatch(
    /Wrote 6 parts \(program version 6\), as config: imported from policies\.json\./,
  );
  expect(programLog()).toEqual(
    ['pool:emea', 'pool:enterprise-backup', 'policy:quiet', 'policy:strategic', 'routes:-', 'limits:-'].map(
      (part) => {
        const [kind, key] = part.split(':');
        return { kind, key, actor: 'config', note: 'imported from policies.json' };
      },
    ),
  );
  // A second import of the same file changes nothing, and writes nothing.
  expect((await config('import', path, '--apply')).stdout).toBe(
    `No change: the program at ${databasePath} already says what ${path} says.\n`,
  );
  expect(programLog()).toHaveLength(6);

  // Exported as the same file, to standard output or to --out.
  expect((await config('export')).stdout).toBe(POLICY_TEXT);
  const out = join(dir, 'program.json');
  const written = await config('export', '--out', out);
  expect(written).toEqual({
    code: 0,
    stdout: '',
    stderr: `Wrote the program at ${databasePath} to ${out}: 2 pools, 2 policies, routes, limits.\n`,
  });
  expect(readFileSync(out, 'utf8')).toBe(POLICY_TEXT);
});

it('npm run config refuses a file with a problem: names its place, exits 1, writes nothing', async () => {
  const before = programLog().length;
  // The strategic policy reassigns to a pool this file removes, and a person's region is not one.
  const path = file(
    'broken.json',
    JSON.stringify({
      pools: { emea: POLICY_FILE.pools.emea },
      people: { U0AE1: { regions: ['XX'] } },
    }),
  );
  for (const args of [[path], [path, '--apply']]) {
    const run = await config('import', ...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  pool enterprise-backup: removed\n');
    expect(run.stderr).toContain('  - people.U0AE1.regions.0: "XX" is not a holiday region');
    expect(run.stderr).toContain('  - policies.strategic.levels[2].to[0]: no pool named "enterprise-backup"');
    expect(run.stderr).toMatch(/Nothing written\.\n$/);
  }
  const unreadable = await config('import', file('bad.json', '{ "pools": '));
  expect(unreadable.code).toBe(1);
  expect(unreadable.stderr).toContain('it is not valid JSON');
  expect(programLog()).toHaveLength(before);
});

it('edits a section and leaves the ones the file does not have', async () => {
  const path = file(
    'days.json',
    JSON.stringify({ closures: ['2026-12-24'], people: { U0AE1: { workingDays: [1, 2, 3, 4] } } }),
  );
  const run = await config('import', path, '--apply');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('  closures: +2026-12-24\n  person U0AE1: added (working days Mon–Thu)\n');
  const exported = JSON.parse((await config('export')).stdout) as Record<string, unknown>;
  expect(Object.keys(exported)).toEqual(['pools', 'policies', 'routes', 'limits', 'closures', 'people']);
  expect(exported.pools).toEqual(POLICY_FILE.pools);
});

it('carries a person’s own week and hours there and back, and refuses an end before the start', async () => {
  const own = { workingDays: [7, 1, 2, 3, 4], hours: { end: '16:00', start: '08:00' } };
  const path = file('week.json', JSON.stringify({ people: { U0AE2: own } }));
  const run = await config('import', path, '--apply');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('  person U0AE2: added (working days Sun–Thu, hours 08:00–16:00)\n');
  const text = (await config('export')).stdout;
  const exported = JSON.parse(text) as { people: Record<string, unknown> };
  expect(exported.people.U0AE2).toEqual(own);
  // The hours in the file's order: the start first.
  expect(text).toContain('"hours": {\n        "start": "08:00",\n        "end": "16:00"\n      }');
  // What was exported imports as no change.
  const again = await config('import', file('exported.json', text), '--apply');
  expect(again.stdout).toMatch(/^No change: /);
  // An edit says what moved.
  const later = file(
    'later.json',
    JSON.stringify({
      ...exported,
      people: {
        ...exported.people,
        U0AE2: { workingDays: [1, 2, 3, 4, 5, 6], hours: { start: '07:30', end: '16:00' } },
      },
    }),
  );
  expect((await config('import', later)).stdout).toContain(
    '  person U0AE2: working days Sun–Thu → Mon–Sat, hours 08:00–16:00 → 07:30–16:00\n',
  );
  const before = programLog().length;
  const bad = file(
    'bad-hours.json',
    JSON.stringify({ people: { U0AE2: { hours: { start: '16:00', end: '08:00' } } } }),
  );
  const refused = await config('import', bad, '--apply');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('  - people.U0AE2.hours.end: the day must end after it starts');
  expect(programLog()).toHaveLength(before);
});

it('npm run config says how it is used (exit 2), and refuses a database that needs migrating (exit 1)', async () => {
  for (const args of [
    [],
    ['frobnicate'],
    ['import'],
    ['export', '--apply'],
    ['import', 'a.json', '--out', 'b'],
  ]) {
    const run = await config(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: npm run config -- export [--out FILE]');
  }
  const fresh = join(dir, 'fresh.db');
  new Database(fresh).close();
  let stderr = '';
  const code = await runConfigCli(['export'], {
    env: { DATABASE_PATH: fresh },
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
  });
  expect(code).toBe(1);
  expect(stderr).toMatch(
    /^The database at .*fresh\.db needs migrating .*start the app on it once \(npm start\)/,
  );
});

it('runs as the built command (dist/programConfig.js)', () => {
  const run = runBuilt('programConfig', ['export'], { cwd: dir, env: { DATABASE_PATH: databasePath } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ pools: POLICY_FILE.pools, closures: ['2026-12-24'] });
}, 60_000);

it('names the installation whose program it is when the database serves several, and never guesses', async () => {
  const shared = databasePath;
  databasePath = join(dir, 'two.db');
  const database = openDatabase(databasePath);
  try {
    const { installations } = tablesOf(database.db);
    const at = new Date('2026-03-02T10:00:00Z');
    for (const key of ['T0ACME', 'T0BETA'])
      await database.db.transaction((tx) =>
        tx
          .insert(installations)
          .values({ installKey: key, teamId: key, source: 'oauth', installedAt: at, updatedAt: at }),
      );
    database.close();
    const guess = await config('export');
    expect(guess.code).toBe(2);
    expect(guess.stderr).toContain(
      'This database serves 2 installations (T0ACME, T0BETA): name one with --installation.',
    );
    const policy = file('beta-policy.json', POLICY_TEXT);
    expect((await config('import', policy, '--apply', '--installation', 'T0BETA')).code).toBe(0);
    // Beta's program has it; Acme's is untouched.
    expect(JSON.parse((await config('export', '--installation', 'T0BETA')).stdout)).toMatchObject({
      pools: POLICY_FILE.pools,
    });
    expect(await config('export', '--installation', 'T0ACME')).toEqual({
      code: 0,
      stdout: '{}\n',
      stderr: '',
    });
    expect((await config('export', '--installation', 'T0GONE')).stderr).toContain(
      'No installation T0GONE in this database (it has T0ACME, T0BETA).',
    );
  } finally {
    if (database.sqlite.open) database.close();
    databasePath = shared;
  }
});
