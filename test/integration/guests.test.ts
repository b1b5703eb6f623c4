import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ACTION_ID, OWNER_BLOCK_ID, PACKET_BLOCK_ID, PACKET_POOL_BLOCK_ID } from '../../src/blocks/ids.js';
import type { FakeUser } from '../support/fakeSlack.js';
import { type Harness, harnessPerTest, quiet } from '../support/harness.js';
import { ephemeralAt, reassignTo } from '../support/ownerFlow.js';
import { packetSubmission } from '../support/payloads.js';
import { TEAM } from '../support/people.js';
import { sendPacket, type ViewAnswer } from '../support/reviewFlow.js';

/**
 * Workspace guests: Slack's users.info says `is_restricted` (a guest) and `is_ultra_restricted` (a single-channel
 * guest). A guest neither writes a handoff nor receives one as its AE, unless an admin allows it.
 */
const guest: FakeUser = {
  id: 'U0GUEST',
  team_id: TEAM,
  name: 'gale',
  real_name: 'Gale Guest',
  tz: 'Europe/London',
  is_restricted: true,
};
const singleChannelGuest: FakeUser = {
  id: 'U0SINGLE',
  team_id: TEAM,
  name: 'sol',
  real_name: 'Sol Single',
  tz: 'Europe/London',
  is_ultra_restricted: true,
};

const app = harnessPerTest();
async function start(env: Record<string, string> = {}): Promise<Harness> {
  const h = await app({ env });
  h.slack.addUser(guest);
  h.slack.addUser(singleChannelGuest);
  return h;
}

async function submit(h: Harness, values: Parameters<typeof packetSubmission>[0]): Promise<ViewAnswer> {
  const response = await h.interact(packetSubmission(values));
  expect(response.status).toBe(200);
  return (await response.json()) as ViewAnswer;
}

const handoffCount = async (h: Harness) =>
  (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).length;

it('guests (as users.info flags them): refused as authors (/handoff, the packet), as AE or owner, and in reassignment', async () => {
  const h = await start();
  // A guest typing /handoff is told guests cannot send one, and no form opens.
  const responseUrl = h.slack.responseUrl();
  const response = await h.command({ user_id: guest.id, user_name: guest.name, response_url: responseUrl });
  expect(response.status).toBe(200);
  expect(await ephemeralAt(h, responseUrl)).toBe(
    'You are a guest of the workspace, and guests cannot send handoffs here: a handoff shares internal notes and goes to a partner channel. Ask a full member of the workspace to send it (an admin can allow guests).',
  );
  await quiet(h);
  expect(h.slack.callsTo('views.open')).toHaveLength(0);
  // A guest's packet is refused at the top of the form and nothing is stored.
  const answer = await submit(h, { user: { id: guest.id, team_id: TEAM } });
  expect(answer).toEqual({
    response_action: 'errors',
    errors: {
      [PACKET_BLOCK_ID.accountName]: expect.stringMatching(
        /^You are a guest of the workspace, and guests cannot/,
      ),
    },
  });
  // A single-channel guest cannot be the AE, nor a guest the owner: inline, on their fields.
  const fields = await submit(h, { values: { aeUserId: singleChannelGuest.id, ownerUserId: guest.id } });
  expect(fields.response_action).toBe('errors');
  expect(fields.errors?.[PACKET_BLOCK_ID.aeUserId]).toBe(
    'This person is a single-channel guest, and the AE reads the internal packet: choose a full member of the workspace (an admin can allow guests as AEs).',
  );
  expect(fields.errors?.[PACKET_BLOCK_ID.ownerUserId]).toBe(
    'This person is a guest of the workspace: choose a full member of the workspace as the owner (an admin can allow guests).',
  );
  await quiet(h);
  expect(await handoffCount(h)).toBe(0);
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  // A handoff is not reassigned to a guest.
  const handoff = await sendPacket(h);
  const reassigned = await reassignTo(h, handoff.id, singleChannelGuest.id);
  expect(reassigned.errors?.[OWNER_BLOCK_ID.newAe]).toMatch(/^This person is a single-channel guest/);
  const [row] = await h.database.db.select().from(h.tables.handoffs);
  expect(row?.aeUserId).toBe('U0AE');
});

it('round robin passes over a guest in a pool, and says so in the review', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guests-'));
  try {
    const file = join(dir, 'policies.json');
    writeFileSync(
      file,
      JSON.stringify({
        pools: { backup: { users: [singleChannelGuest.id, 'U0MEMBER'] } },
        policies: { plain: [{ at: '50%', action: 'remind' }] },
      }),
    );
    const h = await start({ ESCALATION_POLICY_FILE: file });
    const payload = packetSubmission({ values: { aeUserId: null } }) as unknown as {
      view: { state: { values: Record<string, unknown> } };
    };
    payload.view.state.values[PACKET_POOL_BLOCK_ID] = {
      [ACTION_ID.value]: {
        type: 'static_select',
        selected_option: { value: 'backup', text: { type: 'plain_text', text: 'backup' } },
      },
    };
    const answer = (await (await h.interact(payload)).json()) as ViewAnswer;
    expect(answer.response_action).toBe('push');
    const text = JSON.stringify(answer.view?.blocks);
    expect(text).toContain('Round robin: <@U0MEMBER> is the next AE of the *Backup* pool');
    expect(text).toContain(`<@${singleChannelGuest.id}> a single-channel guest`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('with ALLOW_GUEST_AUTHORS and ALLOW_GUEST_AES an admin allows both', async () => {
  const h = await start({ ALLOW_GUEST_AUTHORS: 'true', ALLOW_GUEST_AES: 'true' });
  const responseUrl = h.slack.responseUrl();
  await h.command({ user_id: guest.id, user_name: guest.name, response_url: responseUrl });
  await quiet(h);
  expect(h.slack.callsTo('views.open')).toHaveLength(1);
  const answer = await submit(h, {
    user: { id: guest.id, team_id: TEAM },
    values: { aeUserId: singleChannelGuest.id, ownerUserId: guest.id },
  });
  expect(answer.response_action, JSON.stringify(answer)).toBe('push');
});
