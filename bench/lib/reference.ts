/**
 * `--reference <commit>`: a clean copy of that commit's files (`git archive`, which leaves this working tree and its
 * index alone), its dependencies (this checkout's node_modules when the lockfiles are the same, else `npm ci`) and
 * its build (its own `npm run build`). The bench then runs the reference's dist/ with this checkout's probes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** An app the ack section measures: a directory holding package.json and a built dist/. */
export interface Target {
  /** How the tables name it: "this checkout (abc1234)" or "reference (abc1234)". */
  label: string;
  root: string;
  /** The commit, short, when it is one (the reference); this checkout's HEAD plus "+ changes" when dirty. */
  commit: string;
}

const git = (root: string, args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** This checkout, as the tables name it: its HEAD, and whether the working tree has changes beyond it. */
export function currentTarget(root: string): Target {
  const head = git(root, ['rev-parse', '--short', 'HEAD']);
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no']) !== '';
  const commit = dirty ? `${head} + changes` : head;
  return { label: `this checkout (${commit})`, root, commit };
}

function run(cmd: string, args: string[], cwd: string, what: string): void {
  console.log(`   ${what}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0)
    throw new Error(
      `${what} failed (${cmd} ${args.join(' ')} in ${cwd}):\n${result.stdout}\n${result.stderr}`,
    );
}

/** Checks out, installs and builds `commit` under `dir` (created); this checkout's files are not touched. */
export function prepareReference(root: string, commit: string, dir: string): Target {
  let sha: string;
  try {
    sha = git(root, ['rev-parse', '--verify', '--end-of-options', `${commit}^{commit}`]);
  } catch {
    throw new Error(`--reference ${commit}: not a commit of this repository`);
  }
  const short = sha.slice(0, 7);
  console.log(`\n   reference ${commit} (${short}): clean checkout in ${dir}`);
  mkdirSync(dir, { recursive: true });
  // git archive | tar -x: the commit's tracked files only, nothing of this working tree or index.
  const archive = spawnSync('git', ['archive', '--format=tar', sha], { cwd: root, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${short} failed: ${String(archive.stderr)}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar -x into ${dir} failed: ${String(untar.stderr)}`);

  const lock = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  const ours = lock(join(root, 'package-lock.json'));
  if (ours !== undefined && ours === lock(join(dir, 'package-lock.json'))) {
    console.log('   same package-lock.json: reusing this checkout’s node_modules');
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } else {
    run('npm', ['ci', '--no-audit', '--no-fund'], dir, 'installing its dependencies');
  }
  run('npm', ['run', 'build', '--silent'], dir, `building ${short}`);
  if (!existsSync(join(dir, 'dist', 'main.js')))
    throw new Error(`reference ${short}: its build has no dist/main.js, which the bench starts as the app`);
  return { label: `reference (${short})`, root: dir, commit: short };
}
