import { describe, expect, it } from 'vitest';
import { historyLine } from '../../../src/blocks/history.js';
import { activityFor } from '../../../src/crm/delivery.js';
import {
  addMessageVerdict,
  builtPermalink,
  channelFirst,
  EXCERPT_MAX,
  handoffAbout,
  isSlackPermalink,
  messageExcerpt,
} from '../../../src/domain/messageLinks.js';
import { handoff, handoffEvent } from '../blocks/fixtures.js';

/** "Add to handoff": the rules of what is kept of a message, and who may add one. */

const TEAM = 'T0INTERNAL';
const viewer = (userId: string, teamId: string | null = TEAM) => ({
  actor: { userId, teamId: teamId ?? undefined },
  internalTeamIds: [TEAM],
  adminUserIds: ['U0ADMIN'],
});

describe('the excerpt of a message', () => {
  it('reads Slack markup as a person does, on one line', () => {
    expect(
      messageExcerpt(
        'Hi <@U0AE|jordan>,\n\nsee <https://northwind.example/rfp|the RFP> &amp; <#C0X|deals> <!here>',
      ),
    ).toBe('Hi @jordan, see the RFP & #deals @here');
    expect(messageExcerpt('<https://a.example> and <@U0AE> &lt;b&gt;')).toBe(
      'https://a.example and @U0AE <b>',
    );
    expect(messageExcerpt('')).toBe('');
  });

  it('keeps a short text whole and cuts a long one at a word, with an ellipsis, within the limit', () => {
    const short = 'x'.repeat(EXCERPT_MAX);
    expect(messageExcerpt(short)).toBe(short);
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const cut = messageExcerpt(words);
    expect([...cut].length).toBeLessThanOrEqual(EXCERPT_MAX);
    expect(cut.endsWith('…')).toBe(true);
    // A whole word before the ellipsis: the text up to it is a prefix of the words.
    expect(words.startsWith(cut.slice(0, -1))).toBe(true);
    expect(words.charAt(cut.length - 1)).toBe(' ');
  });

  it('cuts between characters, never inside one (emoji), when there is no word to cut at', () => {
    const emoji = '😀'.repeat(300);
    const cut = messageExcerpt(emoji);
    expect([...cut]).toHaveLength(EXCERPT_MAX);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('who may add a message', () => {
  const h = handoff({ id: 12, ownerUserId: 'U0OWNER' });

  it('the AE, the owner, the author and admins, while the handoff is open', () => {
    for (const who of ['U0AE', 'U0OWNER', 'U0AUTHOR', 'U0ADMIN'])
      expect(addMessageVerdict(viewer(who), h), who).toBe('ok');
    expect(addMessageVerdict(viewer('U0MEMBER'), h)).toBe('not_allowed');
    expect(addMessageVerdict(viewer('U0AE', 'T0PARTNER'), h)).toBe('external');
    expect(addMessageVerdict(viewer('U0ADMIN', null), h)).toBe('external');
  });

  it('not once it is closed: declined, withdrawn, won or lost', () => {
    expect(addMessageVerdict(viewer('U0AE'), { ...h, status: 'accepted', outcome: 'meeting_held' })).toBe(
      'ok',
    );
    expect(addMessageVerdict(viewer('U0AE'), { ...h, status: 'taken_back' })).toBe('ok');
    for (const closed of [
      { status: 'declined' as const },
      { status: 'withdrawn' as const },
      { status: 'accepted' as const, outcome: 'won' as const },
      { status: 'accepted' as const, outcome: 'lost' as const },
    ])
      expect(addMessageVerdict(viewer('U0AE'), { ...h, ...closed }), JSON.stringify(closed)).toBe('not_now');
  });
});

describe('the link and the order', () => {
  it('accepts Slack permalinks only, and builds one in Slack’s format', () => {
    expect(isSlackPermalink('https://acme.slack.com/archives/C0PARTNER/p1700000000000100')).toBe(true);
    expect(
      isSlackPermalink(
        'https://acme.slack.com/archives/C0X/p1700000000000200?thread_ts=1700000000.000100&cid=C0X',
      ),
    ).toBe(true);
    expect(isSlackPermalink('https://evil.example/archives/C0X/p1')).toBe(false);
    expect(isSlackPermalink('javascript:alert(1)//slack.com/archives/C0X/p1')).toBe(false);
    expect(builtPermalink({ domain: 'acme', channelId: 'C0X', ts: '1700000000.000200' })).toBe(
      'https://acme.slack.com/archives/C0X/p1700000000000200',
    );
    const reply = builtPermalink({
      domain: undefined,
      channelId: 'C0X',
      ts: '1700000000.000200',
      threadTs: '1700000000.000100',
    });
    expect(reply).toBe(
      'https://slack.com/archives/C0X/p1700000000000200?thread_ts=1700000000.000100&cid=C0X',
    );
    expect(isSlackPermalink(reply)).toBe(true);
  });

  it("puts the channel's partner's handoffs first, each group in the order given", () => {
    const rows = [
      handoff({ id: 5, partnerId: 1, partnerChannelId: 'C0OTHER' }),
      handoff({ id: 4, partnerId: 2, partnerChannelId: 'C0OTHER' }),
      handoff({ id: 3, partnerId: 1, partnerChannelId: 'C0OTHER' }),
      handoff({ id: 2, partnerId: 9, partnerChannelId: 'C0HERE' }),
    ];
    const { rows: ordered, matched } = channelFirst(rows, { channelId: 'C0HERE', partnerId: 2 });
    expect(ordered.map((h) => h.id)).toEqual([4, 2, 5, 3]);
    expect(matched).toBe(2);
    expect(channelFirst(rows, { channelId: 'C0NONE', partnerId: undefined }).matched).toBe(0);
  });
});

describe('which handoff a message is about', () => {
  const rows = [
    { id: 8, accountName: 'Blue Yonder' },
    { id: 7, accountName: 'Contoso Pharma' },
    { id: 6, accountName: 'Contoso Retail' },
    { id: 2, accountName: 'Northwind Logistics, Inc.' },
  ];
  const about = (text: string, posted: number[] = []) => {
    const found = handoffAbout(rows, text, posted);
    return found && [found.handoff.id, found.why];
  };

  it('the handoff whose post the message is, or replies under, first', () => {
    expect(about('Thanks, any news on Contoso Pharma?', [2])).toEqual([2, 'thread']);
    // Several of the offered posted there (cannot be told), or one not offered: by its text, then none.
    expect(about('Any news?', [2, 8])).toBeUndefined();
    expect(about('Contoso Pharma signed', [99])).toEqual([7, 'account']);
  });

  it('else the one account the text names, in full or by its first word written as a name', () => {
    expect(about('Great news: Northwind approved the budget')).toEqual([2, 'account']);
    expect(about('the NORTHWIND-LOGISTICS team replied')).toEqual([2, 'account']);
    expect(about('Contoso Pharma wants a workshop')).toEqual([7, 'account']);
    expect(about('Café at Blue Yonder on Monday')).toEqual([8, 'account']);
  });

  it('none when two are named, or a first word is shared, or only written as an ordinary word', () => {
    expect(about('Northwind and Blue Yonder both asked')).toBeUndefined();
    expect(about('Contoso called back')).toBeUndefined();
    expect(about('the northwind wind is strong today')).toBeUndefined();
    expect(about('Any news?')).toBeUndefined();
  });
});

describe('what the history and the CRM show of it', () => {
  const event = (detail: Record<string, unknown>) =>
    handoffEvent({
      id: 345,
      handoffId: 12,
      type: 'message_added',
      fromStatus: 'accepted',
      toStatus: 'accepted',
      actorUserId: 'U0AUTHOR',
      actorTeamId: TEAM,
      at: new Date('2026-11-23T14:05:00Z'),
      detail,
    });
  const detail = {
    permalink: 'https://acme.slack.com/archives/C0PARTNER/p1700000000000100',
    excerpt: 'Budget <!channel> is approved & signed',
    byName: 'Pat Marketer',
  };

  it('the history line: who, the excerpt escaped, the link; the CRM activity: who added it, the excerpt, the link', () => {
    expect(historyLine(event(detail))).toContain(
      '<@U0AUTHOR> added a message: “Budget &lt;!channel&gt; is approved &amp; signed” (<https://acme.slack.com/archives/C0PARTNER/p1700000000000100|link>)',
    );
    const h = handoff({ id: 12, crmSystem: 'hubspot', crmRecordId: '99' });
    const activity = activityFor(event(detail), h, 'Meridian');
    expect(activity.subject).toBe('Co-sell handoff #12 Slack message added');
    expect(activity.lines).toEqual(
      expect.arrayContaining([
        'Added by: Pat Marketer',
        'Message: “Budget <!channel> is approved & signed”',
        `Link: ${detail.permalink}`,
      ]),
    );
    expect(activity.marker).toBe('cosell12e345');
  });
});
