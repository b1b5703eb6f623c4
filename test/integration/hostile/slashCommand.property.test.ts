import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileWorld, snapshot, stillServes, wellFormed } from '../../support/hostile.js';
import { commandBody, defectOpts, huge, junk, PEOPLE_IDS, propertyOpts } from '../../support/hostileGen.js';
import { ADMIN } from '../../support/mayDo.js';
import { slashCommand } from '../../support/payloads.js';
import { PARTNER_TEAM, TEAM } from '../../support/people.js';

/**
 * /handoff through the real HTTP receiver: text with control characters, 4000 characters, `<!channel>` and junk
 * subcommands, from anyone, in any workspace and channel. Every request is correctly signed. The app answers 200
 * (400 when the body is malformed), never a 5xx, still answers GET /healthz, logs no error, and leaves every table
 * as it was: the outbox may only gain a reply to the actor. See test/support/hostile.ts `exercise`. (Unknown
 * commands and repeated command fields are among the unrouted bodies of malformed.property.test.ts.)
 *
 * DEFECT 7 (a command without `text`) keeps the property that pinned it.
 */

const world = hostileWorld('/handoff');

/** Text with control characters, bidi overrides and zero-width pieces between words. */
const controlText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'help reseller classify export outbox ask add list retry | #1'.split(' ')),
      fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 4 }),
      fc.constantFrom('\u007f', '\u200b', '\u2028', '\u202e', '\ufeff', '\u00a0', '\t', '\r\n'),
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(''));

/** Subcommands with arguments that cannot be valid, whoever types them: `prefix arg` for each `;`-separated arg. */
const under = (prefix: string, args: string) => args.split(';').map((a) => (a ? `${prefix} ${a}` : prefix));
const JUNK_SUBCOMMANDS = [
  'help junk junk',
  'HELP',
  ...under('reseller', ';add;add Hostile Open A;add | ;remove | |;remove Nobody Inc | Nobody Reseller'),
  'ReSeLLeR list <!channel>',
  'reseller frobnicate a | b',
  ...under('classify', ';abc sourced because;1e400 sourced because;-1 influenced because'),
  ...under('classify', '#0x10 sourced because;99999999 sourced because;1 partner_sourced because;1 sourced'),
  ...under('export', 'notadate;2026-13-45;2026-02-30;2026-01-01 2025-01-01;since until'),
  ...under('outbox retry', ';junk;99999999;-1;1e400;#'),
  'outbox list',
  // A pause whose last day is no date, or has passed; resume with words after it.
  ...under('pause', 'tomorrow;until;until 2020-01-01;until 2026-02-30;2026-13-45;until 2026-12-03 and more'),
  'resume now',
  // Naming nobody, someone not ours, or no handoff; follow with words that are no choice.
  'pause @nobody until 2026-12-18',
  'pause <@U0PARTNER|dana>',
  'resume <!channel>',
  ...under('follow', ';abc;99999999;1 <!channel>;1 @nobody'),
  'unfollow 1 junk words',
];
const ADMIN_SAFE = new Set<string>(JUNK_SUBCOMMANDS);
const junkSubcommand = fc.oneof(
  fc.constantFrom(...JUNK_SUBCOMMANDS),
  fc
    .tuple(fc.constantFrom('reseller add', 'classify', 'export', 'outbox retry', 'ask'), junk)
    .map(([s, j]) => `${s} ${j}`),
);

const commandText = fc.oneof(
  controlText,
  junkSubcommand,
  fc.constantFrom(
    '<!channel>',
    '<!here> <!everyone>',
    '<@U0AE> <#C0PARTNER|ext-meridian>',
    '<https://evil.example.com|x>',
  ),
  fc
    .tuple(fc.constantFrom('x', '😀', '<!channel>', 'reseller add a | ', '\u0000', ' '), fc.constant(4000))
    .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n)),
  huge,
);

const commandUser = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PEOPLE_IDS, 'U0NOBODY') },
  { weight: 1, arbitrary: fc.constantFrom('', 'u0member', 'U0MEMBER ', '<@U0MEMBER>') },
  { weight: 1, arbitrary: huge },
);

/** Subcommands that write (RevOps/admin only): the admin only gets the junk ones listed above. */
const WRITES = /^\s*(reseller\s+(add|remove)|classify|outbox\s+retry)(\s|$)/i;

const slash = fc
  .record({
    user: commandUser,
    text: commandText,
    teamId: fc.constantFrom(TEAM, PARTNER_TEAM, '', 'T0SISTER'),
    channelId: fc.oneof(fc.constantFrom('C0INTERNAL', 'C0PARTNER', 'D0AE', ''), huge),
  })
  .filter(({ user, text: t }) => user !== ADMIN || !WRITES.test(t) || ADMIN_SAFE.has(t));

describe('hostile input through the real HTTP receiver (property)', () => {
  it('/handoff with control characters, 4000 chars, <!channel> and junk subcommands: 200 (400 if malformed), nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(slash, async (plan) => {
        const responseUrl = world().h.slack.responseUrl();
        const fields = slashCommand({
          user_id: plan.user,
          text: plan.text,
          team_id: plan.teamId,
          channel_id: plan.channelId,
          response_url: responseUrl,
          trigger_id: world().h.slack.issueTriggerId(),
        });
        const problems = await world().exercise([
          {
            label: `/handoff ${JSON.stringify(plan.text.slice(0, 60))} by ${plan.user.slice(0, 20)}`,
            body: commandBody(fields),
            statuses: [200],
            responseUrls: [responseUrl],
            userIds: [plan.user],
          },
        ]);
        expect(problems).toEqual([]);
      }),
      propertyOpts(100),
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Defects found earlier, now fixed: each keeps the property that pinned it, asserting the fixed behaviour

/** The app's global catch: a listener threw (TypeError: warn; anything else: error). */
const LISTENER_FAILED = [
  'a Slack listener failed',
  'a Slack request with unexpected field types was ignored',
];
const listenerFailures = (from: number) =>
  world()
    .h.logs.slice(from)
    .filter((entry) => LISTENER_FAILED.includes(String(entry.msg)))
    .map(
      (entry) => `${String(entry.msg)}: ${String((entry.err as { message?: unknown } | undefined)?.message)}`,
    );

describe('defects found earlier (fixed: each property asserts the fix)', () => {
  /**
   * DEFECT 7 (fixed). A slash command with no `text` field reads as empty (the packet modal opens, or the refusal is
   * replied), never a listener error and silence; `text` given twice is refused by the receiver with 400.
   */
  it('/handoff without text: answered, no listener error; with text twice: refused 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PEOPLE_IDS), async (user) => {
        const { h } = world();
        const responseUrl = h.slack.responseUrl();
        const triggerId = h.slack.issueTriggerId();
        const noText: Record<string, string | string[]> = slashCommand({
          user_id: user,
          response_url: responseUrl,
          trigger_id: triggerId,
        });
        delete noText.text;
        const twoTexts = {
          ...slashCommand({ user_id: user, response_url: h.slack.responseUrl() }),
          text: ['help', 'reseller list'],
        };
        const logFrom = h.logs.length;
        const problems = await world().exercise([
          wellFormed({
            label: `/handoff by ${user}, no text`,
            body: commandBody(noText),
            statuses: [200],
            responseUrls: [responseUrl],
            userIds: [user],
          }),
          {
            label: `/handoff by ${user}, text twice`,
            body: commandBody(twoTexts),
            statuses: [],
            malformed: true,
            responseUrls: [],
            userIds: [],
          },
        ]);
        expect(problems).toEqual([]);
        expect(listenerFailures(logFrom)).toEqual([]);
        // The answer: the packet modal for a member, or an ephemeral reply (an outsider, or Slack unavailable).
        const modal = h.slack.callsTo('views.open').some((call) => call.args.trigger_id === triggerId);
        const reply = (await snapshot(h)).outbox.some(
          (row) => (row.payload as Record<string, unknown>).response_url === responseUrl,
        );
        expect(modal || reply, `/handoff by ${user} without text: no modal, no reply`).toBe(true);
      }),
      defectOpts,
    );
  });
});

describe('afterwards', () => {
  it('after all of it, the app still serves a real request: the AE accepts handoff D', async () => {
    await stillServes(world());
  });
});
