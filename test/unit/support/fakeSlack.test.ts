import { type WebAPIHTTPError, WebAPIRequestError, type WebClientOptions } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { platformError, slackAnswer, slackClient } from '../../support/fakeClients.js';
import { heldDelays } from '../../support/fakeHttp.js';
import { FakeSlack, validateView } from '../../support/fakeSlack.js';
import { slackSignature } from '../../support/signing.js';

let fake: FakeSlack;

const client = (opts: WebClientOptions = {}, token = fake.token) =>
  slackClient(fake, token, { rejectRateLimitedCalls: true, ...opts });

const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});
const button = (extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'go',
  text: { type: 'plain_text', text: 'Go' },
  ...extra,
});
const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Handoff' },
  blocks: [section('hello')],
  ...extra,
});
const textInput = (element: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  label: { type: 'plain_text', text: 'Note' },
  element: { type: 'plain_text_input', action_id: 'note', ...element },
  ...extra,
});

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  fake.addUser({
    id: 'U1',
    team_id: fake.teamId,
    name: 'ada',
    real_name: 'Ada Lovelace',
    tz: 'Europe/London',
  });
  fake.addUser({ id: 'WEXT', team_id: 'T0PARTNER', name: 'pat' });
  fake.addUser({ id: 'UOTHERBOT', team_id: fake.teamId, name: 'otherbot', is_bot: true });
  fake.addChannel({ id: 'C1', name: 'deals', members: [fake.botUserId, 'U1'] });
  fake.addChannel({ id: 'C2', name: 'no-bot', members: ['U1'] });
  fake.addChannel({ id: 'G1', name: 'secret', is_private: true, members: ['U1'] });
  fake.addChannel({
    id: 'CSHARED',
    name: 'partner-acme',
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [fake.teamId, 'T0PARTNER'],
    members: [fake.botUserId, 'U1', 'WEXT'],
  });
});

describe('FakeSlack: auth, reads and refusals', () => {
  it('answers auth.test, users.info (with timezone details) and conversations.info in Slack shape', async () => {
    const res = await client().auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T0INTERNAL', user_id: 'UBOT', bot_id: 'BBOT' });
    expect(res.url).toMatch(/^https:\/\//);
    const { user } = await client().users.info({ user: 'U1' });
    expect(user).toMatchObject({
      id: 'U1',
      team_id: 'T0INTERNAL',
      name: 'ada',
      real_name: 'Ada Lovelace',
      tz: 'Europe/London',
      is_bot: false,
      deleted: false,
      profile: { real_name: 'Ada Lovelace', display_name: 'ada' },
    });
    expect([0, 3600]).toContain(user?.tz_offset);
    expect(user?.tz_label).toMatch(/Time$/);
    const { channel } = await client().conversations.info({ channel: 'CSHARED' });
    expect(channel).toMatchObject({
      id: 'CSHARED',
      name: 'partner-acme',
      is_channel: true,
      is_im: false,
      is_private: false,
      is_member: true,
      is_shared: true,
      is_ext_shared: true,
      is_org_shared: false,
      is_pending_ext_shared: false,
      shared_team_ids: ['T0INTERNAL', 'T0PARTNER'],
    });
    expect((await client().conversations.info({ channel: 'C2' })).channel?.is_member).toBe(false);
  });

  it('reads a token from a form body or a bearer header (not recorded in args), JSON bodies and JSON form fields', async () => {
    const form = await fetch(`${fake.apiUrl}users.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fake.token, user: 'U1' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, user: { id: 'U1' } });
    const json = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.token}` },
      body: JSON.stringify({ channel: 'C1', text: 'hi', blocks: [section('hi')] }),
    });
    expect(await json.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.callsTo('chat.postMessage')[0]?.args).toEqual({
      channel: 'C1',
      text: 'hi',
      blocks: [section('hi')],
    });
    expect(fake.callsTo('users.info')[0]?.args).toEqual({ user: 'U1' });
    expect(fake.callsTo('users.info')[0]?.token).toBe(fake.token);
    // WebClient sends blocks and metadata as JSON strings in a form.
    const metadata = { event_type: 'handoff_created', event_payload: { id: 'h1' } };
    await client().chat.postMessage({ channel: 'C1', text: 't', blocks: [section('x')], metadata });
    const call = fake.callsTo('chat.postMessage')[1];
    expect(call?.args.blocks).toEqual([section('x')]);
    expect(call?.args.metadata).toEqual(metadata);
    expect(fake.messages('C1')[1]?.metadata).toEqual(metadata);
    const none = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'auth.test', ok: false });
  });

  const hi = (channel: string, extra: Record<string, unknown> = {}) => ({ channel, text: 'hi', ...extra });
  /** What Slack refuses (method, error, why, arguments): each call alone, recorded as failed, leaving no message. */
  it.each([
    ['auth.test', 'invalid_auth', 'a wrong token', { token: 'xoxb-wrong' }],
    ['chat.fly', 'unknown_method', 'no such method', {}],
    ['users.info', 'user_not_found', 'an unknown user', { user: 'UNOPE' }],
    ['conversations.info', 'channel_not_found', 'an unknown channel', { channel: 'CNOPE' }],
    ['conversations.info', 'channel_not_found', 'private, without the bot', { channel: 'G1' }],
    ['chat.postMessage', 'not_in_channel', 'a channel without the bot', hi('C2')],
    ['chat.postMessage', 'not_in_channel', 'a private channel without the bot', hi('G1')],
    ['chat.postMessage', 'channel_not_found', 'an unknown channel', hi('CNOPE')],
    ['chat.postMessage', 'channel_not_found', 'an unknown user', hi('UNOPE')],
    ['chat.postMessage', 'channel_not_found', 'an unknown DM', hi('DUNOPE')],
    ['chat.postMessage', 'channel_not_found', 'a channel name: ids only', hi('#deals')],
    ['chat.postMessage', 'cannot_dm_bot', 'a DM to a bot', hi('UOTHERBOT')],
    ['chat.postMessage', 'no_text', 'neither text nor blocks', hi('C1', { text: '' })],
    ['chat.postMessage', 'msg_too_long', 'over 40000 characters', hi('C1', { text: 'x'.repeat(40_001) })],
    ['chat.postMessage', 'invalid_blocks_format', 'blocks not JSON', hi('C1', { blocks: '{not json' })],
    ['chat.postMessage', 'thread_not_found', 'a reply to no message', hi('C1', { thread_ts: '1.000100' })],
    ['chat.update', 'channel_not_found', 'by user id, not conversation', hi('U1', { ts: '1.000001' })],
    ['chat.update', 'message_not_found', 'no such message', hi('DU1', { ts: '1.000001' })],
    ['chat.postEphemeral', 'user_not_in_channel', 'to a non-member', hi('C1', { user: 'WEXT' })],
    ['chat.postEphemeral', 'invalid_blocks', 'bad blocks', hi('C1', { user: 'U1', blocks: [{ type: 'x' }] })],
    ['views.open', 'invalid_trigger_id', 'an unknown trigger', { trigger_id: '123.456.abc', view: modal() }],
    ['views.open', 'invalid_arguments', 'a Home view as a modal', { view: { type: 'home', blocks: [] } }],
    ['views.update', 'not_found', 'an unknown view', { view_id: 'VNOPE', view: modal() }],
  ])('%s: %s (%s)', async (method, error, _, args) => {
    const call = client().apiCall(method, { trigger_id: fake.issueTriggerId(), ...args });
    expect((await platformError(call)).error).toBe(error);
    expect(fake.calls).toEqual([expect.objectContaining({ method, ok: false, status: 200 })]);
    expect(['C1', 'C2', 'G1', 'CSHARED', 'DU1'].flatMap((c) => fake.messages(c))).toEqual([]);
  });
});

describe('FakeSlack: messages', () => {
  it('posts to a user id in the DM, updates it through the D id', async () => {
    const posted = await client().chat.postMessage({
      channel: 'U1',
      text: 'New handoff',
      blocks: [section('v1')],
    });
    const dm = fake.dmChannelFor('U1');
    expect(dm).toMatch(/^D/);
    expect(posted).toMatchObject({
      ok: true,
      channel: dm,
      message: {
        type: 'message',
        text: 'New handoff',
        user: 'UBOT',
        bot_id: 'BBOT',
        blocks: [section('v1')],
      },
    });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    const updated = await client().chat.update({ channel: dm, ts: posted.ts as string, text: 'Accepted' });
    expect(updated).toMatchObject({ ok: true, channel: dm, ts: posted.ts, text: 'Accepted' });
    expect(fake.messages(dm)).toEqual([
      expect.objectContaining({ ts: posted.ts, text: 'Accepted', blocks: [section('v1')], edited: true }),
    ]);
    await client().chat.update({ channel: dm, ts: posted.ts as string, text: 'Closed', blocks: [] });
    expect(fake.messages(dm)[0]).toMatchObject({ text: 'Closed', blocks: [] });
  });

  it('gives unique, increasing ts and keeps post order, text of 40000 characters included', async () => {
    const ts: string[] = [];
    for (let i = 0; i < 5; i++)
      ts.push((await client().chat.postMessage({ channel: 'C1', text: `m${i}` })).ts as string);
    expect([...ts].sort()).toEqual(ts);
    expect(new Set(ts).size).toBe(5);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await client().chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_000) });
  });

  it('threads replies on existing messages of the channel only, a reply to a reply on its parent', async () => {
    const parent = await client().chat.postMessage({ channel: 'C1', text: 'parent' });
    const reply = await client().chat.postMessage({
      channel: 'C1',
      text: 'reply',
      thread_ts: parent.ts as string,
    });
    expect(reply.message?.thread_ts).toBe(parent.ts);
    await client().chat.postMessage({ channel: 'C1', text: 'reply 2', thread_ts: reply.ts as string });
    expect(fake.messages('C1').map((m) => m.thread_ts)).toEqual([undefined, parent.ts, parent.ts]);
    const otherChannel = client().chat.postMessage({
      channel: 'CSHARED',
      text: 'x',
      thread_ts: parent.ts as string,
    });
    expect((await platformError(otherChannel)).error).toBe('thread_not_found');
  });

  it('posts ephemeral messages without storing them; validates chat.update blocks, leaving the message unchanged', async () => {
    const res = await client().chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.messages('C1')).toEqual([]);
    const posted = await client().chat.postMessage({ channel: 'C1', text: 'v1' });
    const data = await platformError(
      client().chat.update({ channel: 'C1', ts: posted.ts as string, blocks: [section('x'.repeat(3001))] }),
    );
    expect(data.error).toBe('invalid_blocks');
    expect(data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(fake.messages('C1')[0]).toMatchObject({ text: 'v1' });
    expect(fake.messages('C1')[0]?.edited).toBeUndefined();
  });
});

describe('FakeSlack: Block Kit limits', () => {
  const pad = (n: number, prefix = '') => prefix + 'x'.repeat(n - prefix.length);
  const dividers = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
  const options = (texts: string[]) =>
    texts.map((text, i) => ({ text: { type: 'plain_text', text }, value: `${i}` }));
  const select = (texts: string[]) => [
    section('pick', { accessory: { type: 'static_select', action_id: 'pick', options: options(texts) } }),
  ];
  const modalInput = (element: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    modal({ submit: { type: 'plain_text', text: 'Send' }, blocks: [textInput(element, extra)] });
  const plain = (n: number) => ({ type: 'plain_text', text: pad(n) });
  const many = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));
  const texts = (n: number, text: string) => many(n, () => ({ type: 'mrkdwn', text }));
  const actions = (...elements: unknown[]) => [{ type: 'actions', elements }];
  const fields = (...f: unknown[]) => [{ type: 'section', fields: f }];
  const buttons = (n: number) => many(n, (i) => button({ action_id: `b${i}` }));
  const linked = (url: string) => [section('s', { accessory: button({ url }) })];
  type Surface = 'message' | 'modal';
  type Build = (n: number) => unknown[] | Record<string, unknown>;
  const [M, V, B0, E0] = ['message', 'modal', '/blocks/0', '/view/blocks/0/element'] as const;
  /** Each limit: its name, Slack's number, where it applies, the pointer Slack names for one over it, a build of n. */
  const rows: [string, number, Surface, string, Build][] = [
    ['blocks per message', 50, M, '/blocks', dividers],
    ['blocks per modal', 100, V, '/view/blocks', (n) => modal({ blocks: dividers(n) })],
    ['section text', 3000, M, `${B0}/text/text`, (n) => [section(pad(n))]],
    ['section fields count', 10, M, `${B0}/fields`, (n) => fields(...texts(n, 'f'))],
    ['section field length', 2000, M, `${B0}/fields/1/text`, (n) => fields(...texts(1, 'a'), plain(n))],
    ['header text', 150, M, `${B0}/text/text`, (n) => [{ type: 'header', text: plain(n) }]],
    ['context elements', 10, M, `${B0}/elements`, (n) => [{ type: 'context', elements: texts(n, 'c') }]],
    ['actions elements', 25, M, `${B0}/elements`, (n) => actions(...buttons(n))],
    ['button text', 75, M, `${B0}/elements/0/text/text`, (n) => actions(button({ text: plain(n) }))],
    ['button value', 2000, M, `${B0}/elements/0/value`, (n) => actions(button({ value: pad(n) }))],
    ['button url', 3000, M, `${B0}/accessory/url`, (n) => linked(pad(n, 'https://example.com/?q='))],
    ['action_id', 255, M, `${B0}/elements/0/action_id`, (n) => actions(button({ action_id: pad(n) }))],
    ['block_id', 255, M, `${B0}/block_id`, (n) => [{ type: 'divider', block_id: pad(n) }]],
    ['modal title', 24, V, '/view/title/text', (n) => modal({ title: plain(n) })],
    ['modal submit', 24, V, '/view/submit/text', (n) => modal({ submit: plain(n) })],
    ['modal close', 24, V, '/view/close/text', (n) => modal({ close: plain(n) })],
    ['private_metadata', 3000, V, '/view/private_metadata', (n) => modal({ private_metadata: pad(n) })],
    ['callback_id', 255, V, '/view/callback_id', (n) => modal({ callback_id: pad(n) })],
    ['plain_text_input max_length', 3000, V, `${E0}/max_length`, (n) => modalInput({ max_length: n })],
    ['plain_text_input min_length', 3000, V, `${E0}/min_length`, (n) => modalInput({ min_length: n })],
    ['placeholder', 150, V, `${E0}/placeholder/text`, (n) => modalInput({ placeholder: plain(n) })],
    ['input label', 2000, V, '/view/blocks/0/label/text', (n) => modalInput({}, { label: plain(n) })],
    ['static_select options', 100, M, `${B0}/accessory/options`, (n) => select(many(n, (i) => `o${i}`))],
    ['option text', 75, M, `${B0}/accessory/options/0/text/text`, (n) => select([pad(n)])],
  ];

  async function attempt(surface: Surface, built: unknown): Promise<unknown> {
    if (surface === 'message') {
      return client().chat.postMessage({ channel: 'C1', text: 'fallback', blocks: built as never });
    }
    return client().views.open({ trigger_id: fake.issueTriggerId(), view: built as never });
  }

  it.each(rows)('%s: accepts %i, rejects one more', async (_name, limit, surface, pointer, build) => {
    await expect(attempt(surface, build(limit))).resolves.toMatchObject({ ok: true });
    const data = await platformError(attempt(surface, build(limit + 1)) as Promise<unknown>);
    expect(data.error).toBe(surface === 'message' ? 'invalid_blocks' : 'invalid_arguments');
    const messages = data.response_metadata?.messages ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^\[ERROR\] .+ \[json-pointer:.+\]$/);
    expect(messages[0]).toContain(`[json-pointer:${pointer}]`);
    // Slack words it either way: 'no more than 50 items' / 'must be less than 3001 characters'.
    expect(messages[0]).toMatch(new RegExp(`\\b(${limit}|${limit + 1})\\b`));
  });

  it('rejects a view over 250 kB with view_too_large', async () => {
    const big = (chars: number) =>
      modal({ blocks: Array.from({ length: 100 }, () => section('x'.repeat(chars))) });
    await client().views.open({ trigger_id: fake.issueTriggerId(), view: big(2400) as never });
    const tooBig = client().views.open({ trigger_id: fake.issueTriggerId(), view: big(2600) as never });
    expect((await platformError(tooBig)).error).toBe('view_too_large');
  });

  const label = { type: 'plain_text', text: 'L' };
  /** Blocks Slack refuses: the first problem names this pointer (or is this text), or the problems are these. */
  it.each([
    ['an unknown block type', M, [{ type: 'fancy' }], '[json-pointer:/blocks/0/type]'],
    [
      'duplicate block_ids',
      M,
      [section('a', { block_id: 'b' }), section('c', { block_id: 'b' })],
      '[json-pointer:/blocks/1/block_id]',
    ],
    [
      'a mrkdwn header',
      M,
      [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }],
      '[json-pointer:/blocks/0/text/type]',
    ],
    ['an empty section text', M, [section('')], '[json-pointer:/blocks/0/text/text]'],
    ['a section without text or fields', M, [{ type: 'section' }], '[json-pointer:/blocks/0]'],
    ['an input without element', M, [{ type: 'input', label }], '[json-pointer:/blocks/0]'],
    [
      'an input without label',
      M,
      [{ type: 'input', element: { type: 'plain_text_input' } }],
      '[json-pointer:/blocks/0]',
    ],
    ['a modal with inputs and no submit button', V, modal({ blocks: [textInput()] }), 'submit'],
    [
      'a block_id twice in a view',
      V,
      modal({ blocks: [section('a', { block_id: 'same' }), { type: 'divider', block_id: 'same' }] }),
      ['[ERROR] duplicate block_id: same [json-pointer:/view/blocks/1/block_id]'],
    ],
  ] as [string, Surface, unknown, string | string[]][])('rejects %s', async (_, surface, built, expected) => {
    const data = await platformError(attempt(surface, built) as Promise<unknown>);
    expect(data.error).toBe(surface === 'message' ? 'invalid_blocks' : 'invalid_arguments');
    if (Array.isArray(expected)) expect(data.response_metadata?.messages).toEqual(expected);
    else expect(data.response_metadata?.messages?.[0]).toContain(expected);
  });
});

describe('FakeSlack: views and trigger ids', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens a modal in Slack shape; a trigger id once (exchanged_trigger_id), and not spent by a rejected view', async () => {
    const rejected = fake.issueTriggerId();
    await platformError(client().views.open({ trigger_id: rejected, view: modal({ title: undefined }) }));
    const { view } = await client().views.open({
      trigger_id: rejected,
      view: modal({ callback_id: 'handoff', private_metadata: '{"id":1}', external_id: 'ext-1' }),
    });
    expect(view).toMatchObject({
      type: 'modal',
      team_id: 'T0INTERNAL',
      callback_id: 'handoff',
      private_metadata: '{"id":1}',
      external_id: 'ext-1',
      state: { values: {} },
      previous_view_id: null,
      title: { type: 'plain_text', text: 'Handoff' },
      blocks: [section('hello')],
    });
    expect(view?.id).toMatch(/^V/);
    expect(view?.root_view_id).toBe(view?.id);
    expect(view?.hash).toEqual(expect.any(String));
    expect(fake.view('ext-1')?.id).toBe(view?.id);
    const again = client().views.open({ trigger_id: rejected, view: modal() });
    expect((await platformError(again)).error).toBe('exchanged_trigger_id');
  });

  it('expires trigger ids after 3 seconds, or triggerTtlMs (fake Date)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const fresh = fake.issueTriggerId();
    const stale = fake.issueTriggerId();
    vi.setSystemTime(Date.now() + 2999);
    await client().views.open({ trigger_id: fresh, view: modal() });
    vi.setSystemTime(Date.now() + 1);
    const late = client().views.open({ trigger_id: stale, view: modal() });
    expect((await platformError(late)).error).toBe('expired_trigger_id');
    const quick = await FakeSlack.start({ triggerTtlMs: 20 });
    try {
      const trigger = quick.issueTriggerId();
      vi.setSystemTime(Date.now() + 20);
      const web = slackClient(quick);
      expect((await platformError(web.views.open({ trigger_id: trigger, view: modal() }))).error).toBe(
        'expired_trigger_id',
      );
    } finally {
      await quick.stop();
    }
  });

  it('stacks pushed views on the trigger’s view, or the latest opened one (limit: the modal stacks below)', async () => {
    const root = (await client().views.open({ trigger_id: fake.issueTriggerId(), view: modal() })).view;
    const second = (
      await client().views.push({ trigger_id: fake.issueTriggerId({ viewId: root?.id }), view: modal() })
    ).view;
    expect(second).toMatchObject({ root_view_id: root?.id, previous_view_id: root?.id });
    const third = (await client().views.push({ trigger_id: fake.issueTriggerId(), view: modal() })).view;
    expect(third).toMatchObject({ root_view_id: root?.id, previous_view_id: second?.id });
  });

  it('updates views by id or external_id, with hash_conflict on a stale hash; refuses a duplicate external_id', async () => {
    const opened = (
      await client().views.open({ trigger_id: fake.issueTriggerId(), view: modal({ external_id: 'h-1' }) })
    ).view;
    const id = opened?.id as string;
    const first = await client().views.update({
      view_id: id,
      hash: opened?.hash as string,
      view: modal({ blocks: [section('step 2')] }),
    });
    expect(first.view).toMatchObject({ id, root_view_id: id, blocks: [section('step 2')] });
    expect(first.view?.hash).not.toBe(opened?.hash);

    const stale = client().views.update({ view_id: id, hash: opened?.hash as string, view: modal() });
    expect((await platformError(stale)).error).toBe('hash_conflict');
    expect(fake.view(id)?.blocks).toEqual([section('step 2')]);

    await client().views.update({ external_id: 'h-1', view: modal({ blocks: [section('step 3')] }) });
    expect(fake.view(id)?.blocks).toEqual([section('step 3')]);

    const invalid = client().views.update({
      view_id: id,
      view: modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }),
    });
    expect((await platformError(invalid)).error).toBe('invalid_arguments');
    const dup = client().views.open({
      trigger_id: fake.issueTriggerId(),
      view: modal({ external_id: 'h-1' }),
    });
    expect((await platformError(dup)).error).toBe('duplicate_external_id');
  });
});

/**
 * Modal stacks change as Slack's do (https://docs.slack.dev/surfaces/modals): at most 3 views; the person closing the
 * top view takes it off; an answer to a view_submission closes the view (empty answer), closes them all (`clear`),
 * replaces it (`update`), stacks one more (`push`) or keeps it (`errors`).
 */
describe('FakeSlack: modal stacks as Slack keeps them', () => {
  const titled = (title: string, extra: Record<string, unknown> = {}) =>
    modal({ title: { type: 'plain_text', text: title }, blocks: [section(title)], ...extra });
  async function open(title = 'Packet', extra: Record<string, unknown> = {}): Promise<string> {
    const { view } = await client().views.open({
      trigger_id: fake.issueTriggerId(),
      view: titled(title, extra),
    });
    return view?.id as string;
  }
  /** The app answers a submission of `viewId` with `response_action: 'push'`, as the packet modal does (the review). */
  function pushReview(viewId: string, extra: Record<string, unknown> = {}): string {
    const outcome = fake.answerViewSubmission(viewId, {
      response_action: 'push',
      view: titled('Review', { close: { type: 'plain_text', text: 'Back to edit' }, ...extra }),
    });
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.view?.id as string;
  }

  it('Back (closing the pushed view) takes it off the stack: back to edit three times, the review still opens; clear_on_close closes all', async () => {
    const packet = await open();
    for (let round = 1; round <= 3; round += 1) {
      const review = pushReview(packet);
      expect(fake.viewStack(packet)).toEqual([packet, review]);
      expect(fake.closeView(review)).toEqual({ ok: true, closed: [review], cleared: false });
      // The packet shows again, alone on its stack.
      expect(fake.viewStack(packet)).toEqual([packet]);
      expect(fake.viewStack(review)).toBeUndefined();
    }
    const review = pushReview(packet);
    expect(fake.viewStack(packet)).toEqual([packet, review]);
    // Send: the app answers clear, and every view of the modal is gone.
    expect(fake.answerViewSubmission(review, { response_action: 'clear' })).toMatchObject({
      ok: true,
      action: 'clear',
      closed: [review, packet],
    });
    expect(fake.viewStack(packet)).toBeUndefined();
    // Closing a view with clear_on_close closes the whole stack (is_cleared).
    const root = await open();
    const cleared = pushReview(root, { clear_on_close: true });
    expect(fake.closeView(cleared)).toEqual({ ok: true, closed: [cleared, root], cleared: true });
    expect(fake.viewStack(root)).toBeUndefined();
  });

  it('still refuses a fourth view (push_limit_reached), through views.push and through a push answer alike', async () => {
    const root = await open();
    const second = pushReview(root);
    const third = (
      await client().views.push({
        trigger_id: fake.issueTriggerId({ viewId: second }),
        view: titled('Third'),
      })
    ).view?.id as string;
    expect(fake.viewStack(root)).toEqual([root, second, third]);
    expect(fake.answerViewSubmission(third, { response_action: 'push', view: titled('Fourth') })).toEqual({
      ok: false,
      error: 'push_limit_reached',
    });
    const viaApi = client().views.push({
      trigger_id: fake.issueTriggerId({ viewId: third }),
      view: titled('Fourth'),
    });
    expect(await slackAnswer(viaApi)).toBe('push_limit_reached');
    expect(fake.viewStack(root)).toEqual([root, second, third]);
    // Once the top view is closed, there is room again.
    fake.closeView(third);
    await expect(
      client().views.push({ trigger_id: fake.issueTriggerId({ viewId: second }), view: titled('Again') }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('an empty answer closes only the submitted view; errors keep it; update replaces it in place; an unknown answer is refused', async () => {
    const root = await open();
    const review = pushReview(root);
    const before = fake.view(review);

    expect(
      fake.answerViewSubmission(review, { response_action: 'errors', errors: { note: 'Say why.' } }),
    ).toEqual({ ok: true, action: 'errors', closed: [] });
    expect(fake.viewStack(root)).toEqual([root, review]);

    const updated = fake.answerViewSubmission(review, { response_action: 'update', view: titled('Sent') });
    expect(updated).toMatchObject({ ok: true, action: 'update', view: { id: review }, closed: [] });
    expect(fake.view(review)?.title).toEqual({ type: 'plain_text', text: 'Sent' });
    expect(fake.view(review)?.hash).not.toBe(before?.hash);
    expect(fake.viewStack(root)).toEqual([root, review]);

    expect(fake.answerViewSubmission(review, {})).toEqual({ ok: true, action: 'close', closed: [review] });
    expect(fake.viewStack(root)).toEqual([root]);
    expect(fake.answerViewSubmission(root, { response_action: 'dismiss' })).toEqual({
      ok: false,
      error: 'invalid_response_action',
    });
    expect(fake.viewStack(root)).toEqual([root]);
    expect(fake.answerViewSubmission(root, {})).toEqual({ ok: true, action: 'close', closed: [root] });
    expect(fake.viewStack(root)).toBeUndefined();
  });

  it('a closed view is gone for the API (views.update: not_found) and for further closes or answers', async () => {
    const root = await open('Packet', { external_id: 'packet-1' });
    const review = pushReview(root);
    fake.closeView(review);
    expect(await slackAnswer(client().views.update({ view_id: review, view: titled('Late') }))).toBe(
      'not_found',
    );
    expect(fake.closeView(review)).toEqual({ ok: false, error: 'not_found' });
    expect(fake.answerViewSubmission(review, {})).toEqual({ ok: false, error: 'not_found' });
    // The view under it is still open and can be updated, by id or external_id.
    await expect(
      client().views.update({ external_id: 'packet-1', view: titled('Packet, edited') }),
    ).resolves.toMatchObject({ ok: true });
    // Tests can still look at what a closed view showed.
    expect(fake.view(review)?.title).toEqual({ type: 'plain_text', text: 'Review' });
  });
});

/**
 * The input elements' own fields, checked as Slack does (test/support/fakeSlack/inputElements.ts): a choice's initial
 * option is one of its options, a number input says whether decimals are allowed, the user and conversation selects
 * take ids and a conversations filter Slack knows. The editors' own elements pass it in test/integration/program*.
 */
describe('fake Slack: input elements', () => {
  const pt = (text: string) => ({ type: 'plain_text', text });
  const option = (value: string, text = value) => ({ text: pt(text), value });
  const problems = (element: Record<string, unknown>) =>
    validateView(
      modal({
        title: pt('Edit'),
        submit: pt('Save'),
        blocks: [
          { type: 'input', block_id: 'b', label: pt('Field'), element: { action_id: 'value', ...element } },
        ],
      }),
      ['modal'],
    )?.messages ?? [];

  const at = (pointer: string) => `[json-pointer:/view/blocks/0/element${pointer}]`;
  it.each([
    [
      'an initial option that is none of the options',
      { type: 'radio_buttons', options: [option('a')], initial_option: option('b') },
      [`[ERROR] must match one of the options ${at('/initial_option')}`],
    ],
    [
      'initial options that are not all options',
      { type: 'checkboxes', options: [option('a')], initial_options: [option('a'), option('a', 'A')] },
      [`[ERROR] must match one of the options ${at('/initial_options/1')}`],
    ],
    [
      'a number input without is_decimal_allowed',
      { type: 'number_input', initial_value: '3' },
      [`[ERROR] missing required field: is_decimal_allowed ${at('')}`],
    ],
    [
      'a decimal where decimals are not allowed',
      { type: 'number_input', is_decimal_allowed: false, initial_value: '2.5' },
      [`[ERROR] must be an integer when decimals are not allowed ${at('/initial_value')}`],
    ],
    [
      'a number that is not a string',
      { type: 'number_input', is_decimal_allowed: true, initial_value: 3 },
      [`[ERROR] must be a number string ${at('/initial_value')}`],
    ],
    [
      'a number out of min_value and max_value',
      { type: 'number_input', is_decimal_allowed: false, min_value: '1', max_value: '5', initial_value: '9' },
      [`[ERROR] must be between min_value and max_value ${at('/initial_value')}`],
    ],
    [
      'ids that are not an array',
      { type: 'multi_users_select', initial_users: 'U0AE' },
      [`[ERROR] must provide an array ${at('/initial_users')}`],
    ],
    [
      'a conversations filter Slack does not know',
      { type: 'multi_conversations_select', filter: { include: ['channels'], exclude_bot_users: 'yes' } },
      [
        `[ERROR] must be one of im, mpim, private, public ${at('/filter/include/0')}`,
        `[ERROR] must be a boolean ${at('/filter/exclude_bot_users')}`,
      ],
    ],
    [
      'max_selected_items of 0',
      { type: 'multi_static_select', options: [option('a')], max_selected_items: 0 },
      [`[ERROR] must be an integer of at least 1 ${at('/max_selected_items')}`],
    ],
  ])('refuses %s', (_, element, expected) => {
    expect(problems(element)).toEqual(expected);
  });
});

describe('FakeSlack: injected failures', () => {
  it('drops the connection instead of answering: after processing, the post is stored; with `until`, once released', async () => {
    fake.fail('chat.postMessage', { dropConnection: true }, 1);
    const dropped = await client()
      .chat.postMessage({ channel: 'C1', text: 'never' })
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(WebAPIRequestError);
    expect(fake.messages('C1')).toEqual([]);
    let release = () => {};
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.fail('chat.postMessage', { dropConnection: true, afterProcessing: true, until }, 1);
    const lost = client()
      .chat.postMessage({ channel: 'C1', text: 'lost' })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.messages('C1').map((m) => m.text)).toEqual(['lost']), {
      timeout: 5000,
    });
    expect(fake.calls[1]?.dropped).toBeUndefined();
    release();
    expect(await lost).toBeInstanceOf(WebAPIRequestError);
    expect(fake.calls.map((c) => [c.ok, c.status, c.processed, c.dropped])).toEqual([
      [false, 0, undefined, true],
      [false, 0, true, true],
    ]);
  });

  it('delays then fails when combined', async () => {
    // The delay is held by the test, not waited out in real time: the 503 comes once it is released.
    const held = heldDelays();
    fake.delays = held.delays;
    fake.fail('auth.test', { delayMs: 50, status: 503 }, 1);
    let answered = false;
    const answer = client()
      .auth.test()
      .catch((e: unknown) => e)
      .finally(() => {
        answered = true;
      });
    await vi.waitFor(() => expect(held.asked).toEqual([50]));
    expect(answered).toBe(false);
    held.release();
    expect(((await answer) as WebAPIHTTPError).statusCode).toBe(503);
    fake.delays = undefined;
  });
});

describe('FakeSlack: response URLs', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers 404 for unknown or used-up URLs (5 uses), 400 for invalid blocks, an injected failure; keeps accepted posts', async () => {
    expect((await post(`${fake.apiUrl.replace('/api/', '/response/')}nope`, { text: 'x' })).status).toBe(404);
    const invalid = await post(fake.responseUrl(), {
      blocks: [{ type: 'header', text: { type: 'plain_text', text: '' } }],
    });
    expect(invalid.status).toBe(400);
    fake.fail('response_url', { status: 500 }, 1);
    expect((await post(fake.responseUrl(), { text: 'x' })).status).toBe(500);
    expect(fake.responses).toEqual([]);
    const url = fake.responseUrl();
    for (let i = 0; i < 5; i++) expect((await post(url, { text: `${i}` })).status).toBe(200);
    expect((await post(url, { text: 'sixth' })).status).toBe(404);
    expect(fake.responses).toHaveLength(5);
  });

  it('replaces, deletes or adds messages when tied to a message; reset() forgets all that, keeps users and channels', async () => {
    const posted = await client().chat.postMessage({ channel: 'C1', text: 'Approve?' });
    const ts = posted.ts as string;
    await post(fake.responseUrl({ channel: 'C1', ts }), { replace_original: true, text: 'Approved' });
    expect(fake.messages('C1')).toEqual([expect.objectContaining({ ts, text: 'Approved', edited: true })]);
    await post(fake.responseUrl({ channel: 'C1', ts }), { response_type: 'in_channel', text: 'FYI' });
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['Approved', 'FYI']);
    await post(fake.responseUrl({ channel: 'C1', ts }), { delete_original: true });
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['FYI']);
    const { view } = await client().views.open({ trigger_id: fake.issueTriggerId(), view: modal() });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.messages('C1')).toEqual([]);
    expect(fake.view(view?.id as string)).toBeUndefined();
    expect(fake.responses).toEqual([]);
    await client().chat.postMessage({ channel: 'C1', text: 'still a member' });
    await client().users.info({ user: 'U1' });
  });
});

it("signs as Slack's documented example does", () => {
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
    'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  );
});
