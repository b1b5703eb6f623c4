/**
 * `npm run bench:packet-walk`: issue 52's "packet in three minutes", measured by a walk, not timed.
 *
 * A scripted author plays each path in the sandbox page in Chromium, each path in a fresh sandbox, and every gesture
 * goes through counted helpers (bench/lib/walkAuthor.ts):
 * - today's path: `/handoff` in #partner-marketing, every field typed (the Northwind example);
 * - the shortcut: ⋯ on Dana's message in #ext-meridian → Hand off this deal → what is left typed; once without
 *   history, and once after an earlier packet of Pat's for Meridian, so "Use all" fills the rest.
 * It prints the table and writes it to bench/results-packet-walk.md (or `--out FILE`). It asserts nothing: a
 * target missed is a figure in the table, with the steps that cost it.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sendEarlierMeridianPacket, walkByHand, walkFromMessage } from './lib/packetWalks.js';
import { type WalkColumn, walkReport } from './lib/walkReport.js';
import { startWalkWorld } from './lib/walkSandbox.js';

const DEFAULT_OUT = join(import.meta.dirname, 'results-packet-walk.md');

/** One path: what it is called, whether issue 52's targets judge it, and how to walk it on a fresh page. */
interface Path {
  label: string;
  judged: boolean;
  walk(page: Page): Promise<WalkColumn['result']>;
}

const PATHS: Path[] = [
  { label: 'A: /handoff, typed by hand', judged: false, walk: walkByHand },
  { label: 'B: shortcut, no earlier packet', judged: true, walk: walkFromMessage },
  {
    label: 'B: shortcut + Use all (one earlier packet)',
    judged: true,
    async walk(page) {
      await sendEarlierMeridianPacket(page);
      return walkFromMessage(page);
    },
  },
];

/** Walks one path in a sandbox of its own; a failure is kept, with the app's warnings, not thrown. */
async function walkOne(path: Path): Promise<WalkColumn> {
  const world = await startWalkWorld();
  try {
    const result = await path.walk(world.page);
    if (world.pageErrors.length > 0) throw new Error(`the page threw: ${world.pageErrors.join('; ')}`);
    return { label: path.label, judged: path.judged, result };
  } catch (error) {
    const warnings = world.logs.filter((line) => /"level":(40|50|60)/.test(line)).slice(-5);
    const failure = [error instanceof Error ? error.message : String(error), ...warnings].join(' | ');
    return { label: path.label, judged: path.judged, failure };
  } finally {
    await world.stop();
  }
}

/** This checkout's commit, marked when the working tree has changes. */
function commitOf(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** `--out FILE`, else bench/results-packet-walk.md. */
function outFile(argv: string[]): string {
  const i = argv.indexOf('--out');
  return (i >= 0 ? argv[i + 1] : undefined) ?? DEFAULT_OUT;
}

async function main(): Promise<void> {
  const columns: WalkColumn[] = [];
  for (const path of PATHS) {
    process.stdout.write(`walking ${path.label}…\n`);
    columns.push(await walkOne(path));
  }
  const report = walkReport({
    date: new Date().toISOString(),
    commit: commitOf(),
    node: process.version,
    columns,
  });
  process.stdout.write(`\n${report}`);
  const out = outFile(process.argv.slice(2));
  writeFileSync(out, report);
  process.stdout.write(`\nwritten to ${out}\n`);
  if (columns.some((c) => c.failure)) process.exitCode = 1;
}

await main();
