#!/usr/bin/env node
/**
 * `npm run test:profile`: where the test suite's time goes (issue 78). Runs each kind of test on its own, one after
 * another, so that each kind's CPU time is its own: vitest's projects of `npm test` (unit, integration, browser) and,
 * with `--pg`, `npm run test:pg`. For each kind it prints the wall time, the CPU time of vitest and everything it
 * started (user + system, as bash's `times` reports the children it waited for: workers, built apps, Chromium,
 * Postgres), and the slowest files. Then `npm test` as CI runs it, for the wall time that counts.
 *
 *   npm run test:profile               # the three projects, then `npm test`
 *   npm run test:profile -- --pg       # and the Postgres tests
 *   npm run test:profile -- --top 25   # more of the slowest files
 *   npm run test:profile -- --only unit
 *
 * The numbers to compare before and after a change are in test/README.md ("Where the time goes").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const top = Number(value('--top', '10'));
const only = value('--only', undefined);

/** The kinds, each one vitest run: its arguments after `vitest run`. */
const KINDS = [
  { name: 'unit', args: ['--project', 'unit'] },
  { name: 'integration', args: ['--project', 'integration'] },
  { name: 'browser', args: ['--project', 'browser'] },
  ...(flag('--pg') ? [{ name: 'postgres', args: ['-c', 'vitest.pg.config.ts'] }] : []),
  { name: 'npm test (all three, as CI runs it)', args: [] },
].filter((kind) => !only || kind.name === only);

const folder = mkdtempSync(join(tmpdir(), 'test-profile-'));
const rows = [];
try {
  for (const kind of KINDS) {
    const report = join(folder, `${rows.length}.json`);
    const vitest = ['npx', 'vitest', 'run', ...kind.args, '--reporter=dot', '--reporter=json'];
    // bash's `times` prints its own and its children's user and system times: the second line is the children's.
    const script = `${vitest.join(' ')} --outputFile.json=${report} >&2; code=$?; times; exit $code`;
    process.stderr.write(`\n== ${kind.name}: ${vitest.join(' ')}\n`);
    const started = Date.now();
    const ran = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    const wallS = (Date.now() - started) / 1000;
    const cpuS = childrenCpu(ran.stdout);
    const files = filesOf(report);
    rows.push({ kind: kind.name, wallS, cpuS, code: ran.status, files });
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

console.log('\n| kind | files | tests | wall (s) | CPU (s) | exit |');
console.log('| ---- | ----: | ----: | -------: | ------: | ---: |');
for (const row of rows) {
  const tests = row.files.reduce((n, f) => n + f.tests, 0);
  console.log(
    `| ${row.kind} | ${row.files.length} | ${tests} | ${row.wallS.toFixed(0)} | ${row.cpuS.toFixed(0)} | ${row.code} |`,
  );
}
for (const row of rows) {
  console.log(`\nThe ${top} slowest files of ${row.kind} (seconds in their worker):`);
  for (const file of [...row.files].sort((a, b) => b.seconds - a.seconds).slice(0, top))
    console.log(`  ${file.seconds.toFixed(1).padStart(6)}  ${file.name}`);
}
process.exitCode = rows.some((row) => row.code !== 0) ? 1 : 0;

/** User + system seconds of the children, from bash's `times` output ("0m1.5s 0m0.2s" on its second line). */
function childrenCpu(out) {
  const lines = out.trim().split('\n');
  const children = lines.at(-1) ?? '';
  let seconds = 0;
  for (const [, m, s] of children.matchAll(/(\d+)m([\d.]+)s/g)) seconds += Number(m) * 60 + Number(s);
  return seconds;
}

/** Each test file of a vitest JSON report: its path, its tests, and how long it ran. */
function filesOf(report) {
  let json;
  try {
    json = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return [];
  }
  return json.testResults.map((result) => ({
    name: relative(process.cwd(), result.name),
    tests: result.assertionResults.length,
    seconds: (result.endTime - result.startTime) / 1000,
  }));
}
