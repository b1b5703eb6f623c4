/**
 * Container drill: builds the Dockerfile with podman (buildah underneath) and runs the image as compose.yaml runs it
 * (its env file, a named volume on /data, a read-only root with a tmpfs /tmp, no capabilities, no new privileges),
 * against the fake Slack on the host's loopback (host network). It checks what the image holds (a non-root user,
 * production dependencies only, no compiler, a better-sqlite3 that survives Node.js 24), that /healthz answers and the
 * image's HEALTHCHECK passes, that a signed /handoff command and a handoff go through to Accept, that `podman stop`
 * (SIGTERM to node as PID 1) drains and exits 0, and that a new container on the same volume serves the same data,
 * delivers what the stopped one still owed, and backs it up with `node dist/backup.js` inside.
 *
 * No image registry is reachable here: the base is made locally by deploy/local-base.sh (Debian from debootstrap,
 * Node.js 24 from the npm registry), kept between runs, as is podman's layer cache. DRILL_BASE_IMAGE names another
 * base (node:24-bookworm-slim where a registry is reachable). Skipped without podman, as a user other than root, or
 * without debootstrap when no DRILL_BASE_IMAGE is given. A cold run takes about 7 minutes (most of it compiling
 * better-sqlite3 and installing the compilers), a warm one under a minute.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptSubmission, clickAcceptOver } from '../support/drill.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { SIGNING_SECRET, waitFor } from '../support/harness.js';
import { confirmationsOn, packetSubmission, reviewSubmission, slashCommand } from '../support/payloads.js';
import { channels, people, TEAM, teams } from '../support/people.js';
import { freePort } from '../support/ports.js';
import { postInteraction, postSlashCommand } from '../support/signing.js';

const root = join(import.meta.dirname, '..', '..');
const IMAGE = 'localhost/cosell-handoff:drill';
const LOCAL_BASE = 'localhost/cosell-handoff-base:24';
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function skipReason(): string | undefined {
  if (!has('podman'))
    return 'podman is not installed (as root: apt-get install -y podman buildah debootstrap runc)';
  if (process.getuid?.() !== 0) return "it needs root (podman's root storage, a debootstrap base)";
  if (!process.env.DRILL_BASE_IMAGE && !has('debootstrap'))
    return 'debootstrap is not installed to make the local base image, and DRILL_BASE_IMAGE is not set';
  return undefined;
}
const skip = skipReason();

interface Ran {
  code: number;
  out: string;
  err: string;
}

describe.skipIf(skip)(`container drill${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let slack: FakeSlack;
  let port: number;
  const volume = `cosell-handoff-drill-${process.pid}`;
  const names: string[] = [];
  const timings: string[] = [];

  /** A command, without blocking this process (the fake Slack answers the container meanwhile). */
  const sh = (command: string, args: string[], timeoutMs = 60_000) =>
    new Promise<Ran>((resolve) => {
      execFile(
        command,
        args,
        { cwd: root, env, timeout: timeoutMs, maxBuffer: 64 << 20 },
        (error, out, err) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out, err }),
      );
    });
  const podman = (args: string[], timeoutMs?: number) => sh('podman', args, timeoutMs);
  async function must(args: string[], timeoutMs?: number): Promise<string> {
    const ran = await podman(args, timeoutMs);
    if (ran.code !== 0)
      throw new Error(`podman ${args.join(' ')} exited ${ran.code}:\n${ran.err.slice(-3000)}`);
    return ran.out.trim();
  }
  async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-container-'));
    // podman's settings for the drill only: runc where installed (crun refuses hybrid cgroups, as on this machine's
    // kernel), and limits no higher than a root without CAP_SYS_RESOURCE may set.
    writeFileSync(
      join(dir, 'containers.conf'),
      `[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n${has('runc') ? '[engine]\nruntime = "runc"\n' : ''}`,
    );
    env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };

    const base =
      process.env.DRILL_BASE_IMAGE ??
      (await timed('local base', async () => {
        if ((await podman(['image', 'exists', LOCAL_BASE])).code === 0) return LOCAL_BASE;
        const made = await sh('bash', ['deploy/local-base.sh', LOCAL_BASE], 300_000);
        if (made.code !== 0) throw new Error(`deploy/local-base.sh failed:\n${made.err.slice(-3000)}`);
        return LOCAL_BASE;
      }));
    // A proxy that intercepts TLS: npm in the build trusts what this machine trusts (a read-only mount, not a layer).
    const hostCa = '/etc/ssl/certs/ca-certificates.crt';
    const ca = existsSync(hostCa)
      ? ['-v', `${hostCa}:/run/host-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/host-ca.crt']
      : [];
    await timed('image build', () =>
      must(
        ['build', '--format', 'docker', '--network', 'host', ...ca]
          .concat(['--build-arg', `BASE_IMAGE=${base}`])
          .concat(['-t', IMAGE, '.']),
        540_000,
      ),
    );

    slack = await FakeSlack.start();
    for (const user of Object.values(people)) slack.addUser(user);
    for (const team of Object.values(teams)) slack.addTeam(team);
    slack.addChannel({ ...channels.partner, members: [slack.botUserId] });
    slack.addChannel({ ...channels.internal, members: [slack.botUserId] });
    port = await freePort();
    // The env file, as compose.yaml's env_file gives it (DATABASE_PATH: the image's /data/handoff.db).
    const settings = {
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      LOG_LEVEL: 'info',
      SWEEP_SCHEDULE: '0 0 1 1 *',
      OUTBOX_POLL_INTERVAL_MS: '100',
      OUTBOX_CHANNEL_INTERVAL_MS: '0',
    };
    writeFileSync(
      join(dir, 'env'),
      Object.entries(settings)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    await must(['volume', 'create', volume]);
  }, 600_000);

  afterAll(async () => {
    if (!dir) return;
    for (const name of names) await podman(['rm', '--force', '--time', '0', name]);
    await podman(['volume', 'rm', '--force', volume]);
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`container drill: ${timings.join(', ')}`);
  });

  /** A one-off container of the image, on the host's network (as every container here: the fake Slack is on loopback). */
  const once = ['run', '--rm', '--network', 'host'];
  const url = () => `http://127.0.0.1:${port}`;
  const events = () => `${url()}/slack/events`;
  const interact = (payload: unknown) => postInteraction(events(), SIGNING_SECRET, payload);

  /** Runs the image as compose.yaml does, and waits for /healthz to answer 200. */
  async function run(name: string): Promise<void> {
    names.push(name);
    await must(
      ['run', '-d', '--name', name, '--network', 'host', '--env-file', join(dir, 'env')].concat(
        ['-v', `${volume}:/data`, '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL'],
        ['--security-opt', 'no-new-privileges', IMAGE],
      ),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${url()}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(
        () => undefined,
      );
      if (res?.status === 200) return;
      const running = await podman(['inspect', '--format', '{{.State.Running}}', name]);
      if (running.out.trim() !== 'true' || Date.now() > deadline) {
        const logs = await podman(['logs', name]);
        throw new Error(`${name} did not answer /healthz:\n${(logs.out + logs.err).slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function volumePath(): Promise<string> {
    return must(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume]);
  }
  async function query<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    const db = new Database(join(await volumePath(), 'handoff.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** Packet and Send, as the modal submits them; returns the stored handoff's id. */
  async function sendHandoff(accountName: string): Promise<number> {
    const submitted = await interact(
      packetSubmission({
        values: {
          accountName,
          accountDomain: `${accountName.replaceAll(' ', '-')}.example`,
          aeUserId: people.ae.id,
        },
      }),
    );
    expect(submitted.status).toBe(200);
    const pushed = (await submitted.json()) as { view: { private_metadata: string; blocks: unknown[] } };
    const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
    const sent = await interact(reviewSubmission({ draftId, confirm: confirmationsOn(pushed.view) }));
    expect(await sent.json()).toEqual({ response_action: 'clear' });
    const [row] = await query<{ id: number }>('select id from handoffs where account_name = ?', accountName);
    if (!row) throw new Error(`${accountName} is not stored`);
    return row.id;
  }
  const aeDm = () => slack.dmChannelFor(people.ae.id);
  const dmsAbout = (accountName: string) =>
    slack.messages(aeDm()).filter((m) => JSON.stringify(m.blocks).includes(accountName));

  it('holds the built app, production dependencies only, no compiler, and runs it as a non-root user', async () => {
    const field = async (path: string) =>
      JSON.parse(await must(['image', 'inspect', '--format', `{{json ${path}}}`, IMAGE])) as unknown;
    expect(await field('.Config.User')).toBe('handoff');
    expect(await field('.Config.StopSignal')).toBe('SIGTERM');
    expect(await field('.Config.Volumes')).toEqual({ '/data': {} });
    expect(JSON.stringify(await field('.HealthCheck'))).toContain('/healthz');
    const probe =
      'id -u; for f in src node_modules/typescript node_modules/vitest node_modules/esbuild; do test -e $f && echo has $f; done;' +
      ' for c in g++ make python3 tsc; do command -v $c; done; node scripts/build-if-needed.mjs && echo prestart ok';
    const inside = await must([...once, '--entrypoint', 'sh', IMAGE, '-c', probe]);
    expect(inside.split('\n')).toEqual(['10001', 'prestart ok']);
  }, 60_000);

  it('survives better-sqlite3 statements collected by V8 on its Node.js (the native build in the image)', async () => {
    const script =
      "const D=require('better-sqlite3');const db=new D(':memory:');db.exec('CREATE TABLE t (a)');let n=0;" +
      "(function turn(){for(let i=0;i<2000;i++)db.prepare('SELECT a FROM t WHERE a = ?').all(i);" +
      "const g=[];for(let i=0;i<20000;i++)g.push({i,t:'x'.repeat(50)});" +
      "if(++n<100)setTimeout(turn,1);else{db.close();console.log('done',process.version)}})()";
    const ran = await podman([...once, IMAGE, 'node', '-e', script], 60_000);
    expect(ran.err).not.toMatch(/Assertion failed/);
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/^done v24\./);
  }, 60_000);

  it('answers /healthz, passes its HEALTHCHECK, and takes /handoff and a handoff through to Accept', async () => {
    await timed('start', () => run('handoff-drill-1'));
    expect((await podman(['healthcheck', 'run', 'handoff-drill-1'])).code).toBe(0);

    const opened = slack.callsTo('views.open').length;
    const command = await postSlashCommand(
      events(),
      SIGNING_SECRET,
      slashCommand({ trigger_id: slack.issueTriggerId(), response_url: slack.responseUrl() }),
    );
    expect(command.status).toBe(200);
    await waitFor(() => slack.callsTo('views.open').length > opened, 8000, 'the packet modal');

    const id = await sendHandoff('Container Account One');
    const [dm] = await waitFor(
      () => dmsAbout('Container Account One').length === 1 && dmsAbout('Container Account One'),
      8000,
      'the AE DM',
    );
    // Accept as the AE does: the click opens the accept modal, its submit (the defaults) records the accept.
    const ae = { id: people.ae.id, team_id: TEAM };
    const clicked = await clickAcceptOver(slack, interact, {
      handoffId: id,
      user: ae,
      channelId: aeDm(),
      ...(dm?.ts ? { messageTs: dm.ts } : {}),
      responseUrl: slack.responseUrl(),
    });
    expect(clicked.status).toBe(200);
    if (!clicked.modal) throw new Error('Accept opened no accept modal');
    const accept = await interact(
      acceptSubmission(clicked.modal, ae, clicked.viewId ? { viewId: clicked.viewId } : {}),
    );
    expect(accept.status).toBe(200);
    expect(await accept.text()).toBe('');
    await waitFor(
      () => JSON.stringify(dmsAbout('Container Account One')).includes('Accepted'),
      8000,
      'Accepted',
    );
    expect(await query('select decision from decisions where handoff_id = ?', id)).toEqual([
      { decision: 'accepted' },
    ]);
  }, 60_000);

  it('drains on SIGTERM and exits 0; a new container on the volume delivers what was owed and backs it up', async () => {
    // A handoff acknowledged just before the stop: its messages are sent before the exit or by the next container.
    await sendHandoff('Container Account Two');
    const stopped = Date.now();
    await must(['stop', '--time', '30', 'handoff-drill-1'], 60_000);
    const took = Date.now() - stopped;
    timings.push(`stop ${took} ms`);
    expect(await must(['inspect', '--format', '{{.State.ExitCode}}', 'handoff-drill-1'])).toBe('0');
    const logs = await podman(['logs', 'handoff-drill-1']);
    expect(logs.out).toContain('"signal":"SIGTERM"');
    expect(logs.out).toContain('handoff app stopped');
    expect(logs.out + logs.err).not.toContain('shutdown took too long');
    expect(took).toBeLessThan(10_000);
    expect(existsSync(join(await volumePath(), 'handoff.db.lock.json'))).toBe(false);

    await run('handoff-drill-2');
    await waitFor(() => dmsAbout('Container Account Two').length > 0, 8000, 'the second AE DM');
    expect(dmsAbout('Container Account Two')).toHaveLength(1);
    expect(dmsAbout('Container Account One')).toHaveLength(1);

    const backup = await must(['exec', 'handoff-drill-2', 'node', 'dist/backup.js', '/data/drill-backup.db']);
    expect(backup).toContain('integrity ok');
    const copy = new Database(join(await volumePath(), 'drill-backup.db'), { readonly: true });
    expect(copy.prepare('select account_name as a from handoffs order by id').all()).toEqual([
      { a: 'Container Account One' },
      { a: 'Container Account Two' },
    ]);
    copy.close();
    await must(['stop', '--time', '30', 'handoff-drill-2'], 60_000);
    expect(await must(['inspect', '--format', '{{.State.ExitCode}}', 'handoff-drill-2'])).toBe('0');
  }, 90_000);
});
