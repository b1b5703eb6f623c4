import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * scripts/build-if-needed.mjs, `npm start`'s prestart and the first step of the operators' commands, in a scratch
 * project: its own package.json with the repository's start, prestart, backup, doctor, export and manifest lines,
 * source files, and a stand-in for tsc (node_modules/.bin/tsc) that writes dist/ (each entry prints its name and its
 * arguments), prints a line as tsc's errors would, and notes that it ran. Never the repository's own dist/.
 */
const root = join(import.meta.dirname, '..', '..');
const repoScripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/**
 * The commands of package.json an operator runs in the container image, where only production dependencies are, and
 * the built file each runs (dist/<entry>.js).
 */
const COMMANDS = {
  backup: 'backup',
  doctor: 'doctor',
  export: 'export',
  manifest: 'manifest',
  'migrate-to-postgres': 'migrateToPostgres',
} as const;
const ENTRIES = ['main', ...Object.values(COMMANDS)];
const entrySource = (name: string) => `console.log('${name} ran', ...process.argv.slice(2))`;

/** The environment without the repository's node_modules/.bin (npx and vitest put it on PATH): only the fixture's. */
const env = {
  ...process.env,
  PATH: (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.includes('node_modules'))
    .join(delimiter),
};

describe('npm start builds only when it must and can (scripts/build-if-needed.mjs)', () => {
  let dir: string;
  const main = () => join(dir, 'dist', 'main.js');
  const tscRuns = () =>
    existsSync(join(dir, 'tsc-runs')) ? readFileSync(join(dir, 'tsc-runs'), 'utf8') : '';
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-build-if-needed-'));
    const scripts = {
      build: 'tsc -p tsconfig.build.json',
      prestart: repoScripts.prestart,
      start: repoScripts.start,
      ...Object.fromEntries(Object.keys(COMMANDS).map((name) => [name, repoScripts[name]])),
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, scripts }));
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    writeFileSync(join(dir, 'tsconfig.build.json'), '{}');
    mkdirSync(join(dir, 'src', 'db'), { recursive: true });
    writeFileSync(join(dir, 'src', 'main.ts'), '');
    writeFileSync(join(dir, 'src', 'db', 'client.ts'), '');
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'src/main.ts', 'src/db/client.ts'])
      utimesSync(join(dir, file), ago(60), ago(60));
    mkdirSync(join(dir, 'scripts'));
    for (const file of ['build-if-needed.mjs', 'node-version.mjs'])
      copyFileSync(join(root, 'scripts', file), join(dir, 'scripts', file));
    installTsc();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function installTsc() {
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    const tsc = join(dir, 'node_modules', '.bin', 'tsc');
    const writes = ENTRIES.map((name) => `echo "${entrySource(name)}" > dist/${name}.js`).join(' && ');
    writeFileSync(
      tsc,
      `#!/bin/sh\nmkdir -p dist && ${writes} && echo "$*" >> tsc-runs && echo tsc says hello\n`,
    );
    chmodSync(tsc, 0o755);
  }
  const uninstallTsc = () => rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  function built(secondsAgo: number) {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    for (const name of ENTRIES) {
      const file = join(dir, 'dist', `${name}.js`);
      writeFileSync(file, `${entrySource(name)}\n`);
      utimesSync(file, ago(secondsAgo), ago(secondsAgo));
    }
  }
  const script = () =>
    spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      env,
    });
  const npmStart = (): SpawnSyncReturns<string> =>
    spawnSync('npm', ['start', '--silent'], { cwd: dir, encoding: 'utf8', env });
  const npmRun = (name: string, ...args: string[]): SpawnSyncReturns<string> =>
    spawnSync('npm', ['run', '--silent', name, '--', ...args], { cwd: dir, encoding: 'utf8', env });

  it('does nothing when dist/main.js is newer than every source file', () => {
    built(10);
    const ran = script();
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(tscRuns()).toBe('');
  });

  it('builds (npm run build) when dist/main.js is missing and TypeScript is installed', () => {
    const ran = script();
    expect(ran.stderr).toContain('dist/main.js is missing: building it (npm run build).');
    expect(ran.status).toBe(0);
    expect(tscRuns()).toBe('-p tsconfig.build.json\n');
    expect(existsSync(main())).toBe(true);
  });

  it('builds when a source file is newer than dist/main.js', () => {
    built(120);
    utimesSync(join(dir, 'src', 'db', 'client.ts'), ago(30), ago(30));
    const ran = script();
    expect(ran.stderr).toContain(`dist/main.js is older than ${join('src', 'db', 'client.ts')}`);
    expect(ran.status).toBe(0);
    expect(tscRuns()).toBe('-p tsconfig.build.json\n');
  });

  it('fails with what to do when dist/main.js is missing and TypeScript is not installed', () => {
    uninstallTsc();
    const ran = script();
    expect(ran.status).toBe(1);
    expect(ran.stderr).toContain('dist/main.js is missing, and TypeScript is not installed here');
    expect(ran.stderr).toContain(
      'Run `npm ci && npm run build` (then this command again), or use the container image',
    );
  });

  it('warns and starts the built app as it is when dist/ is older but TypeScript is not installed', () => {
    built(120);
    uninstallTsc();
    const ran = script();
    expect(ran.status).toBe(0);
    expect(ran.stderr).toContain('TypeScript is not installed here: running what is built as it is');
  });

  it('checks the built file it is given, and builds when that one is missing', () => {
    built(10);
    rmSync(join(dir, 'dist', 'backup.js'));
    const ran = spawnSync(process.execPath, ['scripts/build-if-needed.mjs', 'dist/backup.js'], {
      cwd: dir,
      encoding: 'utf8',
      env,
    });
    expect(ran.stderr).toContain('dist/backup.js is missing: building it (npm run build).');
    expect(ran.status).toBe(0);
    expect(tscRuns()).toBe('-p tsconfig.build.json\n');
  });

  it('npm start on a fresh clone builds, then starts the app', () => {
    const ran = npmStart();
    expect(ran.stdout).toContain('main ran');
    expect(ran.status).toBe(0);
    expect(tscRuns()).toBe('-p tsconfig.build.json\n');
  });

  it('npm start runs the built app without the development dependencies', () => {
    built(10);
    uninstallTsc();
    const ran = npmStart();
    expect(ran.stdout).toContain('main ran');
    expect(ran.status).toBe(0);
  });

  it('npm start without dist/ and without TypeScript stops before starting, saying what to do', () => {
    uninstallTsc();
    const ran = npmStart();
    expect(ran.status).not.toBe(0);
    expect(ran.stdout).not.toContain('main ran');
    expect(ran.stderr).toContain('or use the container image (docs/deploy.md)');
  });

  describe.each(Object.entries(COMMANDS))('npm run %s', (name, entry) => {
    it('runs the built command without the development dependencies, with its arguments', () => {
      built(10);
      uninstallTsc();
      const ran = npmRun(name, '--out', 'file.out');
      expect(ran.stderr).toBe('');
      expect(ran.stdout).toBe(`${entry} ran --out file.out\n`);
      expect(ran.status).toBe(0);
    });

    it('builds first on a fresh clone, and the build prints nothing on its stdout', () => {
      const ran = npmRun(name);
      expect(ran.stdout).toBe(`${entry} ran\n`);
      expect(ran.stderr).toContain(`dist/${entry}.js is missing: building it (npm run build).`);
      expect(ran.stderr).toContain('tsc says hello');
      expect(ran.status).toBe(0);
      expect(tscRuns()).toBe('-p tsconfig.build.json\n');
    });

    it('does not build again when what is built is current', () => {
      built(10);
      const ran = npmRun(name);
      expect(ran.stdout).toBe(`${entry} ran\n`);
      expect(tscRuns()).toBe('');
    });

    it('without dist/ and without TypeScript stops before running, saying what to do', () => {
      uninstallTsc();
      const ran = npmRun(name);
      expect(ran.status).not.toBe(0);
      expect(ran.stdout).toBe('');
      expect(ran.stderr).toContain(`dist/${entry}.js is missing, and TypeScript is not installed here`);
    });
  });
});
