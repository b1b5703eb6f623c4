import { isDeepStrictEqual } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { acceptModal } from '../../src/blocks/acceptModal.js';
import { ACTION_ID, CALLBACK_ID, HELP_BLOCK_ID, MY_DAYS_BLOCK_ID } from '../../src/blocks/ids.js';
import { first } from '../../src/db/engine.js';
import { addReseller } from '../../src/db/repositories/checks.js';
import type { HandoffRow, HelpRequestRow, OutboxRow } from '../../src/db/schema.js';
import { accountKey } from '../../src/domain/accountMatch.js';
import { isoDateIn } from '../../src/domain/businessDays.js';
import { acceptHandoff, acceptValues } from './acceptFlow.js';
import { questionSubmission } from './askFlow.js';
import { FakeSlack, type RecordedCall } from './fakeSlack.js';
import { submitAndSend } from './flow.js';
import { type Harness, SIGNING_SECRET, seedWorkspace, waitFor } from './harness.js';
import { installedTwice } from './oauthFlow.js';
import { dmOf, handoffRow, type OpenedModal, submit } from './ownerFlow.js';
import { shown } from './partnerFlow.js';
import { appHomeOpened, blockAction, slashCommand, viewSubmission } from './payloads.js';
import { channels, PARTNER_TEAM, people, TEAM } from './people.js';
import { postEvent, postInteraction, postSlashCommand } from './signing.js';

/** The authorization matrix's cast, the requests each sends the way Slack would, and how the answer reaches them. */

export type SlackUser = { id: string; team_id?: string };

/** Two people with a role, added to the fake Slack: nobody else in the cast has one. */
export const ADMIN = {
  id: 'U0ADMIN',
  team_id: TEAM,
  name: 'ada',
  real_name: 'Ada Admin',
  tz: 'Europe/London',
};
export const REVOPS = {
  id: 'U0REVOPS',
  team_id: TEAM,
  name: 'rita',
  real_name: 'Rita RevOps',
  tz: 'America/New_York',
};

export const HELP_CHANNEL = channels.internal.id;

export const MATRIX_ENV = {
  // The tests drive time: no sweep, no digest on their own.
  SWEEP_SCHEDULE: '0 0 1 1 *',
  DIGEST_SCHEDULE: '0 0 1 1 *',
  ADMIN_USER_IDS: ADMIN.id,
  REVOPS_USER_IDS: REVOPS.id,
  PARTNER_HELP_CHANNEL_ID: HELP_CHANNEL,
};

/**
 * The workspace beside the matrix's, on the same deployment (both installed by OAuth). Its program makes the plain
 * member (one person in two workspaces of one org) its admin and RevOps: `member` checks that gives nothing here.
 */
export const NEIGHBOUR = {
  teamId: 'T0NEIGHBOUR',
  name: 'Neighbour Co',
  installer: { id: 'U0NADMIN', team_id: 'T0NEIGHBOUR', name: 'nia', real_name: 'Nia Neighbour' },
} as const;

/** The fake's own workspace (people.ts, ADMIN, REVOPS) and NEIGHBOUR on one app; the requests come from the first. */
export async function startMatrixHarness(): Promise<Harness> {
  const slack = await FakeSlack.start();
  seedWorkspace(slack);
  slack.addUser(ADMIN);
  slack.addUser(REVOPS);
  const neighbour = slack.addWorkspace({
    id: NEIGHBOUR.teamId,
    name: NEIGHBOUR.name,
    installer: NEIGHBOUR.installer.id,
  });
  neighbour.addUser(NEIGHBOUR.installer);
  neighbour.addUser(people.member);
  try {
    const { h, stop } = await installedTwice(slack, neighbour, { env: MATRIX_ENV });
    const [, beside] = h.app.tenants();
    const both = [people.member.id, NEIGHBOUR.installer.id];
    const edited = await beside?.wired.program.edit({
      actor: NEIGHBOUR.installer.id,
      kind: 'roles',
      body: { admin: { users: both }, revops: { users: both } },
    });
    expect(edited).toMatchObject({ ok: true });
    return {
      ...h,
      async stop(opts = {}) {
        await stop(opts);
        await slack.stop();
      },
    };
  } catch (error) {
    await slack.stop();
    throw error;
  }
}

/** Every kind of actor of the matrix. */
export const ACTOR_KEYS = [
  ...(['ae', 'ownerAuthor', 'ownerNotAuthor', 'authorNotOwner', 'member', 'admin', 'revops'] as const),
  ...(['external', 'aeForeignTeam', 'noTeamId'] as const),
];
export type ActorKey = (typeof ACTOR_KEYS)[number];

/** Actions on a handoff: the owner may or may not be its author. */
export const HANDOFF_ACTORS: readonly ActorKey[] = ACTOR_KEYS;
/** Actions on no handoff: "author, not the owner" would be the same person as the author. */
export const OTHER_ACTORS: readonly ActorKey[] = ACTOR_KEYS.filter((k) => k !== 'authorNotOwner');

export const HANDOFF_ACTOR_LABEL: Record<ActorKey, string> = {
  ae: 'the AE named on the handoff',
  ownerAuthor: 'the owner, who is the author (default flow)',
  ownerNotAuthor: 'the owner chosen in the packet, not the author',
  authorNotOwner: 'the author, when someone else owns the handoff',
  member: 'another internal member (the admin and RevOps of the other installation)',
  admin: 'an admin (ADMIN_USER_IDS)',
  revops: 'a RevOps user (REVOPS_USER_IDS)',
  external: 'an external Slack Connect user',
  aeForeignTeam: "the AE's user id with a foreign team id",
  noTeamId: 'a payload with no user.team_id',
};

export const OTHER_ACTOR_LABEL: Record<ActorKey, string> = {
  ...HANDOFF_ACTOR_LABEL,
  ae: 'an AE (no role)',
  ownerAuthor: 'a handoff author (no role)',
  ownerNotAuthor: 'a handoff owner (no role)',
};

/** Who owns the handoff a cell acts on: Olu when the cell is about an owner who is not the author. */
export const ownerFor = (key: ActorKey): string =>
  key === 'ownerNotAuthor' || key === 'authorNotOwner' ? people.owner.id : people.author.id;

/**
 * The Slack identity of an actor in an interaction payload. The "no user.team_id" payload carries the id of someone
 * who would otherwise be allowed: the AE for accept/decline, the admin for everything else.
 */
export function userFor(key: ActorKey, noTeamIdAs: string = ADMIN.id): SlackUser {
  if (key === 'noTeamId') return { id: noTeamIdAs };
  const ids = { ae: people.ae.id, ownerAuthor: people.author.id, authorNotOwner: people.author.id } as const;
  const more = {
    ownerNotAuthor: people.owner.id,
    member: people.member.id,
    admin: ADMIN.id,
    revops: REVOPS.id,
  };
  if (key === 'external') return { id: people.partner.id, team_id: PARTNER_TEAM };
  if (key === 'aeForeignTeam') return { id: people.ae.id, team_id: PARTNER_TEAM };
  return { id: { ...ids, ...more }[key], team_id: TEAM };
}

/**
 * A slash command has no user.team_id: the app asks users.info. The command's own `team_id` field is set to the
 * foreign team for "the AE's id with a foreign team id", and left out for "no user.team_id" (sent with the admin's id).
 */
export function commandFieldsFor(key: ActorKey): { user_id: string; team_id?: string } {
  const { id, team_id } = userFor(key);
  return { user_id: id, ...(team_id ? { team_id } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// What a refusal must leave alone.

/** Waits until the outbox has nothing pending (delivered, cancelled, or parked on purpose). */
export function settled(h: Harness): Promise<boolean> {
  const { outbox } = h.tables;
  const pending = () =>
    h.database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
  return waitFor(async () => (await pending()).length === 0, 8000, 'the outbox to settle');
}

export { dmOf, handoffRow, shown };

// ---------------------------------------------------------------------------------------------------------------
// How the actor is answered.

export type AckBody = { response_action?: string; errors?: Record<string, string> };

export type Reply =
  /** An ephemeral through the request's response_url (buttons in messages, slash commands). */
  | { via: 'response_url'; url: string }
  /** The answer to a view submission: empty (the modal closes) or inline errors. */
  | { via: 'inline'; body: AckBody }
  /** A DM from the app (App Home buttons and shortcuts have no response_url). */
  | { via: 'dm'; userId: string; before: number };

/** The refusal the actor saw (waits for it). */
export async function refusalText(h: Harness, reply: Reply): Promise<string> {
  switch (reply.via) {
    case 'response_url': {
      const response = await waitFor(
        () => h.slack.responses.find((r) => r.url === reply.url),
        4000,
        'the ephemeral refusal',
      );
      expect(response.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      return String(response.body.text);
    }
    case 'inline': {
      expect(reply.body.response_action).toBe('errors');
      const errors = Object.values(reply.body.errors ?? {});
      expect(errors).toHaveLength(1);
      return errors[0] as string;
    }
    case 'dm': {
      const message = await waitFor(() => dmOf(h, reply.userId)[reply.before], 4000, 'the refusal DM');
      return String(message.text);
    }
  }
}

/** The reply on a response URL (a slash command's answer), waited for. */
export async function replyAt(h: Harness, reply: Reply): Promise<string> {
  if (reply.via !== 'response_url') throw new Error(`no response URL: ${reply.via}`);
  return refusalText(h, reply);
}

/** Nothing the actor received is that refusal. */
export function expectNotRefused(h: Harness, reply: Reply, refusal: string): void {
  switch (reply.via) {
    case 'response_url':
      expect(h.slack.responses.filter((r) => r.url === reply.url).map((r) => r.body.text)).not.toContain(
        refusal,
      );
      return;
    case 'inline':
      // The modal closes, or is replaced by one saying it went (the question and answer modals: `update`).
      if (reply.body.response_action === 'update') expect(reply.body.errors).toBeUndefined();
      else expect(reply.body).toEqual({});
      return;
    case 'dm':
      expect(
        dmOf(h, reply.userId)
          .slice(reply.before)
          .map((m) => m.text),
      ).not.toContain(refusal);
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Requests, signed and shaped as Slack sends them.

/** A button in a message (DM or channel): Slack gives a response_url. */
export async function click(
  h: Harness,
  actionId: string,
  value: string,
  user: SlackUser,
  channelId = h.slack.dmChannelFor(user.id),
): Promise<Reply> {
  const url = h.slack.responseUrl();
  const response = await h.interact(
    blockAction({
      actionId,
      value,
      user,
      responseUrl: url,
      triggerId: h.slack.issueTriggerId(),
      channelId,
    }),
  );
  expect(response.status).toBe(200);
  return { via: 'response_url', url };
}

/** A view submission; the answer is Bolt's ack body. */
export const submitView = async (h: Harness, payload: unknown): Promise<Reply> => ({
  via: 'inline',
  body: await submit(h, payload),
});

/** A block action from the App Home: Slack sends the view instead of a message, and no response_url. */
function fromHome(h: Harness, actionId: string, value: string, user: SlackUser, actions?: unknown[]) {
  const {
    response_url: _u,
    channel: _c,
    message: _m,
    ...rest
  } = blockAction({
    actionId,
    value,
    user,
    triggerId: h.slack.issueTriggerId(),
  });
  const view = { id: 'V0HOME', type: 'home', blocks: [], private_metadata: '' };
  return h.interact({
    ...rest,
    container: { type: 'view', view_id: 'V0HOME' },
    view,
    ...(actions ? { actions } : {}),
  });
}

/** A button in the App Home: a refusal comes by DM. */
export async function homeClick(
  h: Harness,
  actionId: string,
  value: string,
  user: SlackUser,
): Promise<Reply> {
  const before = dmOf(h, user.id).length;
  expect((await fromHome(h, actionId, value, user)).status).toBe(200);
  return { via: 'dm', userId: user.id, before };
}

/** The first views.publish to `userId` after `before` of them, answered. */
function publishedTo(h: Harness, userId: string, before: number): Promise<RecordedCall> {
  const publishes = () => h.slack.calls.filter((c) => c.method === 'views.publish');
  // Other Homes may be published meanwhile (the RevOps Homes follow every change; an export's confirmation line).
  const mine = () =>
    publishes()
      .slice(before)
      .find((c) => c.args.user_id === userId && c.status !== 0);
  return waitFor(mine, 8000, `the App Home of ${userId}`);
}
const publishCount = (h: Harness) => h.slack.calls.filter((c) => c.method === 'views.publish').length;

/** The period picker in the App Home (a static select); resolves with the views.publish that refreshes the home. */
export async function homePeriodPick(h: Harness, period: string, user: SlackUser): Promise<RecordedCall> {
  const before = publishCount(h);
  const option = { text: { type: 'plain_text', text: period }, value: period };
  const select = { type: 'static_select', action_id: ACTION_ID.homePeriod, block_id: 'home_revops' };
  const actions = [{ ...select, selected_option: option, action_ts: '1700000001.000200' }];
  expect((await fromHome(h, ACTION_ID.homePeriod, period, user, actions)).status).toBe(200);
  const call = await publishedTo(h, user.id, before);
  expect(call.ok).toBe(true);
  return call;
}

/** The "Ask for partner help" global shortcut (no response_url: refusals come by DM). */
export async function globalShortcut(h: Harness, callbackId: string, user: SlackUser): Promise<Reply> {
  const before = dmOf(h, user.id).length;
  const response = await postInteraction(h.eventsUrl, SIGNING_SECRET, {
    type: 'shortcut',
    token: 'legacy-verification-token',
    action_ts: '1795442400.000300',
    team: { id: TEAM, domain: 'acme' },
    user: { id: user.id, username: user.id.toLowerCase(), team_id: user.team_id },
    api_app_id: 'A0APP',
    is_enterprise_install: false,
    enterprise: null,
    callback_id: callbackId,
    trigger_id: h.slack.issueTriggerId(),
  });
  expect(response.status).toBe(200);
  return { via: 'dm', userId: user.id, before };
}

/** `/handoff <text>` typed by the actor; the answer comes on the command's response_url. */
export async function slash(
  h: Harness,
  text: string,
  who: { user_id: string; team_id?: string },
): Promise<Reply> {
  const url = h.slack.responseUrl();
  const fields: Record<string, string> = slashCommand({
    text,
    user_id: who.user_id,
    user_name: who.user_id.toLowerCase(),
    trigger_id: h.slack.issueTriggerId(),
    response_url: url,
    ...(who.team_id ? { team_id: who.team_id } : {}),
  });
  if (!who.team_id) delete fields.team_id;
  const response = await postSlashCommand(h.eventsUrl, SIGNING_SECRET, fields);
  expect(response.status).toBe(200);
  return { via: 'response_url', url };
}

let homeEvents = 0;

/** The actor opens the App Home; resolves with the answered views.publish call. */
export async function openHome(h: Harness, userId: string, teamId = TEAM): Promise<RecordedCall> {
  const before = publishCount(h);
  homeEvents += 1;
  const event = appHomeOpened(userId, `EvMatrix${homeEvents}`);
  expect((await postEvent(h.eventsUrl, SIGNING_SECRET, { ...event, team_id: teamId })).status).toBe(200);
  const call = await publishedTo(h, userId, before);
  expect(call.ok).toBe(true);
  return call;
}

/** The last views.open after `before` of them, with its callback id. */
export async function openedView(
  h: Harness,
  before: number,
  callbackId: string,
): Promise<{ callback_id: string; private_metadata: string }> {
  const calls = await waitFor(
    () => h.slack.callsTo('views.open').length > before && h.slack.callsTo('views.open'),
    4000,
    `the ${callbackId} modal`,
  );
  expect(calls).toHaveLength(before + 1);
  const view = calls[before]?.args.view as { callback_id: string; private_metadata: string };
  expect(view.callback_id).toBe(callbackId);
  return view;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures, made through the real app and reused while nothing changed them.

let handoffCounter = 0;

/**
 * The states a cell's handoff is in: waiting for the AE, accepted, waiting with the AE's question to the author open
 * (`asked`), waiting with the AE's request for more time (`more_time`).
 */
export type PoolState = 'sent' | 'accepted' | 'asked' | 'more_time';

/**
 * Handoffs in a given state and with a given owner, made through the real app. A cell gets the one made for an
 * earlier cell as long as no allowed action changed it (a refusal leaves it exactly as it was), else a fresh one.
 */
export class HandoffPool {
  private readonly cache = new Map<string, HandoffRow>();
  constructor(private readonly h: Harness) {}

  async get(state: PoolState, ownerUserId: string): Promise<HandoffRow> {
    const key = `${state}:${ownerUserId}`;
    const cached = this.cache.get(key);
    if (cached && isDeepStrictEqual(await handoffRow(this.h, cached.id), cached)) return cached;
    const fresh = await this.create(state, ownerUserId);
    this.cache.set(key, fresh);
    return fresh;
  }

  private async create(state: PoolState, ownerUserId: string): Promise<HandoffRow> {
    const h = this.h;
    handoffCounter += 1;
    // A name and registrable domain of its own: no duplicate or conflict with the other handoffs.
    const accountName = `Matrix ${handoffCounter} Freight`;
    const accountDomain = `matrix-freight-${handoffCounter}.com`;
    const { answer } = await submitAndSend(h, { accountName, accountDomain, ownerUserId });
    expect(answer).toEqual({ response_action: 'clear' });
    const { handoffs } = h.tables;
    const handoff = await first(
      h.database.db.select().from(handoffs).where(eq(handoffs.accountName, accountName)),
    );
    expect(handoff).toMatchObject({ status: 'sent', ownerUserId, authorUserId: people.author.id });
    if (!handoff) throw new Error(`${accountName} was not stored`);
    const id = handoff.id;
    await waitFor(
      () => dmOf(h, people.ae.id).some((m) => shown(m).includes(`Handoff #${id} `)),
      8000,
      'the AE DM',
    );
    const ae = { id: people.ae.id, team_id: TEAM };
    const responseUrl = h.slack.responseUrl();
    // Accept opens the accept modal; its submission (the defaults: a first step and its date) records it. The AE asks
    // before deciding: a question to the author, or a request for more time.
    if (state === 'accepted')
      expect(await acceptHandoff(h, { handoffId: id, user: ae, responseUrl })).toEqual({});
    if (state === 'asked') await h.interact(questionSubmission(id, 'Who signs the order?', ae));
    if (state === 'more_time')
      await h.interact(
        blockAction({ actionId: ACTION_ID.askMoreTime, value: String(id), user: ae, responseUrl }),
      );
    const reached = (row: HandoffRow) =>
      ({
        sent: true,
        accepted: row.status === 'accepted',
        asked: row.questionOpen,
        more_time: row.moreTime === 'asked',
      })[state];
    await waitFor(async () => reached(await handoffRow(h, id)), 4000, `the handoff ${state}`);
    await settled(h);
    return handoffRow(h, id);
  }
}

const input = (value: string | null) => ({ [ACTION_ID.value]: { type: 'plain_text_input', value } });

/**
 * The accept modal's submission as Slack sends it, by `user`: the modal the AE is shown for this handoff, with its
 * first step and a date of today in the AE's calendar. Made by hand: anyone can send it, and no modal is opened.
 */
export function acceptSubmission(h: Harness, handoff: HandoffRow, user: SlackUser) {
  const modal = acceptModal(handoff, isoDateIn(h.clock.now(), handoff.aeTimeZone)) as unknown as OpenedModal;
  const values = acceptValues(modal);
  return viewSubmission({
    callbackId: CALLBACK_ID.accept,
    privateMetadata: modal.private_metadata,
    values,
    user,
  });
}

/** The "Your days" form, submitted as Slack sends it: these working days, nothing else. */
export function myDaysSubmission(user: SlackUser, days: readonly number[]) {
  const options = days.map((d) => ({ text: { type: 'plain_text', text: String(d) }, value: String(d) }));
  const values = {
    [MY_DAYS_BLOCK_ID.days]: { [ACTION_ID.value]: { type: 'checkboxes', selected_options: options } },
  };
  return viewSubmission({ callbackId: CALLBACK_ID.myDays, user, privateMetadata: '{}', values });
}

/** Every entry of a person's own days in the program, oldest first. */
export async function personEntries(h: Harness, userId: string) {
  const { programLog: log } = h.tables;
  const theirs = and(eq(log.kind, 'person'), eq(log.key, userId));
  return h.database.db.select().from(log).where(theirs).orderBy(asc(log.id));
}

let helpCounter = 0;

/** The partner-help request modal, submitted as Slack sends it. */
export function helpSubmission(user: SlackUser, account: string) {
  helpCounter += 1;
  const values = {
    [HELP_BLOCK_ID.account]: input(account),
    [HELP_BLOCK_ID.ask]: input('An intro to their CIO, please.'),
    [HELP_BLOCK_ID.partner]: input(null),
  };
  return viewSubmission({
    callbackId: CALLBACK_ID.helpRequest,
    user,
    viewId: `V0MATRIXHELP${helpCounter}`,
    values,
  });
}

/** An open partner-help request (asked by Sam, an AE no cell acts as), reused while nobody took it. */
export class HelpPool {
  private current: HelpRequestRow | undefined;
  private counter = 0;
  constructor(private readonly h: Harness) {}

  async get(): Promise<HelpRequestRow> {
    const h = this.h;
    const { helpRequests: r } = h.tables;
    const row = (id: number) => first(h.database.db.select().from(r).where(eq(r.id, id)));
    if (this.current && isDeepStrictEqual(await row(this.current.id), this.current)) return this.current;
    this.counter += 1;
    const sam = { id: people.otherAe.id, team_id: TEAM };
    expect(await submitView(h, helpSubmission(sam, `Help Account ${this.counter}`))).toEqual({
      via: 'inline',
      body: {},
    });
    const created = (await h.database.db.select().from(r).orderBy(asc(r.id))).at(-1);
    expect(created).toMatchObject({ status: 'open', requestedByUserId: people.otherAe.id });
    await settled(h);
    this.current = await row(created?.id ?? 0);
    return this.current as HelpRequestRow;
  }
}

let resellerCounter = 0;

/** Names of a reseller and its account no other call uses. */
export function nextResellerNames(): { account: string; reseller: string } {
  resellerCounter += 1;
  return { account: `Registry Account ${resellerCounter}`, reseller: `Channel Partner ${resellerCounter}` };
}

/** A reseller registered directly in the registry (setup only). */
export async function registerReseller(h: Harness): Promise<{ account: string; reseller: string }> {
  const { account, reseller } = nextResellerNames();
  const names = {
    accountName: account,
    resellerName: reseller,
    addedByUserId: REVOPS.id,
    addedAt: h.clock.now(),
  };
  const keys = { accountKey: accountKey(account), resellerKey: accountKey(reseller) };
  expect(await h.database.db.transaction((tx) => addReseller(tx, { ...keys, ...names }))).toBe(true);
  return { account, reseller };
}

export async function resellerRow(h: Harness, account: string, reseller: string) {
  const { registeredResellers: r } = h.tables;
  const both = and(eq(r.accountKey, accountKey(account)), eq(r.resellerKey, accountKey(reseller)));
  return first(h.database.db.select().from(r).where(both));
}

let parkedCounter = 0;

/** One parked (dead) message, as the outbox leaves it after Slack refused it for good; reused while still parked. */
export async function ensureParked(h: Harness): Promise<number> {
  const { outbox } = h.tables;
  const dead = await h.database.db.select().from(outbox).where(eq(outbox.status, 'dead'));
  if (dead.length === 1) return (dead[0] as { id: number }).id;
  expect(dead).toHaveLength(0);
  parkedCounter += 1;
  const now = h.clock.now();
  const [made] = await h.database.db.transaction((tx) =>
    tx
      .insert(outbox)
      .values({
        dedupeKey: `matrix:parked:${parkedCounter}`,
        channelKey: people.member.id,
        method: 'chat.postMessage',
        payload: { text: `A parked message ${parkedCounter}`, channel: people.member.id },
        status: 'dead',
        attempts: 8,
        nextAttemptAt: now,
        lastError: 'channel_not_found',
        createdAt: now,
      })
      .returning({ id: outbox.id }),
  );
  if (!made) throw new Error('the parked message was not stored');
  return made.id;
}

export async function outboxRow(h: Harness, id: number): Promise<OutboxRow | undefined> {
  const { outbox } = h.tables;
  return first(h.database.db.select().from(outbox).where(eq(outbox.id, id)));
}
