import { expect, it } from 'vitest';
import { ACTION_ID, HELP_BLOCK_ID, OWNER_BLOCK_ID, PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import {
  authorUser,
  clickRefused,
  extendSubmission,
  handoffRow,
  openOwnerModal,
  submit,
} from '../support/ownerFlow.js';
import { channels, people, TEAM } from '../support/people.js';
import { allCallsTo, QUIET, ROLES } from '../support/revopsFlow.js';

/**
 * Replies that repeat what a person typed. Slack reads `<!channel>`, `<!here>`, `<@U…>` and `<url|label>` in mrkdwn
 * as real mentions and links, so every echo of typed text must arrive escaped (&amp; &lt; &gt;). Plain-text
 * surfaces (a modal's initial value, an inline error) are shown as typed: escaping them would show `&lt;`.
 * Driven through the real app with signed slash commands; the replies are read where the fake Slack received them.
 */

const REVOPS = people.member.id;
const ADMIN = people.owner.id;
const AUTHOR = people.author.id;
const EXPORT_USAGE =
  'Usage: `/handoff export 2026-01-01 2026-03-31` (the first and the last day, in your time zone; both optional: no dates is the last 90 days).';
const OUTBOX_USAGE =
  'Usage: `/handoff outbox retry 12` (a number from `/handoff outbox`), or `/handoff outbox retry all`.';

const app = harnessPerTest({ env: { ...QUIET, ...ROLES } });
const start = (env: Record<string, string> = {}) => app({ env });

/** `/handoff <text>` as `userId`; returns the ephemeral text the app sent to that command's response URL. */
async function slash(h: Harness, text: string, userId: string): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const response = await h.command({ text, user_id: userId, response_url: responseUrl });
  expect(response.status).toBe(200);
  const reply = await waitFor(
    () => h.slack.responses.find((r) => r.url === responseUrl),
    8000,
    `the reply to /handoff ${text}`,
  );
  // A top-level text with no blocks: Slack renders it as mrkdwn.
  expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  expect(reply.body).not.toHaveProperty('blocks');
  expect(reply.body).not.toHaveProperty('mrkdwn', false);
  return String(reply.body.text);
}

/** No raw special sequence a person typed: no broadcast, user mention or link survives unescaped. */
function expectInert(text: string) {
  expect(text).not.toMatch(/<[!@]|<https?:/);
  expect(text).not.toContain('<!channel>');
}

it('/handoff export, reseller, outbox and classify repeat what was typed escaped (for people who may not use them too), or not at all', async () => {
  const h = await start();
  const reply = await slash(h, 'export <!channel>', REVOPS);
  expect(reply).toBe(`"&lt;!channel&gt;" is not a date like 2026-01-31. ${EXPORT_USAGE}`);
  expectInert(reply);
  const end = await slash(h, 'export 2026-01-01 <@U123>', REVOPS);
  expect(end).toBe(`"&lt;@U123&gt;" is not a date like 2026-01-31. ${EXPORT_USAGE}`);
  expectInert(end);
  expect(await slash(h, 'export R&D', REVOPS)).toBe(
    `"R&amp;D" is not a date like 2026-01-31. ${EXPORT_USAGE}`,
  );
  // The range is read before the role is checked: someone outside RevOps gets the same escaped answer.
  const byAuthor = await slash(h, 'export <!here>', AUTHOR);
  expect(byAuthor).toBe(`"&lt;!here&gt;" is not a date like 2026-01-31. ${EXPORT_USAGE}`);
  const link = await slash(h, 'export <https://evil.example|2026-01-01>', REVOPS);
  expect(link).toContain('"&lt;https://evil.example|2026-01-01&gt;" is not a date');
  expectInert(link);
  // A very long typed value is cut, never in the middle of an escape.
  const long = await slash(h, `export ${'<!channel>'.repeat(200)}`, REVOPS);
  expectInert(long);
  const quoted = /^"([^"]*)" is not a date like 2026-01-31\. /.exec(long)?.[1] ?? '';
  expect(quoted.length).toBeLessThanOrEqual(100);
  expect(quoted).toMatch(/^(?:&lt;!channel&gt;)+(?:&lt;|!|c|h|a|n|e|l|&gt;)*…$/);
  expect(quoted).not.toMatch(/&(?!lt;|gt;|amp;)/);
  // outbox never repeats a typed target: the usage alone, for admins and others.
  for (const user of [ADMIN, AUTHOR]) {
    expect(await slash(h, 'outbox retry <!channel>', user)).toBe(OUTBOX_USAGE);
    expect(await slash(h, 'outbox <!here> 1', user)).toBe(OUTBOX_USAGE);
    expect(await slash(h, 'outbox retry #<@U123>', user)).toBe(OUTBOX_USAGE);
  }
  await quiet(h);
  expect(allCallsTo(h, 'files.getUploadURLExternal')).toHaveLength(0);

  // reseller: `reseller add <!here> | x` and every later echo escaped; nothing repeated when it refuses.
  // Refused (not RevOps) or with empty names: nothing typed is repeated.
  for (const [text, user] of [
    ['reseller add <!here> | x', AUTHOR],
    ['reseller add <> | <!channel>', REVOPS],
    ['reseller add <!channel>', REVOPS],
    ['reseller <!channel> a | b', REVOPS],
  ] as const) {
    expectInert(await slash(h, text, user));
  }
  const added = await slash(h, 'reseller add <!here> | x', REVOPS);
  expect(added).toBe(
    "Registered *x* as a reseller on *&lt;!here&gt;*. Another partner's handoff on it will be flagged as a channel conflict.",
  );
  expectInert(added);
  expect(await slash(h, 'reseller add <!here> | x', REVOPS)).toBe(
    '*x* was already registered on *&lt;!here&gt;*.',
  );
  expect(await slash(h, 'reseller add <!channel> & co | <@U123> <!everyone>', REVOPS)).toBe(
    "Registered *&lt;@U123&gt; &lt;!everyone&gt;* as a reseller on *&lt;!channel&gt; &amp; co*. Another partner's handoff on it will be flagged as a channel conflict.",
  );
  expect(await slash(h, 'reseller list <!here>', REVOPS)).toBe('• *&lt;!here&gt;*: x');
  const list = await slash(h, 'reseller list', REVOPS);
  expect(list.split('\n').sort()).toEqual(
    ['• *&lt;!channel&gt; &amp; co*: &lt;@U123&gt; &lt;!everyone&gt;', '• *&lt;!here&gt;*: x'].sort(),
  );
  expectInert(list);
  expect(await slash(h, 'reseller list <!subteam^S123>', AUTHOR)).toBe(
    'No reseller is registered on *&lt;!subteam^S123&gt;*.',
  );
  expect(await slash(h, 'reseller remove <!here> | <@U123>', REVOPS)).toBe(
    '*&lt;@U123&gt;* was not registered on *&lt;!here&gt;*.',
  );
  expect(await slash(h, 'reseller remove <!here> | x', REVOPS)).toBe('Removed *x* from *&lt;!here&gt;*.');

  // classify never repeats the typed reason raw: corrected with a hostile reason, stored as typed, answered without it.
  const { handoff } = await sendHandoff(h);
  expect(handoff.classification).not.toBeNull();
  const to = handoff.classification === 'partner_sourced' ? 'influenced' : 'sourced';
  const reason = '<!channel> <@U123> & <https://evil.example|see this>';
  const classifyReply = await slash(h, `classify ${handoff.id} ${to} ${reason}`, REVOPS);
  expect(classifyReply).toMatch(new RegExp(`^Handoff #${handoff.id} is now \\*Partner-`));
  expectInert(classifyReply);
  // Stored as typed (escaping belongs to rendering), with the correction.
  const [correction] = await h.database.db
    .select()
    .from(h.tables.classificationCorrections)
    .orderBy(h.tables.classificationCorrections.id);
  expect(correction?.reason).toBe(reason);

  const again = await slash(h, `classify ${handoff.id} ${to} <!channel> again`, REVOPS);
  expect(again).toBe(`Handoff #${handoff.id} is already partner-${to}. Nothing was changed.`);
  expect(await slash(h, 'classify 999 sourced <!channel>', REVOPS)).toBe(
    'There is no classified handoff #999. Nothing was changed.',
  );
  expect(await slash(h, 'classify <!channel> sourced <@U123>', REVOPS)).toBe(
    'Usage: `/handoff classify <handoff #> sourced|influenced <why>`',
  );
  expectInert(await slash(h, `classify ${handoff.id} <!here> <!channel>`, REVOPS));
  expectInert(await slash(h, `classify ${handoff.id} sourced <!channel>`, AUTHOR));
});

it('plain-text surfaces show what was typed, not escapes: pre-fills the packet and help modals with the typed account as is (plain_text); an inline error repeats it as is', async () => {
  const h = await start({ PARTNER_HELP_CHANNEL_ID: channels.internal.id });
  type View = { blocks: { block_id?: string; element?: { initial_value?: string } }[] };
  const lastView = () => {
    const calls = h.slack.callsTo('views.open');
    return calls[calls.length - 1]?.args.view as View | undefined;
  };
  const initial = (view: View | undefined, blockId: string) =>
    view?.blocks.find((b) => b.block_id === blockId)?.element?.initial_value;

  await h.command({ text: '<!channel> & <@U123>', user_id: AUTHOR });
  await waitFor(() => h.slack.callsTo('views.open').length === 1, 8000, 'the packet modal');
  expect(initial(lastView(), PACKET_BLOCK_ID.accountName)).toBe('<!channel> & <@U123>');

  await h.command({ text: 'ask <!here> & co', user_id: people.ae.id });
  await waitFor(() => h.slack.callsTo('views.open').length === 2, 8000, 'the help modal');
  expect(initial(lastView(), HELP_BLOCK_ID.account)).toBe('<!here> & co');

  // The account in an owner refusal ephemeral is escaped; in the same refusal as an inline error, it is not.
  const accountName = 'R&D <!channel>';
  const { handoff } = await sendHandoff(h, { accountName });
  const modal = await openOwnerModal(h, 'extend', handoff.id);
  const acceptModal = await openAcceptModal(h, {
    handoffId: handoff.id,
    user: { id: people.ae.id, team_id: TEAM },
  });
  // The accept modal's words (mrkdwn) repeat the account escaped.
  const acceptWords = JSON.stringify(acceptModal.blocks);
  expect(acceptWords).toContain('*R&amp;D &lt;!channel&gt;*');
  expectInert(acceptWords);
  expect(await submitAccept(h, acceptModal)).toEqual({});
  await waitFor(async () => (await handoffRow(h, handoff.id)).status === 'accepted', 8000, 'the accept');

  const ephemeral = await clickRefused(h, ACTION_ID.extend, handoff.id, authorUser);
  expect(ephemeral).toContain(`*R&amp;D &lt;!channel&gt;* is accepted, so it can no longer be extended.`);
  expectInert(ephemeral);

  const answer = await submit(h, extendSubmission({ privateMetadata: modal.private_metadata, days: '2' }));
  expect(answer.response_action).toBe('errors');
  expect(answer.errors?.[OWNER_BLOCK_ID.days]).toBe(
    `Handoff #${handoff.id} R&D <!channel> is accepted, so it can no longer be extended. Nothing was changed.`,
  );
});
