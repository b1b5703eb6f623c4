import { expect } from 'vitest';
import { crmConnectModal } from '../../src/blocks/crmConnect.js';
import { CALLBACK_ID, crmCredentialBlockId } from '../../src/blocks/ids.js';
import type { CrmSystem } from '../../src/domain/crmFacts.js';
import { FakeSlack } from './fakeSlack.js';
import { type Harness, seedWorkspace, startHarness } from './harness.js';
import { installAt, OAUTH_CLIENT, OAUTH_ENV, waitingForInstall } from './oauthFlow.js';
import { viewSubmission } from './payloads.js';
import { people } from './people.js';

/** What the app answers to a CRM form: errors under fields, the connected view, or nothing (refused outright). */
export interface CrmFormAnswer {
  response_action?: string;
  errors?: Record<string, string>;
}

/**
 * `who` submits the CRM form (`/handoff crm <system>`, issue 55) with these credentials by field key. `as` rewrites
 * the payload as another workspace sends it.
 */
export async function submitCrmForm(
  h: Harness,
  who: { id: string; team_id: string },
  system: CrmSystem,
  given: Record<string, string>,
  as: <T>(payload: T) => T = (payload) => payload,
): Promise<CrmFormAnswer> {
  const values = Object.fromEntries(
    Object.entries(given).map(([key, value]) => [
      crmCredentialBlockId(key),
      { value: { type: 'plain_text_input', value } },
    ]),
  );
  const answer = await h.interact(
    as(
      viewSubmission({
        user: who,
        callbackId: CALLBACK_ID.crmConnect,
        privateMetadata: crmConnectModal(system).private_metadata ?? '',
        values,
      }),
    ),
  );
  expect(answer.status).toBe(200);
  const text = await answer.text();
  return (text ? JSON.parse(text) : {}) as CrmFormAnswer;
}

/**
 * The app installed by OAuth in the fake's workspace (its own CRM may be connected from Slack), with `people.owner`
 * its admin; `env` on top of the OAuth settings; `rotation`: Slack's token rotation on. Stop it with `stop`.
 */
export async function installedWithAdmin(
  env: Record<string, string> = {},
  opts: { rotation?: boolean } = {},
): Promise<{ h: Harness; slack: FakeSlack; stop(): Promise<void> }> {
  const slack = await FakeSlack.start();
  seedWorkspace(slack);
  let port = 0;
  const started = startHarness({
    slack,
    env: { ...OAUTH_ENV, ADMIN_USER_IDS: people.owner.id, ...env },
    onStatusPort: (p) => {
      port = p;
    },
  });
  const stop = async () => {
    await started.then(
      (h) => h.stop(),
      () => undefined,
    );
    await slack.stop();
  };
  try {
    const base = await waitingForInstall(() => port);
    slack.oauthApp = {
      ...OAUTH_CLIENT,
      redirectUri: `${base}/slack/oauth_redirect`,
      tokenRotation: opts.rotation ?? false,
    };
    expect((await installAt(slack, base)).status).toBe(200);
    return { h: await started, slack, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
