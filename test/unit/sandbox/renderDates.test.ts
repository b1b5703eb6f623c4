import { describe, expect, it } from 'vitest';
import {
  formatSlackDate,
  mrkdwnToHtml,
  type RenderContext,
  renderBlocks,
} from '../../../sandbox/web/render.js';
import { slackDate } from '../../../src/blocks/mrkdwn.js';
import { blankContext } from './unitdomain-context.js';

/**
 * In Slack, `<!date^epoch^format|fallback>` shows in each reader's own timezone; the fallback (written in one
 * person's zone) only where the token cannot be rendered. The sandbox page renders it for the person viewing.
 */

const base = blankContext;
const as = (timeZone: string | undefined, now: string): RenderContext => ({
  ...base,
  ...(timeZone ? { timeZone } : {}),
  now: Date.parse(now),
});
/** The text of the first date in some HTML. */
const dateText = (html: string) => /<span class="bk-date"[^>]*>([^<]*)<\/span>/.exec(html)?.[1];
const titleOf = (html: string) => /<span class="bk-date" title="([^"]*)"/.exec(html)?.[1];

/** Thursday 5 March 2026, 10:00 UTC: 05:00 in New York, 11:00 in Berlin. */
const THURSDAY = Date.parse('2026-03-05T10:00:00Z') / 1000;
const token = (epoch: number, format: string) => `<!date^${epoch}^${format}|fallback written elsewhere>`;

describe('sandbox page: dates in the viewer’s timezone', () => {
  it('the same token reads in each viewer’s own zone, not in the zone of its fallback', () => {
    // The app writes the AE's deadline with a fallback in the AE's zone (here Berlin): a New York reader sees New
    // York time, a Berlin reader Berlin time.
    const due = `answer by *${slackDate(new Date(THURSDAY * 1000), 'Europe/Berlin')}*`;
    const now = '2026-03-02T12:00:00Z';
    const newYork = mrkdwnToHtml(due, as('America/New_York', now));
    const berlin = mrkdwnToHtml(due, as('Europe/Berlin', now));
    expect(dateText(newYork)).toBe('Mar 5 at 5:00 AM');
    expect(dateText(berlin)).toBe('Mar 5 at 11:00 AM');
    expect(titleOf(newYork)).toBe('Thursday, March 5th, 2026 at 5:00 AM (EST)');
    expect(titleOf(berlin)).toBe('Thursday, March 5th, 2026 at 11:00 AM (GMT+1)');
    expect(newYork).not.toContain('GMT+1');
  });

  it('today, tomorrow and yesterday are the viewer’s days, on the sandbox clock', () => {
    // 23:30 UTC: still Thursday evening in New York, already Friday in Berlin.
    const late = Date.parse('2026-03-05T23:30:00Z') / 1000;
    const text = token(late, '{date_short_pretty} at {time}');
    expect(dateText(mrkdwnToHtml(text, as('America/New_York', '2026-03-05T15:00:00Z')))).toBe(
      'today at 6:30 PM',
    );
    expect(dateText(mrkdwnToHtml(text, as('Europe/Berlin', '2026-03-05T15:00:00Z')))).toBe(
      'tomorrow at 12:30 AM',
    );
    expect(dateText(mrkdwnToHtml(text, as('Europe/Berlin', '2026-03-07T15:00:00Z')))).toBe(
      'yesterday at 12:30 AM',
    );
  });

  it('writes Slack’s formats, the year only beyond six months (always for the _full ones)', () => {
    const at = (format: string, now = '2026-03-02T12:00:00Z') =>
      formatSlackDate(THURSDAY, format, 'Europe/Berlin', Date.parse(now));
    expect(at('{date_num}')).toBe('2026-03-05');
    expect(at('{date_slash}')).toBe('03/05/2026');
    expect(at('{date}')).toBe('March 5th');
    expect(at('{date}', '2025-06-01T00:00:00Z')).toBe('March 5th, 2026');
    expect(at('{date_short}')).toBe('Mar 5');
    expect(at('{date_short_full}')).toBe('Mar 5, 2026');
    expect(at('{date_long}')).toBe('Thursday, March 5th');
    expect(at('{date_long_full}')).toBe('Thursday, March 5th, 2026');
    expect(at('{date_long_pretty}', '2026-03-05T08:00:00Z')).toBe('today');
    expect(at('{time}')).toBe('11:00 AM');
    expect(at('{time_secs}')).toBe('11:00:00 AM');
    expect(at('{ago}', '2026-03-05T13:00:00Z')).toBe('3 hours ago');
    expect(at('{ago}', '2026-03-03T10:00:00Z')).toBe('in 2 days');
    expect(at('Due {date_short_pretty}, {unknown}')).toBe('Due Mar 5, {unknown}');
    expect(formatSlackDate(Date.parse('2026-03-21T12:00:00Z') / 1000, '{date}', 'UTC', 0)).toBe(
      'March 21st, 2026',
    );
  });

  it('links a date when the token has a link; only safe links', () => {
    const linked = mrkdwnToHtml(
      `<!date^${THURSDAY}^{date_short}^https://example.com/deal|Mar 5>`,
      as('UTC', '2026-03-01T00:00:00Z'),
    );
    expect(linked).toMatch(
      /^<a class="bk-link" href="https:\/\/example.com\/deal"[^>]*><span class="bk-date"/,
    );
    const unsafe = mrkdwnToHtml(
      `<!date^${THURSDAY}^{date_short}^javascript:alert(1)|Mar 5>`,
      as('UTC', '2026-03-01T00:00:00Z'),
    );
    expect(unsafe).not.toContain('<a');
  });

  it('shows the fallback without a viewer zone, with an unknown zone, or with a bad timestamp', () => {
    const text = token(THURSDAY, '{date_short}');
    expect(dateText(mrkdwnToHtml(text, base))).toBe('fallback written elsewhere');
    expect(dateText(mrkdwnToHtml(text, as('Mars/Olympus_Mons', '2026-03-01T00:00:00Z')))).toBe(
      'fallback written elsewhere',
    );
    expect(dateText(mrkdwnToHtml('<!date^soon^{date_short}|later>', as('UTC', '2026-03-01T00:00:00Z')))).toBe(
      'later',
    );
  });

  it('renders rich text dates in the viewer’s zone too, capitalized as Slack does', () => {
    const blocks = [
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Due ' },
              { type: 'date', timestamp: THURSDAY, format: '{date_pretty} at {time}', fallback: 'Mar 5' },
            ],
          },
        ],
      },
    ];
    const html = renderBlocks(blocks, as('Asia/Tokyo', '2026-03-05T01:00:00Z'), { surface: 'message' });
    expect(dateText(html)).toBe('Today at 7:00 PM');
  });
});
