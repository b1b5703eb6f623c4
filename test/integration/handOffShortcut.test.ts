import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_ID,
  PACKET_BLOCK_ID,
  PACKET_POOL_BLOCK_ID,
  REVIEW_BLOCK_ID,
  SHORTCUT_ID,
} from '../../src/blocks/ids.js';
import { SUGGESTIONS_BLOCK_ID } from '../../src/blocks/packetSuggestions.js';
import { handoffNamed, sentEventOf } from '../support/attributionFlow.js';
import { account, hubspotApp, stopAll } from '../support/crmFlow.js';
import type { FakeHubspot } from '../support/fakeHubspot.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { FakeView } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { dmOf, outboxDrained, QUIET, reassignTo } from '../support/ownerFlow.js';
import {
  blockAction,
  confirmationsOn,
  northwind,
  packetState,
  packetSubmission,
  reviewSubmission,
} from '../support/payloads.js';
import { channels, PARTNER_TEAM, PARTNER_TEAM_NAME, people, TEAM } from '../support/people.js';

/**
 * "Hand off this deal" through the real receiver: the message shortcut on a partner's message, an internal message and
 * a thread reply; the packet prefilled from the channel's partner, the author's profile, the message and the CRM
 * (Salesforce, HubSpot, none); the account's owner as the suggested AE, first for a pool without using a turn, and
 * asked about when passed over; the message's permalink kept as the handoff's source.
 */

interface PrefilledView {
  id?: string;
  private_metadata?: string;
  blocks: {
    type: string;
    block_id?: string;
    hint?: { text: string };
    elements?: { text?: string }[];
    element?: {
      initial_value?: string;
      initial_user?: string;
      initial_conversation?: string;
      action_id?: string;
    };
  }[];
}

/** "Hand off this deal" on a message of `channel`, as Slack sends it, by `user` (Pat); its trigger id. */
async function shortcutOn(
  h: Harness,
  channel: { id: string; name: string },
  ts: string,
  user: { id: string; team_id: string } = { id: people.author.id, team_id: TEAM },
): Promise<string> {
  const message = h.slack.messages(channel.id).find((m) => m.ts === ts);
  const triggerId = h.slack.issueTriggerId();
  const response = await h.interact({
    type: 'message_action',
    callback_id: SHORTCUT_ID.handOff,
    trigger_id: triggerId,
    response_url: h.slack.responseUrl(),
    message_ts: ts,
    message: {
      type: 'message',
      user: message?.user,
      ts,
      text: message?.text ?? '',
      ...(message?.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    channel,
    user: { id: user.id, name: user.id.toLowerCase(), team_id: user.team_id },
    team: { id: user.team_id, domain: 'acme' },
    token: 'legacy-verification-token',
    action_ts: '1795442400.000300',
    api_app_id: 'A0APP',
    is_enterprise_install: false,
  });
  expect(response.status).toBe(200);
  return triggerId;
}

/** The shortcut by Pat; resolves with the packet view that replaced the loading one. */
async function handOffFrom(h: Harness, opts: { channel: { id: string; name: string }; ts: string }) {
  const updatesBefore = h.slack.callsTo('views.update').length;
  const triggerId = await shortcutOn(h, opts.channel, opts.ts);
  const opened = await waitFor(
    () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
    4000,
    'the loading view',
  );
  const viewId = (opened.response as { view?: { id?: string } }).view?.id;
  const update = await waitFor(
    () =>
      h.slack
        .callsTo('views.update')
        .slice(updatesBefore)
        .find((c) => c.args.view_id === viewId),
    6000,
    'the prefilled packet',
  );
  return update.args.view as PrefilledView;
}

/** The prefilled value of a packet input (text, user or channel). */
function initialOf(view: PrefilledView, blockId: string): string | undefined {
  const element = view.blocks.find((b) => b.block_id === blockId)?.element;
  return element?.initial_value ?? element?.initial_user ?? element?.initial_conversation;
}

const hintOf = (view: PrefilledView, blockId: string) =>
  view.blocks.find((b) => b.block_id === blockId)?.hint?.text;

/** The notes the prefill put under the intro (context blocks before the first header). */
function notesOf(view: PrefilledView): string {
  const firstHeader = view.blocks.findIndex((b) => b.type === 'header');
  return view.blocks
    .slice(0, firstHeader)
    .flatMap((b) => (b.elements ?? []).map((e) => e.text ?? ''))
    .join('\n');
}

const EMAILS = { jordan: 'jordan@acme.example', sam: 'sam@acme.example' };
const POLICY = {
  pools: { backup: { users: [people.otherAe.id, people.member.id] } },
  policies: { standard: [{ at: 'due', action: 'notify', to: ['owner'] }] },
  routes: [],
};

const DANA_SAYS =
  'Hi team, Northwind Logistics (northwind.example) is moving its EU warehouses to a new WMS by March and asked us for a partner who knows the carrier integrations.';

/** Emails and titles as Slack's profiles give them: the CRM's owner is found by email. */
function withProfiles(h: Harness) {
  h.slack.addUser({ ...people.ae, email: EMAILS.jordan });
  h.slack.addUser({ ...people.otherAe, email: EMAILS.sam });
  h.slack.addUser({ ...people.partner, title: 'Alliances lead' });
}

/** A pool packet: the AE empty, the pool "backup" picked. */
function poolPacket(values: Record<string, unknown>, privateMetadata?: string) {
  const payload = packetSubmission({
    values: { ...values, aeUserId: null },
    ...(privateMetadata ? { privateMetadata } : {}),
  }) as unknown as { view: { state: { values: Record<string, unknown> } } };
  payload.view.state.values[PACKET_POOL_BLOCK_ID] = {
    [ACTION_ID.value]: {
      type: 'static_select',
      selected_option: { value: 'backup', text: { type: 'plain_text', text: 'backup' } },
    },
  };
  return payload;
}

interface Pushed {
  response_action: string;
  errors?: Record<string, string>;
  view: { blocks: unknown[]; private_metadata: string };
}

async function review(h: Harness, payload: unknown): Promise<Pushed & { draftId: number; text: string }> {
  const answer = (await (await h.interact(payload)).json()) as Pushed;
  expect(answer.response_action, JSON.stringify(answer.errors)).toBe('push');
  const { draftId } = JSON.parse(answer.view.private_metadata) as { draftId: number };
  return { ...answer, draftId, text: JSON.stringify(answer.view.blocks) };
}

/** Dana's message in the partner channel; its ts. */
const danaSays = (h: Harness) =>
  h.slack.postAsPerson({ channel: channels.partner.id, user: people.partner.id, text: DANA_SAYS });

describe('Hand off this deal, with Salesforce', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    sf = await FakeSalesforce.start();
    dir = mkdtempSync(join(tmpdir(), 'handoff-shortcut-'));
    writeFileSync(join(dir, 'policies.json'), JSON.stringify(POLICY));
    h = await startHarness({
      env: {
        ...QUIET,
        ESCALATION_POLICY_FILE: join(dir, 'policies.json'),
        SALESFORCE_LOGIN_URL: sf.loginUrl,
        SALESFORCE_CLIENT_ID: sf.clientId,
        SALESFORCE_CLIENT_SECRET: sf.clientSecret,
      },
    });
    withProfiles(h);
    const jordan = sf.addUser({ firstName: 'Jordan', lastName: 'Seller', email: EMAILS.jordan });
    const lena = sf.addUser({ firstName: 'Lena', lastName: 'Ortiz', email: 'lena@acme.example' });
    sf.addAccount({ name: 'Northwind Logistics', website: 'https://www.northwind.example', ownerId: jordan });
    sf.addAccount({ name: 'Smith & Jones Dental', ownerId: jordan });
    sf.addAccount({ name: 'Fabrikam Dental', website: 'fabrikam.example', ownerId: jordan });
    sf.addAccount({ name: 'Contoso Freight', website: 'contoso.example', ownerId: lena });
  });
  afterAll(async () => {
    await h.stop();
    await sf.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prefills the packet from a partner’s message in the shared channel, each field saying where from', async () => {
    const ts = danaSays(h);
    const view = await handOffFrom(h, { channel: channels.partner, ts });
    expect(initialOf(view, PACKET_BLOCK_ID.accountName)).toBe('Northwind Logistics (northwind.example)');
    expect(hintOf(view, PACKET_BLOCK_ID.accountName)).toMatch(
      /^From Salesforce: matched by northwind\.example/,
    );
    expect(initialOf(view, PACKET_BLOCK_ID.partnerContactName)).toBe('Dana Reyes, Alliances lead');
    expect(hintOf(view, PACKET_BLOCK_ID.partnerContactName)).toMatch(/^Dana Reyes wrote the message/);
    // Without the greeting.
    expect(initialOf(view, PACKET_BLOCK_ID.customerTrigger)).toBe(DANA_SAYS.replace('Hi team, ', ''));
    expect(hintOf(view, PACKET_BLOCK_ID.customerTrigger)).toMatch(/^From Dana Reyes's message\./);
    expect(initialOf(view, PACKET_BLOCK_ID.partnerChannelId)).toBe(channels.partner.id);
    expect(initialOf(view, PACKET_BLOCK_ID.aeUserId)).toBe(people.ae.id);
    expect(hintOf(view, PACKET_BLOCK_ID.aeUserId)).toMatch(
      /^From Salesforce: Jordan Seller owns Northwind Logistics in Salesforce\./,
    );
    const metadata = JSON.parse(view.private_metadata ?? '{}') as { source?: string };
    const permalink = `https://acme.slack.com/archives/${channels.partner.id}/p${ts.replace('.', '')}`;
    expect(metadata.source).toBe(permalink);
    expect(initialOf(view, PACKET_BLOCK_ID.evidenceUrl)).toBe(permalink);
    expect(hintOf(view, PACKET_BLOCK_ID.evidenceUrl)).toMatch(/^The message this packet was started from/);
    expect(notesOf(view)).toContain('Started from Dana Reyes&#39;s message'.replace('&#39;', "'"));
  });

  it('reads an internal thread: the account named in the parent, from a reply; no partner is assumed', async () => {
    const parent = h.slack.postAsPerson({
      channel: channels.internal.id,
      user: people.author.id,
      text: 'Smith & Jones Dental wants help with their claims backlog, who do we know there?',
    });
    const reply = h.slack.postAsPerson({
      channel: channels.internal.id,
      user: people.member.id,
      text: 'Meridian knows their IT lead, I think',
      thread_ts: parent,
    });
    const view = await handOffFrom(h, { channel: channels.internal, ts: reply });
    expect(initialOf(view, PACKET_BLOCK_ID.accountName)).toBe('Smith & Jones Dental');
    expect(hintOf(view, PACKET_BLOCK_ID.accountName)).toMatch(
      /^From Salesforce: matched by “Smith & Jones Dental”/,
    );
    expect(initialOf(view, PACKET_BLOCK_ID.partnerChannelId)).toBeUndefined();
    expect(initialOf(view, PACKET_BLOCK_ID.partnerContactName)).toBeUndefined();
    expect(notesOf(view)).toContain('not a partner’s Slack Connect channel');
    expect(initialOf(view, PACKET_BLOCK_ID.customerTrigger)).toBe('Meridian knows their IT lead, I think');
  });

  it('says what it searched when the CRM has no such account, and who owns it when they are not in Slack', async () => {
    const none = h.slack.postAsPerson({
      channel: channels.internal.id,
      user: people.author.id,
      text: 'Tailwind Traders (tailwind.example) asked for a demo',
    });
    const nothing = await handOffFrom(h, { channel: channels.internal, ts: none });
    expect(notesOf(nothing)).toContain(
      'Salesforce: nothing found under names or domains like “Tailwind Traders”',
    );
    expect(initialOf(nothing, PACKET_BLOCK_ID.accountName)).toBe('Tailwind Traders (tailwind.example)');
    expect(hintOf(nothing, PACKET_BLOCK_ID.accountName)).toMatch(/^From Pat Marketer's message\./);
    const lenas = h.slack.postAsPerson({
      channel: channels.internal.id,
      user: people.author.id,
      text: 'Contoso Freight is asking about EDI',
    });
    const notInSlack = await handOffFrom(h, { channel: channels.internal, ts: lenas });
    expect(initialOf(notInSlack, PACKET_BLOCK_ID.aeUserId)).toBeUndefined();
    expect(notesOf(notInSlack)).toContain(
      'Lena Ortiz owns Contoso Freight in Salesforce, but nobody in Slack has Lena Ortiz&#39;s email'.replace(
        '&#39;',
        "'",
      ),
    );
  });

  it('keeps the message as the source and tells the AE why they got it', async () => {
    const source = 'https://acme.slack.com/archives/C0PARTNER/p1795442400000100';
    const values = { accountName: 'Northwind Logistics', accountDomain: 'northwind.example' };
    const r = await review(h, packetSubmission({ values, privateMetadata: JSON.stringify({ source }) }));
    expect(r.text).toContain(':dart: Jordan Seller owns Northwind Logistics in Salesforce.');
    const sent = await h.interact(reviewSubmission({ draftId: r.draftId, confirm: confirmationsOn(r.view) }));
    expect(await sent.json()).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Northwind Logistics');
    expect(handoff?.sourceUrl).toBe(source);
    expect(handoff?.routingReason).toBe('Jordan Seller owns Northwind Logistics in Salesforce');
    await outboxDrained(h);
    const dm = JSON.stringify(dmOf(h, people.ae.id));
    expect(dm).toContain(':dart: Why this AE: Jordan Seller owns Northwind Logistics in Salesforce.');
    expect(dm).toContain(`<${source}|a message in Slack>`);
    expect((await sentEventOf(h, handoff?.id as number))?.detail).toMatchObject({ source });
    // Reassigned, the new AE is not told the CRM chose them: the line was the owner's.
    await reassignTo(h, handoff?.id as number, people.otherAe.id);
    expect((await handoffNamed(h, 'Northwind Logistics'))?.routingReason).toBeNull();
    await outboxDrained(h);
    expect(JSON.stringify(dmOf(h, people.otherAe.id))).not.toContain('Why this AE');
  });

  it('offers the author’s last packet for the partner one click per field, never filled silently', async () => {
    // Pat sent Northwind to Meridian above: /handoff in Meridian's channel offers its contact, value and path; the
    // path names Northwind, so it is marked and "Use all" leaves it out (issue 77 item 15).
    const trigger = h.slack.issueTriggerId();
    await h.command({ text: '', channel_id: channels.partner.id, trigger_id: trigger });
    const opened = await waitFor(
      () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === trigger),
      4000,
      'the packet',
    );
    const view = opened.args.view as PrefilledView;
    expect(initialOf(view, PACKET_BLOCK_ID.jointValue)).toBeUndefined();
    const buttons = view.blocks.find((b) => b.block_id === SUGGESTIONS_BLOCK_ID) as unknown as {
      elements: { text: { text: string }; value: string }[];
    };
    expect(buttons.elements.map((e) => e.text.text)).toEqual([
      'Contact: Dana Reyes, Alliances lead',
      'Joint value',
      'Warm path (names Northwind Logistics)',
      'Use all',
    ]);
    expect(JSON.stringify(view.blocks)).toContain(
      'The warm path names Northwind Logistics: use it only for that account. \\"Use all\\" leaves them out.',
    );
    const viewId = (opened.response as { view: { id: string } }).view.id;
    // The form holds the account typed so far: Fabrikam, not the account the suggestion came from.
    const typed = packetState(account('Fabrikam Suggested'));
    const click = (value: string, user = { id: people.author.id, team_id: TEAM }) => {
      const fake = h.slack.view(viewId) as FakeView;
      return h.interact({
        ...blockAction({ actionId: `${ACTION_ID.packetSuggest}:all`, value, user }),
        container: { type: 'view', view_id: viewId },
        view: { ...fake, state: { values: typed } },
      });
    };
    // Someone else's handoff in a forged button: nothing changes.
    const updates = h.slack.callsTo('views.update').length;
    await click(`${9999}:all`);
    const [all] = buttons.elements.filter((e) => e.text.text === 'Use all');
    await click(all?.value ?? '');
    const updated = await waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .slice(updates)
          .find((c) => c.args.view_id === viewId),
      4000,
      'the filled packet',
    );
    expect(h.slack.callsTo('views.update').slice(updates)).toHaveLength(1);
    const filled = updated.args.view as PrefilledView;
    expect(initialOf(filled, PACKET_BLOCK_ID.jointValue)).toBe(northwind.jointValue);
    expect(initialOf(filled, PACKET_BLOCK_ID.warmPath)).toBeUndefined();
    expect(filled.blocks.find((b) => b.block_id === PACKET_BLOCK_ID.jointValue)?.element?.action_id).toBe(
      `${ACTION_ID.value}~1`,
    );
    const left = filled.blocks.find((b) => b.block_id === SUGGESTIONS_BLOCK_ID) as unknown as {
      elements: { text: { text: string } }[];
    };
    expect(left.elements.map((e) => e.text.text)).toEqual(['Warm path (names Northwind Logistics)']);
    expect(hintOf(filled, PACKET_BLOCK_ID.jointValue)).toMatch(
      /^From your last packet for Meridian Cloud Consulting \(#1\)\./,
    );
    // Submitted with the new action ids, the values are read as typed; a warm path still about Northwind is scored
    // as not about Fabrikam, the field named.
    const payload = packetSubmission({ values: account('Fabrikam Suggested') }) as unknown as {
      view: { state: { values: Record<string, Record<string, unknown>> } };
    };
    const values = payload.view.state.values;
    const joint = values[PACKET_BLOCK_ID.jointValue] as Record<string, unknown>;
    values[PACKET_BLOCK_ID.jointValue] = { [`${ACTION_ID.value}~1`]: joint[ACTION_ID.value] };
    const r = await review(h, payload);
    expect(r.text).toContain('Fabrikam Suggested');
    expect(r.text).toContain('the warm path names Northwind Logistics, not Fabrikam Suggested');
  });

  it('asks why when the author passes the owner over, and logs the reason', async () => {
    const values = { ...account('Smith & Jones Dental'), accountDomain: null, aeUserId: people.otherAe.id };
    const r = await review(h, packetSubmission({ values }));
    expect(r.text).toContain(REVIEW_BLOCK_ID.ownerReason);
    expect(r.text).toContain('Why not Jordan Seller?');
    const refused = await h.interact(
      reviewSubmission({ draftId: r.draftId, confirm: confirmationsOn(r.view), ownerReason: '  ' }),
    );
    expect(await refused.json()).toMatchObject({
      response_action: 'errors',
      errors: { [REVIEW_BLOCK_ID.ownerReason]: expect.stringContaining('The CRM names another owner') },
    });
    expect(await handoffNamed(h, 'Smith & Jones Dental')).toBeUndefined();
    const why = 'Sam ran their last dental rollout';
    const sent = await h.interact(
      reviewSubmission({ draftId: r.draftId, confirm: confirmationsOn(r.view), ownerReason: why }),
    );
    expect(await sent.json()).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Smith & Jones Dental');
    expect(handoff?.aeUserId).toBe(people.otherAe.id);
    expect(handoff?.routingReason).toBeNull();
    expect((await sentEventOf(h, handoff?.id as number))?.detail).toMatchObject({
      ownerPassedOver: { user: people.ae.id, why },
    });
  });

  it('sends a pool packet to the account’s owner first, without using anyone’s round-robin turn', async () => {
    const owned = await review(h, poolPacket({ accountName: 'Contoso Freight', accountDomain: null }));
    // Lena is not in Slack: round robin as before, the pool's first member.
    expect(owned.text).toContain(`Round robin: <@${people.otherAe.id}> is the next AE`);
    const r = await review(
      h,
      poolPacket({ accountName: 'Fabrikam Dental', accountDomain: 'fabrikam.example' }),
    );
    expect(r.text).toContain(
      `:dart: Jordan Seller owns Fabrikam Dental in Salesforce: sent to <@${people.ae.id}> first, not to the next AE of the *Backup* pool. Nobody's round-robin turn is used.`,
    );
    // Sent, no pool is logged: the pool's next packet still goes to its first member, whose turn it was.
    const sent = await h.interact(reviewSubmission({ draftId: r.draftId, confirm: confirmationsOn(r.view) }));
    expect(await sent.json()).toEqual({ response_action: 'clear' });
    const handoffs = await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id);
    const toOwner = handoffs.at(-1);
    expect(toOwner?.aeUserId).toBe(people.ae.id);
    const detail = (await sentEventOf(h, toOwner?.id as number))?.detail;
    expect(detail).toMatchObject({ routedToOwner: 'Jordan Seller owns Fabrikam Dental in Salesforce' });
    expect(detail).not.toHaveProperty('pool');
    const next = await review(h, poolPacket(account('Litware Pool')));
    expect(next.text).toContain(`Round robin: <@${people.otherAe.id}> is the next AE`);
  });

  it('still applies absence and cover when the owner is away', async () => {
    h.slack.setStatus(people.ae.id, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
    try {
      const r = await review(
        h,
        packetSubmission({ values: { ...account('Smith & Jones Dental'), accountDomain: null } }),
      );
      expect(r.text).toContain(':dart: Jordan Seller owns Smith &amp; Jones Dental in Salesforce.');
      expect(r.text).toContain(REVIEW_BLOCK_ID.absence);
    } finally {
      h.slack.setStatus(people.ae.id, { text: '', emoji: '', expiration: null });
    }
  });
});

describe('Hand off this deal, with HubSpot', () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeAll(async () => {
    ({ hs, h } = await hubspotApp());
    withProfiles(h);
    const sam = hs.addOwner({ email: EMAILS.sam, firstName: 'Sam', lastName: 'Closer' });
    hs.addCompany({ name: 'Clínica Saúde Integral', domain: 'clinicasaude.example', ownerId: sam });
  });
  afterAll(() => stopAll(h, hs));

  it('prefills the company’s owner as the AE, the name matched with its accents; asks why when the packet goes to someone else', async () => {
    const ts = h.slack.postAsPerson({
      channel: channels.partner.id,
      user: people.partner.id,
      text: 'Clínica Saúde Integral wants to move their scheduling to the cloud before summer.',
    });
    const view = await handOffFrom(h, { channel: channels.partner, ts });
    expect(initialOf(view, PACKET_BLOCK_ID.accountName)).toBe(
      'Clínica Saúde Integral (clinicasaude.example)',
    );
    expect(initialOf(view, PACKET_BLOCK_ID.aeUserId)).toBe(people.otherAe.id);
    expect(hintOf(view, PACKET_BLOCK_ID.aeUserId)).toMatch(
      /^From HubSpot: Sam Closer owns Clínica Saúde Integral/,
    );

    // Sent to someone else than the company's owner: the review asks why.
    const values = { accountName: 'Clínica Saúde Integral', accountDomain: null, aeUserId: people.ae.id };
    const r = await review(h, packetSubmission({ values }));
    expect(r.text).toContain(
      `:dart: Sam Closer owns Clínica Saúde Integral in HubSpot, not <@${people.ae.id}>.`,
    );
    expect(r.text).toContain('Why not Sam Closer?');
  });
});

describe('Hand off this deal, without a CRM', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: QUIET });
    withProfiles(h);
  });
  afterAll(async () => h.stop());

  it('prefills from the message alone, and says so; names the partner of a channel not yet bound as Slack names the organization it is shared with', async () => {
    const ts = danaSays(h);
    const view = await handOffFrom(h, { channel: channels.partner, ts });
    expect(initialOf(view, PACKET_BLOCK_ID.accountName)).toBe('Northwind Logistics (northwind.example)');
    expect(hintOf(view, PACKET_BLOCK_ID.accountName)).toMatch(/^From Dana Reyes's message\. Check the name/);
    expect(initialOf(view, PACKET_BLOCK_ID.aeUserId)).toBeUndefined();
    expect(initialOf(view, PACKET_BLOCK_ID.partnerContactName)).toBe('Dana Reyes, Alliances lead');
    // Nothing sent to the channel yet: the directory does not know whose it is; Slack does (conversations.info's
    // connected team, team.info's name).
    expect(initialOf(view, PACKET_BLOCK_ID.partnerChannelId)).toBe(channels.partner.id);
    expect(initialOf(view, PACKET_BLOCK_ID.partnerOrg)).toBe(PARTNER_TEAM_NAME);
    expect(hintOf(view, PACKET_BLOCK_ID.partnerOrg)).toMatch(
      /^From Slack: the organization this channel is shared with\. Not in the partner directory yet: sending binds the channel to it\. Change it if the deal is another partner's\./,
    );
    expect(notesOf(view)).toContain(
      `Partner assumed: *${PARTNER_TEAM_NAME}*, the organization Slack says this channel is shared with.`,
    );
    expect(
      h.slack.callsTo('team.info').some((c) => c.args.team === PARTNER_TEAM),
      'team.info asked for the connected team',
    ).toBe(true);
  });

  it('says which partner it assumed in another partner’s channel, and asks in a DM', async () => {
    // Meridian's channel is bound once a handoff went there; then the shortcut there names Meridian.
    await sendHandoff(h, account('Bound Account'));
    const ts = danaSays(h);
    const inChannel = await handOffFrom(h, { channel: channels.partner, ts });
    expect(notesOf(inChannel)).toContain(
      'Partner assumed: *Meridian Cloud Consulting*, whose channel this is.',
    );
    expect(initialOf(inChannel, PACKET_BLOCK_ID.partnerOrg)).toBe('Meridian Cloud Consulting');
    const dm = h.slack.dmChannelFor(people.author.id);
    const inDm = h.slack.postAsPerson({
      channel: dm,
      user: people.author.id,
      text: 'Contoso Freight wants EDI',
    });
    const fromDm = await handOffFrom(h, { channel: { id: dm, name: 'directmessage' }, ts: inDm });
    expect(notesOf(fromDm)).toContain('not a partner’s Slack Connect channel');
    expect(initialOf(fromDm, PACKET_BLOCK_ID.partnerOrg)).toBeUndefined();
    expect(initialOf(fromDm, PACKET_BLOCK_ID.accountName)).toBe('Contoso Freight');
  });

  it('refuses the partner’s own people clearly, with nothing opened', async () => {
    const ts = danaSays(h);
    const opens = h.slack.callsTo('views.open').length;
    await shortcutOn(h, channels.partner, ts, { id: people.partner.id, team_id: PARTNER_TEAM });
    await outboxDrained(h);
    expect(h.slack.callsTo('views.open').length).toBe(opens);
  });
});
