import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logCollector, startSandbox } from '../../../sandbox/sandbox.js';

/**
 * What the sandbox listens on: every server it starts (its page, the app, the fake Slack, the fake Salesforce) on
 * 127.0.0.1 only, the page on the port asked for and the others on ephemeral ports. Read from the kernel's own table
 * of this process's listening TCP sockets (Linux /proc), before and after the start, so a server the sandbox starts
 * that nobody told the test about is seen too.
 */
interface Listener {
  address: string;
  port: number;
}

/** The inodes of this process's sockets. */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // A descriptor closed while we looked.
    }
  }
  return inodes;
}

/** An address of /proc/net/tcp{,6} (hex, in the kernel's byte order) as text: 127.0.0.1, 0.0.0.0, ::, ::1, … */
function addressOf(hex: string): string {
  if (hex.length === 8) {
    return (hex.match(/../g) ?? [])
      .map((b) => Number.parseInt(b, 16))
      .reverse()
      .join('.');
  }
  if (/^0{32}$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${addressOf(hex.slice(24))}`;
  return hex;
}

/** This process's TCP sockets in LISTEN (state 0A). */
function listeners(): Listener[] {
  const own = ownSocketInodes();
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && own.has(f[9] ?? ''))
      .map((f) => {
        const [hex = '', port = '0'] = (f[1] ?? '').split(':');
        return { address: addressOf(hex), port: Number.parseInt(port, 16) };
      }),
  );
}

const key = (l: Listener) => `${l.address}:${l.port}`;

describe.runIf(process.platform === 'linux')('the ports of the sandbox', () => {
  it('listens on 127.0.0.1 only: the page, the app, the fake Slack and the fake Salesforce', async () => {
    const before = new Set(listeners().map(key));
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-ports-'));
    const sandbox = await startSandbox({
      port: 0,
      databasePath: join(dir, 'sandbox.db'),
      logSink: logCollector([]),
    });
    try {
      const opened = listeners().filter((l) => !before.has(key(l)));
      const pagePort = Number(new URL(sandbox.url).port);
      const appPort = sandbox.app.port;
      const slackPort = Number(new URL(sandbox.slack.apiUrl).port);
      const salesforcePort = Number(new URL(sandbox.salesforce.loginUrl).port);
      expect(opened.map(key).sort()).toEqual(
        [pagePort, appPort, slackPort, salesforcePort].map((port) => `127.0.0.1:${port}`).sort(),
      );
    } finally {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
