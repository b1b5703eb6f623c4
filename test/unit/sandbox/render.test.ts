import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  emojiChar,
  mrkdwnToHtml,
  plainTextToHtml,
  type RenderContext,
  renderBlocks,
  renderModal,
} from '../../../sandbox/web/render.js';
import { acceptModal } from '../../../src/blocks/acceptModal.js';
import { appHomeView } from '../../../src/blocks/appHome.js';
import { declineModal } from '../../../src/blocks/declineModal.js';
import { handoffMessage } from '../../../src/blocks/handoffMessage.js';
import {
  ACCEPT_BLOCK_ID,
  ACTION_ID,
  CALLBACK_ID,
  DECLINE_BLOCK_ID,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../../src/blocks/ids.js';
import { ownerActionButtons } from '../../../src/blocks/ownerActions.js';
import { packetModal } from '../../../src/blocks/packetModal.js';
import { ESTIMATED_VALUE_MAX, FIRST_STEP_MAX } from '../../../src/domain/firstStep.js';
import { offerFor } from '../../../src/domain/lifecycle.js';
import { FORM_LIMITS, RESPONSE_WINDOW } from '../../../src/domain/packet.js';
import { stats } from '../../support/metricsFixtures.js';
import { week } from '../../support/unitdomain-weeks.js';
import { handoff, worstHandoff } from '../blocks/fixtures.js';
import { aeOffer, viewerOf } from '../blocks/offers.js';

// ---------------------------------------------------------------------------------------------------------------
// A tiny reader for the renderer's own HTML: it always double-quotes and escapes attribute values.

interface Tag {
  name: string;
  attrs: Record<string, string>;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

function tags(html: string, name?: string): Tag[] {
  const found: Tag[] = [];
  for (const m of html.matchAll(/<([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(/\s+([a-z-]+)(?:="([^"]*)")?/g)) {
      attrs[a[1] ?? ''] = decode(a[2] ?? '');
    }
    if (!name || m[1] === name) found.push({ name: m[1] ?? '', attrs });
  }
  return found;
}

const withAttr = (html: string, attr: string) => tags(html).filter((t) => attr in t.attrs);

/** What a reader sees: tags stripped, entities decoded. */
const visible = (html: string) => decode(html.replace(/<[^>]*>/g, ''));

/** The HTML of one block, from its wrapper to the next block's wrapper. */
function blockHtml(html: string, blockId: string): string {
  const start = html.indexOf(`data-block-id="${blockId}"`);
  expect(start, `block ${blockId}`).toBeGreaterThan(-1);
  const wrapperStart = html.lastIndexOf('<div class="bk-block', start);
  const next = html.indexOf('<div class="bk-block', start);
  return html.slice(wrapperStart, next === -1 ? undefined : next);
}

const problems = (html: string) =>
  withAttr(html, 'data-unsupported').length + withAttr(html, 'data-invalid').length;

const USERS: Record<string, string> = { U0AE: 'Jordan Seller', U0AUTHOR: 'Alex Author' };
const CHANNELS: Record<string, string> = { C0PARTNER: 'partner-meridian' };

const ctx: RenderContext = {
  userName: (id) => USERS[id] ?? id,
  channelName: (id) => CHANNELS[id] ?? id,
  fileUrl: (id) => (id === 'F0CHART' ? '/files/F0CHART.png' : undefined),
  users: Object.entries(USERS).map(([id, name]) => ({ id, name })),
  channels: Object.entries(CHANNELS).map(([id, name]) => ({ id, name })),
};

const B = PACKET_BLOCK_ID;
const md = (text: string) => mrkdwnToHtml(text, ctx);
const asView = (view: ModalView) => view as unknown as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------

describe('renderModal: the real packet modal', () => {
  const view = packetModal({ authorUserId: 'U0AUTHOR', accountName: 'Northwind & <Sons> "Ltd"' });
  const html = renderModal(asView(view), ctx);
  const inputs = view.blocks.filter((b): b is InputBlock => b.type === 'input');

  it('is a form with the callback id, title and both footer buttons, and nothing flagged', () => {
    expect(tags(html, 'form')[0]?.attrs).toMatchObject({
      class: 'bk-modal',
      'data-callback-id': CALLBACK_ID.packet,
    });
    expect(html).toContain('<header class="bk-modal-title">New handoff</header>');
    expect(html).toContain('<button type="submit" class="bk-submit">Review</button>');
    expect(html).toContain('<button type="button" class="bk-close">Cancel</button>');
    expect(problems(html)).toBe(0);
  });

  it('gives every input block exactly one data-input control of its element type', () => {
    const controls = withAttr(html, 'data-input');
    expect(controls.map((c) => c.attrs['data-block-id']).sort()).toEqual(
      inputs.map((b) => b.block_id).sort(),
    );
    for (const block of inputs) {
      const control = controls.find((c) => c.attrs['data-block-id'] === block.block_id);
      expect(control?.attrs['data-input'], block.block_id).toBe(block.element.type);
      expect(control?.attrs['data-action-id']).toBe(ACTION_ID.value);
    }
  });

  it('uses the right form control for each element type', () => {
    const control = (blockId: string) =>
      withAttr(html, 'data-input').find((c) => c.attrs['data-block-id'] === blockId);
    // The account input holds the name and, in brackets, the company's domain.
    expect(control(B.accountName)).toMatchObject({
      name: 'input',
      attrs: { type: 'text', maxlength: String(FORM_LIMITS.account) },
    });
    expect(control(B.customerTrigger)?.name).toBe('textarea');
    expect(control(B.partnerNextMoveDate)?.attrs.type).toBe('date');
    // The link and the window are plain text the app checks itself, so every error comes in one round: no browser
    // or Slack client check of a URL or a number range first.
    expect(control(B.evidenceUrl)?.attrs.type).toBe('text');
    expect(control(B.aeUserId)?.name).toBe('select');
    expect(control(B.partnerChannelId)?.name).toBe('select');
    expect(control(PACKET_FORM_BLOCK_ID.confirmations)?.name).toBe('div');
    expect(control(B.responseWindowDays)?.attrs).toMatchObject({
      type: 'text',
      value: String(RESPONSE_WINDOW.default),
    });
  });

  it('prefills the account, escaped once, and selects the author as owner', () => {
    expect(blockHtml(html, B.accountName)).toContain('value="Northwind &amp; &lt;Sons&gt; &quot;Ltd&quot;"');
    const owner = tags(blockHtml(html, B.ownerUserId), 'option');
    expect(owner.filter((o) => 'selected' in o.attrs).map((o) => o.attrs.value)).toEqual(['U0AUTHOR']);
    expect(owner.map((o) => o.attrs.value)).not.toContain('');
  });

  it('starts selects without an initial value on an empty placeholder option, then the context directory', () => {
    const ae = blockHtml(html, B.aeUserId);
    expect(ae).toContain('<option value="" selected>Who receives this handoff</option>');
    expect(tags(ae, 'option').map((o) => o.attrs.value)).toEqual(['', 'U0AE', 'U0AUTHOR']);
    const channel = tags(blockHtml(html, B.partnerChannelId), 'option');
    expect(channel.map((o) => o.attrs.value)).toEqual(['', 'C0PARTNER']);
    expect(visible(blockHtml(html, B.partnerChannelId))).toContain('partner-meridian');
  });

  it('shows labels, "(optional)" on the optional inputs only, hints and checkbox options', () => {
    for (const block of inputs) {
      const part = blockHtml(html, block.block_id ?? '');
      expect(visible(part)).toContain(block.label.text);
      expect(part.includes('(optional)'), block.block_id).toBe(block.optional === true);
      // As Slack shows a hint (emoji: true): its emoji codes as characters (":eye:" is 👁️).
      const hint = block.hint?.text.replace(/:[a-z0-9_+-]+:/g, (code) => emojiChar(code) ?? code);
      if (hint) expect(visible(part)).toContain(hint);
      if (block.hint?.text.includes(':eye:')) expect(visible(part)).not.toContain(':eye:');
    }
    // The two confirmations are one checkbox group.
    const checkbox = tags(blockHtml(html, PACKET_FORM_BLOCK_ID.confirmations), 'input');
    expect(checkbox).toEqual([
      expect.objectContaining({ attrs: expect.objectContaining({ type: 'checkbox' }) }),
      expect.objectContaining({ attrs: expect.objectContaining({ type: 'checkbox' }) }),
    ]);
    expect(checkbox.map((c) => c.attrs.value)).toEqual(['on_priority_list', 'agreed_in_writing']);
  });
});

describe('renderModal: other real modals, errors and metadata', () => {
  it('renders the decline modal with its reasons and never shows private_metadata', () => {
    const view = declineModal(handoff({ id: 77 }), { fromHome: true });
    const html = renderModal(asView(view), ctx);
    expect(view.private_metadata).toContain('handoffId');
    expect(html).not.toContain('handoffId');
    expect(html).not.toContain('fromHome');
    expect(problems(html)).toBe(0);
    const reasons = tags(blockHtml(html, DECLINE_BLOCK_ID.reason), 'option');
    expect(reasons.length).toBeGreaterThan(2);
    expect(reasons[0]?.attrs).toEqual({ value: '', selected: '' });
    expect(html).toContain('<button type="button" class="bk-close">Back</button>');
  });

  it('renders the accept modal: its defaults ready, a date picker, a whole-number value input, nothing flagged', () => {
    const view = acceptModal(handoff({ id: 78 }), '2026-11-26', { fromHome: true });
    const html = renderModal(asView(view), ctx);
    expect(tags(html, 'form')[0]?.attrs).toMatchObject({ 'data-callback-id': CALLBACK_ID.accept });
    expect(problems(html)).toBe(0);
    expect(html).not.toContain('handoffId');
    expect(html).not.toContain('fromHome');
    expect(html).toContain('<header class="bk-modal-title">Accept handoff</header>');
    expect(html).toContain('<button type="submit" class="bk-submit">Accept</button>');
    expect(html).toContain('<button type="button" class="bk-close">Back</button>');
    expect(visible(html)).toContain(
      'The partner reads your first step and its date word for word with your acceptance',
    );
    const control = (block: string) => tags(blockHtml(html, block), 'input')[0]?.attrs;
    expect(control(ACCEPT_BLOCK_ID.step)).toMatchObject({
      type: 'text',
      'data-input': 'plain_text_input',
      value: 'Accept the introduction and bring the demo',
      maxlength: String(FIRST_STEP_MAX),
    });
    expect(control(ACCEPT_BLOCK_ID.due)).toMatchObject({
      type: 'date',
      'data-input': 'datepicker',
      value: '2026-11-26',
    });
    expect(control(ACCEPT_BLOCK_ID.value)).toMatchObject({
      type: 'number',
      'data-input': 'number_input',
      'data-decimal': 'false',
      step: '1',
      min: '0',
      max: String(ESTIMATED_VALUE_MAX),
    });
    expect(control(ACCEPT_BLOCK_ID.value)).not.toHaveProperty('value');
    // Only the estimated value is optional; its hint says the partner never sees it.
    expect(visible(blockHtml(html, ACCEPT_BLOCK_ID.value))).toContain('(optional)');
    expect(visible(blockHtml(html, ACCEPT_BLOCK_ID.value))).toContain('Never shown to the partner.');
    expect(visible(blockHtml(html, ACCEPT_BLOCK_ID.step))).not.toContain('(optional)');
  });

  it('puts an inline error under its input block, escaped, and marks the control invalid', () => {
    const view = declineModal(handoff());
    const html = renderModal(asView(view), ctx, {
      errors: { [DECLINE_BLOCK_ID.note]: 'Too long <b>by</b> 3 & more' },
    });
    const note = blockHtml(html, DECLINE_BLOCK_ID.note);
    const error = `<div class="bk-error" data-error-for="${DECLINE_BLOCK_ID.note}">Too long &lt;b&gt;by&lt;/b&gt; 3 &amp; more</div>`;
    expect(note).toContain(error);
    expect(note.indexOf(error)).toBeGreaterThan(note.indexOf('<textarea'));
    expect(tags(note, 'textarea')[0]?.attrs['aria-invalid']).toBe('true');
    expect(blockHtml(html, DECLINE_BLOCK_ID.reason)).not.toContain('bk-error');
    expect(problems(html)).toBe(0);
  });

  it('flags an error whose block_id names no input block instead of losing it', () => {
    const html = renderModal(asView(declineModal(handoff())), ctx, { errors: { nope: 'Lost message' } });
    const flagged = withAttr(html, 'data-invalid');
    expect(flagged.map((t) => t.attrs['data-invalid'])).toEqual(['errors: no input block has block_id nope']);
    expect(html).toContain('Lost message');
    expect(html).not.toContain('data-error-for');
  });

  it('leaves the submit button out when the view has none, and flags inputs without a submit', () => {
    const info = renderModal({ type: 'modal', title: { type: 'plain_text', text: 'Info' }, blocks: [] }, ctx);
    expect(info).not.toContain('bk-submit');
    expect(info).toContain('<button type="button" class="bk-close">Cancel</button>');
    const view = { ...asView(declineModal(handoff())), submit: undefined };
    const flagged = withAttr(renderModal(view, ctx), 'data-invalid').map((t) => t.attrs['data-invalid']);
    expect(flagged).toEqual(['modal: input blocks need a submit button']);
  });
});

describe('renderBlocks: real messages and App Home', () => {
  it('renders the handoff DM: header, mentions by name, date fallback, fields grid, link and buttons', () => {
    const h = handoff();
    // The AE reads it, during the window: Accept and Decline are theirs.
    const html = renderBlocks(handoffMessage(h, { offer: aeOffer(h) }).blocks, ctx, { surface: 'message' });
    expect(problems(html)).toBe(0);
    expect(html).toContain(
      '<h2 class="bk-header-text">Northwind Logistics · via Meridian Cloud Consulting</h2>',
    );
    expect(html).toContain('<span class="bk-mention" data-user-id="U0AUTHOR">@Alex Author</span>');
    expect(html).not.toContain('!date');
    expect(visible(html)).toMatch(/please answer by Thu 5 Mar 2026, 11:00 CET \(3 business days\)/);
    expect(tags(html, 'div').filter((t) => t.attrs.class === 'bk-field')).toHaveLength(2);
    const link = tags(html, 'a')[0];
    expect(link?.attrs).toMatchObject({ href: h.evidenceUrl, target: '_blank' });
    expect(link?.attrs.rel).toContain('noopener');

    const buttons = withAttr(html, 'data-action');
    // What a screen reader says: the action, the handoff and its account.
    const button = (actionId: string, label: string, kind = 'bk-button') => ({
      class: kind,
      type: 'button',
      'data-action': 'button',
      'data-block-id': 'handoff_decision',
      'data-action-id': actionId,
      'data-surface': 'message',
      'data-value': '42',
      'aria-label': `${label}, handoff #42, Northwind Logistics`,
    });
    expect(buttons.map((t) => t.attrs)).toEqual([
      button(ACTION_ID.accept, 'Accept', 'bk-button bk-primary'),
      button(ACTION_ID.decline, 'Decline'),
      // Before deciding: a question to the author, and more time (after a confirm dialog).
      button(ACTION_ID.askQuestion, 'Ask the author'),
      expect.objectContaining({
        'data-action-id': ACTION_ID.askMoreTime,
        'data-value': '42',
        'aria-label': 'Need more time, handoff #42, Northwind Logistics',
        'data-confirm': expect.stringContaining('You can ask once for this handoff.'),
      }),
    ]);
  });

  it('wraps each block with its type and block_id, and omits data-block-id when there is none', () => {
    const h = handoff();
    const message = handoffMessage(h, { offer: aeOffer(h) });
    const html = renderBlocks(message.blocks, ctx);
    const wrappers = tags(html, 'div').filter((t) => t.attrs.class?.startsWith('bk-block '));
    expect(wrappers).toHaveLength(message.blocks.length);
    expect(wrappers[0]?.attrs).toEqual({ class: 'bk-block bk-header' });
    expect(wrappers.at(-1)?.attrs).toEqual({
      class: 'bk-block bk-actions',
      'data-block-id': 'handoff_decision',
    });
  });

  it('keeps typed mentions and markup inert in every packet field', () => {
    const worst = worstHandoff('<!channel>');
    const html = renderBlocks(handoffMessage(worst, { offer: aeOffer(worst) }).blocks, ctx);
    expect(html).not.toContain('bk-broadcast');
    expect(visible(html)).toContain('<!channel>');
    const xss = handoff({
      accountName: '<script>alert(1)</script>',
      whyPartner: '<img src=x onerror=alert(1)>',
      customerTrigger: '"><svg onload=alert(1)>',
    });
    const xssHtml = renderBlocks(handoffMessage(xss, { offer: aeOffer(xss) }).blocks, ctx);
    expect(xssHtml).not.toMatch(/<(script|img|svg)/);
    expect(visible(xssHtml)).toContain('<img src=x onerror=alert(1)>');
  });

  it('renders the App Home: decision and outcome buttons, the period select, the trend table and the confirm', () => {
    // Jordan's Home (U0AE): the AE of #5 (waiting) and #6 (accepted), the owner of #7 (with another AE).
    const owned = handoff({ id: 7, aeUserId: 'U0AE2', ownerUserId: 'U0AE' });
    const view = appHomeView({
      awaiting: [handoff({ id: 5 })],
      deals: [handoff({ id: 6, status: 'accepted' })],
      sent: [],
      owned: [owned],
      offer: (h) => offerFor(viewerOf('U0AE', h), h),
      revops: {
        period: '30d',
        metrics: {
          ...{
            from: new Date('2026-01-01T00:00:00Z'),
            to: new Date('2026-02-01T00:00:00Z'),
            timeZone: 'UTC',
          },
          ...{ overall: stats(), byPartner: [], byAe: [], byAuthor: [], weeks: [] },
        },
        trend: [week('2026-01-26', [3, 1, 1, 0], 0.5, 2)],
        trendWeeks: 12,
      },
    });
    const html = renderBlocks(view.blocks, ctx, { surface: 'home' });
    expect(problems(html)).toBe(0);
    // The trend as a table (a Home tab cannot show a Slack file its viewer has no access to): preformatted.
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '<pre class="bk-pre">Week of     Sent  Accepted  Declined  Expired  Acceptance\n2026-01-26     3         1         1        0         50%</pre>',
    );

    const period = withAttr(html, 'data-action').find((t) => t.attrs['data-action'] === 'static_select');
    expect(period).toMatchObject({
      name: 'select',
      attrs: { 'data-block-id': 'home_revops', 'data-action-id': ACTION_ID.homePeriod },
    });
    const selected = tags(blockHtml(html, 'home_revops'), 'option').filter((o) => 'selected' in o.attrs);
    expect(selected.map((o) => o.attrs.value)).toEqual(['30d']);

    const decision = withAttr(blockHtml(html, 'home_decision_5'), 'data-action');
    expect(decision.map((t) => t.attrs['data-action-id'])).toEqual([
      ACTION_ID.accept,
      ACTION_ID.decline,
      ACTION_ID.askQuestion,
      ACTION_ID.askMoreTime,
    ]);
    expect(withAttr(blockHtml(html, 'outcomes_6'), 'data-action')).not.toHaveLength(0);

    expect(
      withAttr(blockHtml(html, 'owner_actions_7'), 'data-action').map((t) => t.attrs['data-action-id']),
    ).toEqual([ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw]);
    const owner = ownerActionButtons(owned, ['withdraw']);
    const withdraw = withAttr(html, 'data-confirm').find(
      (t) => t.attrs['data-action-id'] === ACTION_ID.withdraw,
    );
    expect(withdraw?.attrs.class).toBe('bk-button bk-danger');
    const element = owner?.elements.find((e) => 'action_id' in e && e.action_id === ACTION_ID.withdraw);
    expect(JSON.parse(withdraw?.attrs['data-confirm'] ?? '')).toEqual(
      (element as { confirm: unknown }).confirm,
    );
  });

  it('flags an unknown slack_file id instead of drawing a broken image', () => {
    const html = renderBlocks([{ type: 'image', slack_file: { id: 'F0GONE' }, alt_text: 'chart' }], ctx);
    expect(html).not.toContain('<img');
    expect(withAttr(html, 'data-invalid')[0]?.attrs['data-invalid']).toBe(
      'slack_file F0GONE is not a known file',
    );
  });

  it('flags input blocks in a message, which Slack refuses there', () => {
    const input = packetModal({ authorUserId: 'U0AUTHOR' }).blocks.find(
      (b) => b.type === 'input',
    ) as KnownBlock;
    const inMessage = renderBlocks([input], ctx, { surface: 'message' });
    expect(withAttr(inMessage, 'data-invalid')[0]?.attrs['data-invalid']).toBe(
      'input: Slack refuses input blocks in messages',
    );
    expect(withAttr(inMessage, 'data-input')).toHaveLength(1);
    expect(problems(renderBlocks([input], ctx, { surface: 'home' }))).toBe(0);
  });
});

describe('renderBlocks: unsupported and invalid Block Kit stays visible', () => {
  const notice = (kind: string, type: string) =>
    `<div class="bk-unsupported" data-unsupported="${kind}:${type}">Unsupported Block Kit ${kind}: ${type}</div>`;

  it('shows unknown and unsupported blocks with their JSON', () => {
    const blocks = [
      { type: 'video', block_id: 'v1', title: { type: 'plain_text', text: 'Demo' }, video_url: 'https://v' },
      { type: 'file', external_id: 'X1', source: 'remote' },
      { type: 'carousel_of_dreams', note: '<b>hi</b>' },
      { text: 'no type at all' },
    ];
    const html = renderBlocks(blocks, ctx);
    expect(html).toContain(notice('block', 'video'));
    expect(html).toContain(notice('block', 'file'));
    expect(html).toContain(notice('block', 'carousel_of_dreams'));
    expect(html).toContain(notice('block', '(no type)'));
    expect(html).toContain('<div class="bk-block bk-video" data-block-id="v1">');
    const pres = [...html.matchAll(/<pre class="bk-json">([\s\S]*?)<\/pre>/g)].map((m) => decode(m[1] ?? ''));
    expect(pres.map((p) => JSON.parse(p))).toEqual(blocks);
    expect(html).not.toContain('<b>hi</b>');
  });

  it('shows unknown elements in actions, context, accessories and inputs', () => {
    const html = renderBlocks(
      [
        {
          type: 'actions',
          block_id: 'a',
          elements: [
            { type: 'button', action_id: 'ok', text: { type: 'plain_text', text: 'OK' } },
            { type: 'external_select', action_id: 'ext' },
            { type: 'multi_static_select', action_id: 'multi', options: [] },
          ],
        },
        { type: 'context', elements: [{ type: 'hologram' }] },
        { type: 'section', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'workflow_button' } },
        {
          type: 'input',
          block_id: 'i',
          label: { type: 'plain_text', text: 'Rich' },
          element: { type: 'rich_text_input' },
        },
        { type: 'section', text: { type: 'fancy_text', text: 'x' } },
      ],
      ctx,
    );
    for (const type of 'external_select multi_static_select hologram workflow_button rich_text_input fancy_text'.split(
      ' ',
    ))
      expect(html).toContain(notice('element', type));
    expect(withAttr(html, 'data-action')).toHaveLength(1);
    expect(visible(blockHtml(html, 'i'))).toContain('Rich');
  });

  it('flags missing required parts without crashing', () => {
    const html = renderBlocks(
      [
        { type: 'section' },
        { type: 'header' },
        { type: 'actions', elements: [{ type: 'button', action_id: 'b' }] },
        { type: 'image', alt_text: 'nothing to show' },
        { type: 'input', block_id: 'x', label: { type: 'plain_text', text: 'X' } },
        { type: 'section', text: { type: 'mrkdwn' } },
        null,
        'text',
      ],
      ctx,
    );
    expect(withAttr(html, 'data-invalid').map((t) => t.attrs['data-invalid'])).toEqual([
      'section: needs text or fields',
      'header: missing plain_text text',
      'button: missing plain_text text',
      'image needs image_url or slack_file',
      'input: missing element',
      'mrkdwn: missing text',
      'block: not an object',
      'block: not an object',
    ]);
    expect(html).not.toContain('<button');
  });

  it('flags a static select whose initial option is not among its options', () => {
    const html = renderBlocks(
      [
        {
          type: 'input',
          block_id: 's',
          label: { type: 'plain_text', text: 'S' },
          element: {
            type: 'static_select',
            action_id: 'v',
            options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }],
            initial_option: { text: { type: 'plain_text', text: 'B' }, value: 'b' },
          },
        },
      ],
      ctx,
      { surface: 'home' },
    );
    expect(withAttr(html, 'data-invalid')[0]?.attrs['data-invalid']).toBe(
      'static_select: initial option is not among the options',
    );
  });
});

describe('escaping', () => {
  it('escapes plain_text, keeps line breaks, and decodes nothing', () => {
    expect(plainTextToHtml('<b>"Hi" & \'you\'</b>\nnext')).toBe(
      '&lt;b&gt;&quot;Hi&quot; &amp; &#39;you&#39;&lt;/b&gt;<br>next',
    );
    expect(plainTextToHtml('&amp;')).toBe('&amp;amp;');
    expect(plainTextToHtml(':smile:')).toBe(':smile:');
    // With the text object's emoji: true, as Slack shows a field hint: a known code becomes its character.
    expect(plainTextToHtml(':eye: The partner reads this', true)).toBe('👁️ The partner reads this');
    expect(plainTextToHtml(':not_an_emoji_here: & :eye:', true)).toBe(':not_an_emoji_here: &amp; 👁️');
  });

  it('escapes ids, values and labels in attributes', () => {
    const evil = '"><script>alert(1)</script>';
    const html = renderBlocks(
      [
        {
          type: 'actions',
          block_id: evil,
          elements: [
            {
              type: 'button',
              action_id: evil,
              value: evil,
              text: { type: 'plain_text', text: evil },
              confirm: { title: { type: 'plain_text', text: evil } },
            },
            {
              type: 'static_select',
              action_id: 's',
              placeholder: { type: 'plain_text', text: evil },
              options: [{ text: { type: 'plain_text', text: evil }, value: evil }],
            },
          ],
        },
      ],
      ctx,
    );
    expect(html).not.toContain('<script');
    const button = tags(html, 'button')[0];
    expect(button?.attrs).toMatchObject({
      'data-block-id': evil,
      'data-action-id': evil,
      'data-value': evil,
    });
    expect(JSON.parse(button?.attrs['data-confirm'] ?? '').title.text).toBe(evil);
    expect(tags(html, 'option').map((o) => o.attrs.value)).toEqual(['', evil]);
    expect(visible(html)).toContain(evil);
  });

  it('never turns javascript: or data: URLs into links, images or button URLs', () => {
    expect(md('<javascript:alert(1)|click me>')).toBe('click me');
    expect(md('<JavaScript:alert(1)>')).toBe('JavaScript:alert(1)');
    expect(md('<data:text/html;base64,PHNjcmlwdD4=|x>')).not.toContain('<a');
    const html = renderBlocks(
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'u',
              url: 'javascript:alert(1)',
              text: { type: 'plain_text', text: 'Go' },
            },
            {
              type: 'button',
              action_id: 'ok',
              url: 'https://example.com/a?b=1&c=2',
              text: { type: 'plain_text', text: 'Ok' },
            },
          ],
        },
        { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'x' },
        {
          type: 'rich_text',
          elements: [
            { type: 'rich_text_section', elements: [{ type: 'link', url: 'javascript:x', text: 'rt' }] },
          ],
        },
      ],
      ctx,
    );
    expect(html).not.toMatch(/href="javascript|src="javascript|data-url="javascript/i);
    expect(tags(html, 'button').map((t) => t.attrs['data-url'])).toEqual([
      undefined,
      'https://example.com/a?b=1&c=2',
    ]);
    expect(withAttr(html, 'data-invalid').map((t) => t.attrs['data-invalid'])).toEqual([
      'button: url must be http(s)',
      'image_url must be http(s)',
    ]);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<a');
  });
});

describe('mrkdwnToHtml', () => {
  const link = (href: string, text: string) =>
    `<a class="bk-link" href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>`;
  const user = (id: string, name: string) => `<span class="bk-mention" data-user-id="${id}">@${name}</span>`;
  const emoji = (code: string, char: string) => `<span class="bk-emoji" title="${code}">${char}</span>`;

  it.each([
    // Slack escapes are decoded once and escaped for HTML once.
    ['Fish &amp; chips &lt;3 &gt; 2', 'Fish &amp; chips &lt;3 &gt; 2'],
    ['literal &amp;lt;', 'literal &amp;lt;'],
    ['"quotes" and \'apostrophes\'', '&quot;quotes&quot; and &#39;apostrophes&#39;'],
    // Bold, italic, strike and code, nesting properly.
    [
      '*bold* _italic_ ~strike~ `code`',
      '<b>bold</b> <i>italic</i> <s>strike</s> <code class="bk-code">code</code>',
    ],
    ['*_both_*', '<b><i>both</i></b>'],
    ['*a _b* c_', '<b>a _b</b> c_'],
    ['(*bold*), _x_.', '(<b>bold</b>), <i>x</i>.'],
    // Emphasis only at word boundaries.
    ['snake_case_name', 'snake_case_name'],
    ['2*3*4', '2*3*4'],
    ['a * b * c', 'a * b * c'],
    ['*not closed', '*not closed'],
    ['*spans\nlines*', '*spans<br>lines*'],
    // Code is literal.
    [
      '`*not bold* &lt;tag&gt; <@U0AE>`',
      '<code class="bk-code">*not bold* &lt;tag&gt; @Jordan Seller</code>',
    ],
    [
      '```\nline *one*\n  two &amp; <https://x.io|x>\n```\nafter',
      '<pre class="bk-pre">line *one*\n  two &amp; x</pre>after',
    ],
    ['before\n```code```', 'before<pre class="bk-pre">code</pre>'],
    // Quotes and line breaks.
    [
      '&gt; quoted *line*\n> second\nplain',
      '<blockquote class="bk-quote">quoted <b>line</b><br>second</blockquote>plain',
    ],
    ['intro\n&gt;&gt;&gt; all\nof this', 'intro<blockquote class="bk-quote">all<br>of this</blockquote>'],
    ['a\nb', 'a<br>b'],
    ['a &gt; b', 'a &gt; b'],
    // Links with a label, the URL escaped.
    [
      '<https://example.com/?a=1&amp;b=2|Docs &amp; more>',
      link('https://example.com/?a=1&amp;b=2', 'Docs &amp; more'),
    ],
    // Users, broadcasts and user groups.
    ['<@U0AE>', user('U0AE', 'Jordan Seller')],
    ['<@U0NOBODY>', user('U0NOBODY', 'U0NOBODY')],
    ...['here', 'channel', 'everyone'].map((range) => [
      `<!${range}>`,
      `<span class="bk-mention bk-broadcast" data-broadcast="${range}">@${range}</span>`,
    ]),
    [
      '<!subteam^S0SALES|@sales>',
      '<span class="bk-mention bk-usergroup" data-usergroup-id="S0SALES">@sales</span>',
    ],
    ['*<@U0AE>*', `<b>${user('U0AE', 'Jordan Seller')}</b>`],
    // A date token as its fallback text.
    [
      'due <!date^1772704800^{date_short_pretty} at {time}|Thu 5 Mar 2026, 11:00 GMT+1>',
      'due <span class="bk-date">Thu 5 Mar 2026, 11:00 GMT+1</span>',
    ],
    // A few emoji mapped, other codes left as text.
    [':white_check_mark: done', `${emoji(':white_check_mark:', '✅')} done`],
    [
      ':x: :warning: :hourglass: :tada:',
      `${emoji(':x:', '❌')} ${emoji(':warning:', '⚠️')} ${emoji(':hourglass:', '⌛')} ${emoji(':tada:', '🎉')}`,
    ],
    [':made_up_emoji: at 10:30:45', ':made_up_emoji: at 10:30:45'],
    // The internal placeholders cannot be forged.
    ['\uE0000\uE001 *b*', '\uFFFD0\uFFFD <b>b</b>'],
  ])('%j → %j', (text, html) => {
    expect(md(text)).toBe(html);
  });

  it.each([
    ['<https://example.com>', '>https://example.com</a>'],
    ['<mailto:dana@example.com>', 'href="mailto:dana@example.com"'],
    ['<mailto:dana@example.com>', '>dana@example.com</a>'],
    ['<https://x.io/"onmouseover="alert(1)|x>', 'href="https://x.io/&quot;onmouseover=&quot;alert(1)"'],
    ['<#C0PARTNER>', '>#partner-meridian</span>'],
    ['<#C0OTHER|general>', '>#general</span>'],
    ['<#C0OTHER>', '>#C0OTHER</span>'],
  ])('%j contains %j', (text, html) => {
    expect(md(text)).toContain(html);
  });

  it('turns bare URLs into links only when not verbatim', () => {
    const text = 'see https://example.com/a_b_c.';
    expect(mrkdwnToHtml(text, ctx)).toBe('see https://example.com/a_b_c.');
    expect(mrkdwnToHtml(text, ctx, { verbatim: false })).toBe(
      `see ${link('https://example.com/a_b_c', 'https://example.com/a_b_c')}.`,
    );
  });
});

describe('rich_text and form elements', () => {
  it('renders rich text sections, lists, quotes and preformatted text with styles and mentions', () => {
    const html = renderBlocks(
      [
        {
          type: 'rich_text',
          block_id: 'rt',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Hi ', style: { bold: true } },
                { type: 'user', user_id: 'U0AE' },
                { type: 'text', text: ' in ' },
                { type: 'channel', channel_id: 'C0PARTNER' },
                { type: 'text', text: ' <x>', style: { italic: true, strike: true, code: true } },
                { type: 'emoji', name: 'thumbsup', unicode: '1f44d' },
                { type: 'broadcast', range: 'here' },
                { type: 'usergroup', usergroup_id: 'S0SALES' },
                { type: 'link', url: 'https://example.com', text: 'site' },
              ],
            },
            {
              type: 'rich_text_list',
              style: 'ordered',
              elements: [
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] },
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'two' }] },
              ],
            },
            { type: 'rich_text_list', style: 'bullet', elements: [] },
            { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
            { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'a\n  <b>' }] },
            { type: 'rich_text_mystery', elements: [] },
          ],
        },
      ],
      ctx,
    );
    expect(html).toContain('<b>Hi </b><span class="bk-mention" data-user-id="U0AE">@Jordan Seller</span>');
    expect(html).toContain('>#partner-meridian</span>');
    expect(html).toContain('<i><s><code class="bk-code"> &lt;x&gt;</code></s></i>');
    expect(html).toContain('<span class="bk-emoji">👍</span>');
    expect(html).toContain('>@here</span>');
    expect(html).toContain('data-usergroup-id="S0SALES"');
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('<ol class="bk-rt-list" data-indent="0"><li>one</li><li>two</li></ol>');
    expect(html).toContain('<ul class="bk-rt-list" data-indent="0"></ul>');
    expect(html).toContain('<blockquote class="bk-rt-quote">quoted</blockquote>');
    expect(html).toContain('<pre class="bk-rt-pre">a\n  &lt;b&gt;</pre>');
    expect(html).toContain('data-unsupported="element:rich_text_mystery"');
  });

  it('renders every supported input element with its initial values and constraints', () => {
    const text = (t: string) => ({ type: 'plain_text', text: t });
    const option = (value: string, label = value.toUpperCase()) => ({ text: text(label), value });
    const input = (
      block_id: string,
      element: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ) => ({
      type: 'input',
      block_id,
      label: text(block_id),
      element: { action_id: 'v', ...element },
      ...extra,
    });
    const html = renderModal(
      {
        type: 'modal',
        callback_id: 'all',
        title: text('All inputs'),
        submit: text('Save'),
        blocks: [
          input('pt', { type: 'plain_text_input', initial_value: 'hi', min_length: 2, max_length: 10 }),
          input('ml', { type: 'plain_text_input', multiline: true, initial_value: '\nline <2>' }),
          input('num', {
            type: 'number_input',
            is_decimal_allowed: true,
            min_value: '0.5',
            max_value: '9',
            initial_value: '1.5',
          }),
          input('mail', { type: 'email_text_input', initial_value: 'a@b.c' }),
          input('date', { type: 'datepicker', initial_date: '2026-03-06' }),
          input('time', { type: 'timepicker', initial_time: '09:30' }),
          input('grp', {
            type: 'static_select',
            option_groups: [
              { label: text('G1'), options: [option('a'), option('b')] },
              { label: text('G2'), options: [option('c')] },
            ],
            initial_option: option('c'),
          }),
          input('ms', {
            type: 'multi_static_select',
            options: [option('a'), option('b'), option('c')],
            initial_options: [option('a'), option('c')],
          }),
          input('mu', { type: 'multi_users_select', initial_users: ['U0AE', 'U0GUEST'] }),
          input('ch', { type: 'channels_select', initial_channel: 'C0PARTNER' }),
          input('mc', { type: 'multi_conversations_select', initial_conversations: ['C0PARTNER'] }),
          input('cb', {
            type: 'checkboxes',
            options: [
              { text: { type: 'mrkdwn', text: '*Yes*' }, value: 'y', description: text('Really') },
              option('n'),
            ],
            initial_options: [option('y', 'Yes')],
          }),
          input('rb', {
            type: 'radio_buttons',
            options: [option('1'), option('2')],
            initial_option: option('2'),
          }),
          input('go', { type: 'plain_text_input' }, { dispatch_action: true, optional: true }),
        ],
      },
      ctx,
    );
    expect(problems(html)).toBe(0);
    const control = (id: string) => withAttr(html, 'data-input').find((t) => t.attrs['data-block-id'] === id);
    const selectedIn = (id: string) =>
      tags(blockHtml(html, id), 'option')
        .filter((o) => 'selected' in o.attrs)
        .map((o) => o.attrs.value);

    expect(control('pt')?.attrs).toMatchObject({
      value: 'hi',
      minlength: '2',
      maxlength: '10',
      required: '',
    });
    expect(blockHtml(html, 'ml')).toContain('>\n\nline &lt;2&gt;</textarea>');
    expect(control('num')?.attrs).toMatchObject({
      'data-decimal': 'true',
      step: 'any',
      min: '0.5',
      max: '9',
      value: '1.5',
    });
    expect(control('mail')?.attrs).toMatchObject({ type: 'email', value: 'a@b.c' });
    expect(control('date')?.attrs).toMatchObject({ type: 'date', value: '2026-03-06' });
    expect(control('time')?.attrs).toMatchObject({ type: 'time', value: '09:30' });
    expect(tags(blockHtml(html, 'grp'), 'optgroup').map((t) => t.attrs.label)).toEqual(['G1', 'G2']);
    expect(selectedIn('grp')).toEqual(['c']);
    expect(control('ms')?.attrs).toHaveProperty('multiple');
    expect(selectedIn('ms')).toEqual(['a', 'c']);
    expect(selectedIn('mu')).toEqual(['U0AE', 'U0GUEST']);
    expect(tags(blockHtml(html, 'mu'), 'option').map((o) => o.attrs.value)).toEqual([
      'U0AE',
      'U0AUTHOR',
      'U0GUEST',
    ]);
    expect(selectedIn('ch')).toEqual(['C0PARTNER']);
    expect(selectedIn('mc')).toEqual(['C0PARTNER']);

    const boxes = tags(blockHtml(html, 'cb'), 'input');
    expect(boxes.map((b) => [b.attrs.type, b.attrs.value, 'checked' in b.attrs])).toEqual([
      ['checkbox', 'y', true],
      ['checkbox', 'n', false],
    ]);
    expect(blockHtml(html, 'cb')).toContain('<span class="bk-option-text"><b>Yes</b></span>');
    expect(blockHtml(html, 'cb')).toContain('<span class="bk-option-description">Really</span>');
    const radios = tags(blockHtml(html, 'rb'), 'input');
    expect(radios.map((r) => [r.attrs.type, r.attrs.value, 'checked' in r.attrs])).toEqual([
      ['radio', '1', false],
      ['radio', '2', true],
    ]);
    expect(new Set(radios.map((r) => r.attrs.name)).size).toBe(1);

    expect(control('go')?.attrs['data-dispatch']).toBe('true');
    expect(control('go')?.attrs).not.toHaveProperty('required');
    expect(control('pt')?.attrs).not.toHaveProperty('data-dispatch');
  });

  it('renders immediate selects, overflow and date pickers with data-action', () => {
    const html = renderBlocks(
      [
        {
          type: 'section',
          block_id: 'sec',
          text: { type: 'mrkdwn', text: 'Pick' },
          accessory: {
            type: 'overflow',
            action_id: 'more',
            options: [
              { text: { type: 'plain_text', text: 'Open' }, value: 'open', url: 'https://example.com' },
              { text: { type: 'plain_text', text: 'Bad' }, value: 'bad', url: 'javascript:x' },
            ],
          },
        },
        {
          type: 'actions',
          block_id: 'act',
          elements: [
            { type: 'users_select', action_id: 'who', initial_user: 'U0AE' },
            { type: 'conversations_select', action_id: 'where' },
            { type: 'datepicker', action_id: 'when', initial_date: '2026-01-02' },
          ],
        },
      ],
      ctx,
    );
    expect(problems(html)).toBe(0);
    const actions = withAttr(html, 'data-action').map((t) => [
      t.name,
      t.attrs['data-action'],
      t.attrs['data-block-id'],
      t.attrs['data-action-id'],
    ]);
    expect(actions).toEqual([
      ['select', 'overflow', 'sec', 'more'],
      ['select', 'users_select', 'act', 'who'],
      ['select', 'conversations_select', 'act', 'where'],
      ['input', 'datepicker', 'act', 'when'],
    ]);
    const overflow = tags(blockHtml(html, 'sec'), 'option');
    expect(overflow.map((o) => [o.attrs.value, o.attrs['data-url']])).toEqual([
      ['', undefined],
      ['open', 'https://example.com'],
      ['bad', undefined],
    ]);
    expect(withAttr(html, 'data-action')[3]?.attrs.value).toBe('2026-01-02');
  });
});

describe("renderModal: a conversations select offers what its filter keeps, as Slack's does", () => {
  const channels: RenderContext['channels'] = [
    { id: 'C0INTERNAL', name: 'partner-marketing' },
    { id: 'C0PRIVATE', name: 'deal-desk', private: true },
    { id: 'C0PARTNER', name: 'ext-meridian', external: true },
  ];
  const offered = (element: Record<string, unknown>) => {
    const html = renderModal(
      {
        type: 'modal',
        title: { type: 'plain_text', text: 'Policy' },
        submit: { type: 'plain_text', text: 'Save' },
        blocks: [
          { type: 'input', block_id: 'ch', label: { type: 'plain_text', text: 'Also post in' }, element },
        ],
      },
      { ...ctx, channels },
    );
    expect(problems(html)).toBe(0);
    return tags(blockHtml(html, 'ch'), 'option').map((o) => o.attrs.value);
  };

  it('exclude_external_shared_channels leaves out the Slack Connect channels; include keeps those types only', () => {
    const base = { type: 'multi_conversations_select', action_id: 'value' };
    expect(offered(base)).toEqual(['C0INTERNAL', 'C0PRIVATE', 'C0PARTNER']);
    expect(
      offered({
        ...base,
        filter: { include: ['public', 'private'], exclude_external_shared_channels: true },
      }),
    ).toEqual(['C0INTERNAL', 'C0PRIVATE']);
    expect(offered({ ...base, filter: { include: ['public'] } })).toEqual(['C0INTERNAL', 'C0PARTNER']);
    // A channel already chosen is shown even when the filter leaves it out.
    expect(
      offered({
        ...base,
        filter: { exclude_external_shared_channels: true },
        initial_conversations: ['C0PARTNER'],
      }),
    ).toEqual(['C0INTERNAL', 'C0PRIVATE', 'C0PARTNER']);
  });

  it('a channels select offers the public channels', () => {
    expect(offered({ type: 'multi_channels_select', action_id: 'value' })).toEqual([
      'C0INTERNAL',
      'C0PARTNER',
    ]);
  });
});
