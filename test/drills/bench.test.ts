/**
 * `npm run bench` at toy sizes, so the script keeps working as the app changes: every section runs end to end
 * (generator, fake Slack and bare Bolt processes, load runs, the end-to-end driver with its delivery audit, the
 * scale probe, cold starts, the Accept on a throwaway Postgres with one and two replicas, a 429 storm on both engines,
 * one app serving 1 and 10 installations) and the report has every
 * measure. No figure is judged here: speed is the benchmark's business, not a test's (the run itself fails when an
 * Accept is lost or decided twice, or a Slack post goes out twice).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StormFigures } from '../../bench/lib/stormSection.js';
import type { TenantsFigures } from '../../bench/lib/tenantsSection.js';
import { handoffsOf } from '../../bench/lib/tenantsSeed.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  rows: { section: string; measure: string; value: string; target: string; ok?: boolean }[];
  details: {
    e2e?: { driven: { requests: number; accepted: number; declined: number } };
    ack?: { decideAlone: { decisions: number; cpuMs: number; rowsAdded: Record<string, number> } };
    postgres?: { settings: Record<string, string>; raced: { pairs: number } };
    storm?: StormFigures;
    tenants?: TenantsFigures;
  };
}

describe('npm run bench', () => {
  it('runs every section at toy sizes and reports every measure with its target', () => {
    const out = join(dir, 'results.md');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        '--handoffs=30',
        '--rows=3000',
        '--duration=1',
        // Its drains need not wait on Slack's pacing of a post a second per conversation: no figure is judged here.
        '--pace-ms=20',
        '--tenants=10',
        `--out=${out}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 600_000, env: { ...process.env, NODE_ENV: 'test' } },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const report = JSON.parse(readFileSync(out.replace(/\.md$/, '.json'), 'utf8')) as Report;
    const measures = report.rows.map((r) => `${r.section}: ${r.measure}`);
    for (const expected of [
      'ack: Accept request path / bare Bolt writing one SQLite row: throughput',
      'ack: Accept while the outbox delivers in the same process: p50 / p99 at a steady 200 req/s',
      'ack: Accept end to end (delivery running): requests/s at full speed (10 connections)',
      'e2e: wall time to the last Slack call',
      'e2e: app peak RSS',
      'scale: database size on disk',
      'scale: peak RSS (sweeps, App Homes, metrics)',
      'cold: process start to /healthz 200 (3 starts)',
      'postgres: CPU time per Accept, request path (deliveries held back), full speed: app on SQLite',
      'postgres: Accept p50 / p99 at a steady 100 req/s, the outbox delivering: app on Postgres',
      'postgres: Accept p50 / p99 at a steady 100 req/s, the outbox delivering: two replicas on one Postgres, round-robin',
      "storm: 429 storm on postgres: the backlog's drain once Slack answers again (no target; Slack paces each conversation at one post a second)",
    ]) {
      expect(measures).toContain(expected);
    }
    // What the Accept's request path cannot go below: the decision alone, and the CPU time per request of both.
    expect(measures.filter((m) => m.startsWith('ack: The Accept’s decision alone'))).toHaveLength(1);
    expect(measures.filter((m) => m.startsWith('ack: CPU time per request at full speed'))).toHaveLength(1);
    const decideAlone = report.details.ack?.decideAlone;
    expect(decideAlone?.decisions).toBe(1000);
    expect(decideAlone?.cpuMs).toBeGreaterThan(0);
    // An Accept writes at least its decision and its touch-log event.
    expect(decideAlone?.rowsAdded).toMatchObject({ decisions: 1, handoff_events: 1 });
    // Per period: the RevOps App Home as served, and the computation behind it; then the digest's trend and at-risk.
    expect(measures.filter((m) => m.startsWith('scale: App Home: RevOps,'))).toHaveLength(4);
    expect(measures.filter((m) => m.startsWith('scale: metrics computation,'))).toHaveLength(5);
    expect(measures).toContain('scale: metrics: handoffs at risk');
    // Postgres: the app process's CPU and the server's apart, for one replica and for two.
    expect(
      measures.filter((m) => m.startsWith('postgres: CPU time per Accept, request path, full speed:')),
    ).toHaveLength(2);
    // The bench's server keeps Postgres' durable defaults, unlike the tests' (the figures beside SQLite's commits).
    expect(report.details.postgres?.settings).toMatchObject({ fsync: 'on', synchronous_commit: 'on' });
    expect(report.details.postgres?.raced.pairs).toBeGreaterThan(0);
    // The storm: each engine's two runs (quiet, and a CPU burner beside the app), every click answered one way or
    // the other, and the backlog drained once Slack answered again.
    const storm = report.details.storm;
    for (const engine of ['sqlite', 'postgres'] as const) {
      const e = storm?.engines[engine];
      for (const run of [e?.quiet, e?.burner]) expect(run?.result.requests).toBe(storm?.clicks);
      expect(e?.drained).toBe(true);
    }
    // Many installations on one app: 1 and 10 served, every request answered, a minute's sweep in every one.
    const tenants = report.details.tenants?.runs ?? [];
    expect(tenants.map((r) => r.installations)).toEqual([1, 10]);
    for (const run of tenants) {
      // Each installation's handoffs, spread unevenly, written before the start; a third of them open.
      const written = Array.from({ length: run.installations }, (_, k) =>
        handoffsOf(k + 1, run.installations),
      );
      expect(run.seeded.handoffs).toBe(written.reduce((a, b) => a + b, 0));
      expect(run.seeded.open).toBeGreaterThan(run.seeded.handoffs / 4);
      expect(run.load?.requests).toBeGreaterThan(0);
      expect(run.load?.answered).toBe(run.load?.requests);
      // A share of them an AE's Accept of an open handoff: each one recorded, none refused.
      expect(run.load?.decisions.sent).toBeGreaterThan(0);
      expect(run.load?.decisions.recorded).toBe(run.load?.decisions.sent);
      expect(run.load?.decisions.refused).toBe(0);
      // The idle app's statements, counted by the server.
      expect(run.idle?.perInstallationMinute?.statements).toBeGreaterThan(0);
      expect(run.sweep?.swept).toBe(run.installations);
    }
    // With 10: the others answered while installation 1's Slack refused with 429 and 2's with 503, both tried.
    const isolation = tenants.find((r) => r.installations === 10)?.isolation;
    expect(isolation?.answered).toBe(isolation?.requests);
    expect(isolation?.limited.refused).toBeGreaterThan(0);
    expect(isolation?.down.refused).toBeGreaterThan(0);
    expect(tenants.find((r) => r.installations === 1)?.isolation).toBeUndefined();
    // Every target is judged one way or the other, and every figure is a number.
    for (const row of report.rows.filter((r) => r.target)) expect(typeof row.ok).toBe('boolean');
    for (const row of report.rows) expect(row.value).toMatch(/\d/);
    // The end-to-end driver really sent and decided them (its delivery audit would have failed the run otherwise).
    const driven = report.details.e2e?.driven;
    expect(driven?.accepted).toBeGreaterThan(0);
    expect(driven?.declined).toBeGreaterThan(0);
    expect(driven?.requests).toBe(30 * 3);
    const table = readFileSync(out, 'utf8');
    expect(table).toContain('| section | measure | result | target |');
  }, 660_000);
});
