import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { openAcceptModal, type StepTyped, submitAccept } from './acceptFlow.js';
import type { FakeHubspot } from './fakeHubspot.js';
import type { FakeSalesforce } from './fakeSalesforce.js';
import { type Harness, quiet, waitFor } from './harness.js';
import { buttonsOf, dmOf, type SlackUser } from './ownerFlow.js';
import { partnerCalls, shown } from './partnerFlow.js';
import { blockAction } from './payloads.js';
import { people, TEAM } from './people.js';

/**
 * After the Accept (issue 51): a policy file whose levels run the whole life (the window's, then the first step's,
 * ending in a take-back to a pool of two AEs), the sweep at a given time, Hand it back as Slack sends it, and what each
 * person and the partner read.
 */

export const jordan: SlackUser = { id: people.ae.id, team_id: TEAM };
export const sam: SlackUser = { id: people.otherAe.id, team_id: TEAM };
export const pat: SlackUser = { id: people.author.id, team_id: TEAM };

/**
 * One policy for the whole life, routed to the partner: a reminder at half the window, then after the Accept a
 * reminder the business day before the step, the check-in on its date, the owner told two business days later, and
 * the deal taken back to the next AE of the backup pool (Sam, then Mo) a business day after that.
 */
export const LIFE_POLICY = {
  pools: { backup: { name: 'Backup AEs', users: [people.otherAe.id, people.member.id] } },
  policies: {
    strategic: {
      name: 'Strategic accounts',
      levels: [
        { at: '50%', action: 'remind' },
        { at: 'commitment-1d', action: 'remind' },
        { at: 'commitment', action: 'check_in' },
        { at: 'commitment+2d', action: 'notify', to: ['owner'] },
        { at: 'commitment+3d', action: 'reassign', to: ['pool:backup'] },
      ],
    },
  },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
};

/** Writes a policy file into a fresh folder; `remove` deletes it. */
export function writePolicy(policy: unknown = LIFE_POLICY): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'after-accept-'));
  const file = join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify(policy));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sets the clock, runs the minute's sweep (the window, the first steps' checks, the policies) and waits for quiet. */
export async function sweepAt(h: Harness, at: string): Promise<void> {
  h.clock.set(at);
  await h.app.scheduler.runNow('response-window-sweep');
  await quiet(h);
}

/** Accept as `user`: the button, then the modal with its defaults or what `typed` says; recorded, and quiet. */
export async function acceptAs(h: Harness, handoffId: number, user: SlackUser, typed?: StepTyped) {
  const modal = await openAcceptModal(h, { handoffId, user });
  expect(await submitAccept(h, modal, { user, ...(typed ? { typed } : {}) })).toEqual({});
  await quiet(h);
  return modal;
}

/**
 * Hand it back as Slack sends it once the confirm dialog is confirmed (the button's value `${id}:${cycle}`). Returns
 * the ephemeral the clicker reads; with `retry`, the same click redelivered as Slack retries it (no answer expected).
 */
export async function handBack(
  h: Harness,
  value: string,
  user: SlackUser,
  opts: { retry?: boolean } = {},
): Promise<string | undefined> {
  const responseUrl = h.slack.responseUrl();
  const payload = blockAction({
    actionId: ACTION_ID.handBack,
    value,
    user,
    responseUrl,
    triggerId: h.slack.issueTriggerId(),
    channelId: h.slack.dmChannelFor(user.id),
  });
  const response = await h.interact(payload);
  expect(response.status).toBe(200);
  if (opts.retry) {
    const again = await h.interact(payload, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(again.status).toBe(200);
  }
  const reply = await waitFor(
    () => h.slack.responses.find((r) => r.url === responseUrl),
    4000,
    'the ephemeral',
  );
  await quiet(h);
  expect(h.slack.responses.filter((r) => r.url === responseUrl)).toHaveLength(1);
  return String(reply.body.text);
}

/** What a person reads in their DM now: each message (its notification text and blocks), in post order. */
export const dmReads = (h: Harness, userId: string): string[] => dmOf(h, userId).map((m) => shown(m));

/** The one message of a person's DM that reads `needle` (it fails on none or several). */
export function theDm(h: Harness, userId: string, needle: string) {
  const found = dmOf(h, userId).filter((m) => shown(m).includes(needle));
  expect(found, `one DM of ${userId} reading “${needle}”`).toHaveLength(1);
  return found[0] as NonNullable<(typeof found)[number]>;
}

/** What a message says of itself: its blocks without the "*Now:*" line every view of the handoff adds. */
export const saysOf = (m: { blocks?: unknown[] }): string =>
  JSON.stringify((m.blocks ?? []).filter((b) => !JSON.stringify(b).includes('"*Now:* ')));

/** Every button left in a person's DM (a message whose deal moved on offers none). */
export const liveButtons = (h: Harness, userId: string): string[] => dmOf(h, userId).flatMap(buttonsOf);

/** Everything the partner channel was sent, posts and updates, from the `from`th call on. */
export const partnerSaw = (h: Harness, from = 0): string =>
  partnerCalls(h)
    .slice(from)
    .map((c) => JSON.stringify(c.args))
    .join('\n');

/** What the partner must never read about the deal's life after the Accept. */
export const NEVER_TO_PARTNER = /taken back|idle|handed back|hand it back|no news|reassign|escalation|pool/i;

/** Salesforce and HubSpot both connected (each handoff links to one), a lost answer looked for after 300 ms. */
export const crmEnv = (sf: FakeSalesforce, hs: FakeHubspot): Record<string, string> => ({
  SALESFORCE_LOGIN_URL: sf.loginUrl,
  SALESFORCE_CLIENT_ID: sf.clientId,
  SALESFORCE_CLIENT_SECRET: sf.clientSecret,
  HUBSPOT_ACCESS_TOKEN: hs.accessToken,
  HUBSPOT_API_URL: hs.apiUrl,
  OUTBOX_UNCERTAIN_WAIT_MS: '300',
});

/** The activity headings the CRMs hold for a handoff's record, without Salesforce's reference suffix. */
export const taskSubjects = (sf: FakeSalesforce, opp: string): string[] =>
  sf
    .tasks()
    .filter((t) => t.WhatId === opp)
    .map((t) => String(t.Subject).replace(/ \(ref .*\)$/, ''));
export const noteHeadings = (hs: FakeHubspot, deal: string): string[] =>
  hs
    .notes()
    .filter((n) => n.dealIds.includes(deal))
    .map((n) => /^<p><strong>(.*?)<\/strong><\/p>/.exec(String(n.properties.hs_note_body))?.[1] ?? '');
