import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/client.js';
import { runDoctor } from '../../src/doctor/run.js';
import { FakeSlack } from '../support/fakeSlack.js';

/**
 * The doctor's report goes to terminals and CI logs: it never prints a secret of the settings. A password in
 * SLACK_API_URL (a proxy's) is shown as ***, and an ESCALATION_POLICY_FILE set to the wrong file (the .env itself) is
 * placed by line and column, never quoted.
 */
describe('the doctor prints no secret', () => {
  let dir: string;
  let slack: FakeSlack;
  let databasePath: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-doctor-secrets-'));
    slack = await FakeSlack.start();
    databasePath = join(dir, 'handoff.db');
    openDatabase(databasePath).close();
  });
  afterAll(async () => {
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (overrides: Record<string, string>) => ({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: 'signing-secret-7d1c',
    DATABASE_PATH: databasePath,
    ...overrides,
  });

  it('shows a password in SLACK_API_URL as *** and leaves its query out, reachable or not', async () => {
    const port = new URL(slack.apiUrl).port;
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1:9']) {
      const apiUrl = `http://proxyuser:pr0xy-pa55word@${host}/api/?key=query-secret-42`;
      const report = await runDoctor({ env: settings({ SLACK_API_URL: apiUrl }), clock: systemClock });
      expect(report.text).toContain(`Slack API http://proxyuser:***@${host}/api/,`);
      expect(report.text).not.toMatch(/pr0xy-pa55word|query-secret-42|signing-secret-7d1c/);
      expect(report.text).not.toContain(slack.token);
    }
    const unreachable = await runDoctor({
      env: settings({ SLACK_API_URL: 'http://proxyuser:pr0xy-pa55word@127.0.0.1:9/api/' }),
      clock: systemClock,
    });
    expect(unreachable.text).toContain('Slack could not be reached at http://proxyuser:***@127.0.0.1:9/api/');
  });

  it('places a policy file that is not JSON by line and column, without quoting it (the .env given by mistake)', async () => {
    const wrongFile = join(dir, '.env');
    writeFileSync(wrongFile, `SLACK_BOT_TOKEN=${slack.token}\nSLACK_SIGNING_SECRET=signing-secret-7d1c\n`);
    const report = await runDoctor({
      env: settings({ SLACK_API_URL: slack.apiUrl, ESCALATION_POLICY_FILE: wrongFile }),
      clock: systemClock,
    });
    const policy = report.results.find((r) => r.title === 'Escalation policy file');
    expect(policy?.findings.map((f) => `${f.status} ${f.text}`)).toEqual([
      `fail ${wrongFile}: it is not valid JSON: line 1, column 1 (check that it is the policy file)`,
    ]);
    expect(report.text).not.toMatch(/SLACK_BOT_|signing-secret-7d1c/);
    expect(report.text).not.toContain(slack.token);
  });
});
