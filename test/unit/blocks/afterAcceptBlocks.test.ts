import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { afterAcceptSection, groupSection } from '../../../src/blocks/metrics.js';
import type { HandoffRow } from '../../../src/db/schema.js';
import { NO_OFFER } from '../../../src/domain/lifecycle.js';
import type { GroupStats } from '../../../src/domain/metrics.js';
import { LIMITS, validateMessage } from '../../support/fakeSlack.js';
import { afterAccept, stats } from '../../support/metricsFixtures.js';
import { fill, handoff } from './fixtures.js';
import { digestOf, homeView } from './unitdomain-views.js';

/** The figures after the Accept (RevOps) and the App Home's lines for a deal after it. */

type Obj = Record<string, unknown>;
const fieldTexts = (block: KnownBlock) =>
  ((block as unknown as Obj).fields as { text: string }[]).map((f) => f.text);

describe('the figures after the Accept', () => {
  it('say each figure with the counts it comes from, and how it is counted, in one section', () => {
    const block = afterAcceptSection(
      stats({
        afterAccept: afterAccept({
          stepsDone: 3,
          onTime: 2,
          onTimeMoved: 1,
          idle: 1,
          handedBack: 2,
          commitmentsEnded: 4,
          keptRate: 0.5,
          medianHours: 11,
          p90Hours: 12.2,
        }),
      }),
    );
    const fields = fieldTexts(block);
    expect(fields.map((f) => f.split('\n').slice(0, 2).join(': '))).toEqual([
      '*First steps kept on time*: 2 of 4 (50%) commitments (1 after a new date)',
      '*Time to first step*: median 11.0 h · p90 12.2 h',
      '*Accepted, then idle*: 1',
      '*Handed back*: 2',
    ]);
    for (const f of fields) expect(f).toMatch(/\n_[^_\n]+_$/);
    expect(fields[0]).toContain('a new date counts');
    expect(fields[1]).toContain('(3 first steps done)');
    expect(validateMessage({ text: 'x', blocks: [block] })).toBeNull();
  });

  it('shows – for no times and no rate, and no "after a new date" when none was moved', () => {
    const fields = fieldTexts(afterAcceptSection(stats()));
    expect(fields.map((f) => f.split('\n')[1])).toEqual(['0 of 0 commitments', 'median – · p90 –', '0', '0']);
  });

  it('stays within Slack’s limits with numbers as large as a busy program makes them', () => {
    const busy = afterAccept({
      stepsDone: 99_999,
      onTime: 99_998,
      onTimeMoved: 99_997,
      idle: 99_999,
      handedBack: 99_999,
      commitmentsEnded: 199_998,
      keptRate: 0.49999,
      medianHours: 12_345.678,
      p90Hours: 99_999.999,
    });
    const block = afterAcceptSection(stats({ afterAccept: busy }));
    for (const f of fieldTexts(block)) expect([...f].length).toBeLessThanOrEqual(LIMITS.sectionField);
    expect(validateMessage({ text: 'x', blocks: [block] })).toBeNull();
  });

  it('come in the weekly digest after the headline and the week before', () => {
    const digest = digestOf({
      weekLabel: '2026-11-30',
      stats: stats({ afterAccept: afterAccept({ idle: 3 }) }),
    });
    const blocks = digest.blocks as unknown as Obj[];
    const at = blocks.findIndex((b) => JSON.stringify(b).includes('*After the Accept*'));
    expect(at).toBeGreaterThan(blocks.findIndex((b) => JSON.stringify(b).includes('The week before')));
    expect(JSON.stringify(blocks[at])).toContain('*Accepted, then idle*\\n3\\n');
    expect(validateMessage(digest)).toBeNull();
  });

  it('adds them to a group’s line once it has any, and leaves a group without them as it was', () => {
    const group = (key: string, over: Partial<GroupStats['afterAccept']> = {}): GroupStats => ({
      key,
      label: key,
      ...stats({ afterAccept: afterAccept(over) }),
    });
    const text = (
      groupSection(
        'By AE',
        [
          group('U0AE1', { onTime: 2, commitmentsEnded: 4, medianHours: 11, idle: 1, handedBack: 1 }),
          group('U0AE2', { handedBack: 1 }),
          group('U0AE3'),
        ],
        'user',
      ) as { text: { text: string } }
    ).text.text;
    const [title, first, second, third] = text.split('\n');
    expect(title).toBe('*By AE*');
    expect(first).toMatch(
      / · help asks 0 · first steps kept 2\/4 · to first step 11\.0 h · idle 1 · handed back 1$/,
    );
    expect(second).toMatch(
      / · help asks 0 · first steps kept 0\/0 · to first step – · idle 0 · handed back 1$/,
    );
    expect(third).toMatch(/ · help asks 0$/);
  });
});

describe('the App Home after the Accept', () => {
  /** Wednesday 2 December 2026, 10:00 in Berlin (Jordan's zone). */
  const WEDNESDAY = new Date('2026-12-02T09:00:00Z');
  const accepted = (over: Partial<HandoffRow> = {}) =>
    handoff({
      status: 'accepted',
      decidedAt: new Date('2026-11-30T09:00:00Z'),
      firstStep: 'Intro call with Dana <!channel>',
      firstStepDue: '2026-12-02',
      ...over,
    });
  const home = (lists: Parameters<typeof homeView>[0], reader = 'U0AUTHOR') =>
    JSON.stringify(homeView({ reader, now: WEDNESDAY, ...lists }));
  const due = 'next step due *Wed 2 Dec* (Intro call with Dana &lt;!channel&gt;). No outcome recorded yet.';
  const idle =
    '*idle*, the next step was due *Tue 1 Dec* (Intro call with Dana &lt;!channel&gt;) and no outcome is recorded since.';

  it('lists an open first step as due through its date, then idle, for the AE and the owner', () => {
    const today = accepted({ id: 1 });
    const passed = accepted({ id: 2, firstStepDue: '2026-12-01' });
    const view = home({ deals: [today, passed] }, 'U0AE');
    expect(view).toContain(
      `#1 *Northwind Logistics* (via Meridian Cloud Consulting) with you. Accepted: ${due}`,
    );
    expect(view).toContain(
      `#2 *Northwind Logistics* (via Meridian Cloud Consulting) with you. Accepted: ${idle}`,
    );
    // The owner reads the same, the AE named.
    expect(home({ deals: [passed] }, 'U0OWNER')).toContain(`with <@U0AE>. Accepted: ${idle}`);
  });

  it('lists the same in what the author sent, after who accepted it', () => {
    const view = home({ sent: [accepted({ id: 1 }), accepted({ id: 2, firstStepDue: '2026-12-01' })] });
    expect(view).toContain(
      `#1 *Northwind Logistics* (via Meridian Cloud Consulting): accepted by <@U0AE>: ${due}`,
    );
    expect(view).toContain(
      `#2 *Northwind Logistics* (via Meridian Cloud Consulting): accepted by <@U0AE>: ${idle}`,
    );
  });

  it('keeps the outcome line once the step is done, or for a deal accepted without one', () => {
    const done = accepted({ outcome: 'meeting_held', firstStepDoneAt: new Date('2026-12-01T09:00:00Z') });
    const view = home({ deals: [done], sent: [accepted({ id: 3, firstStep: null, firstStepDue: null })] });
    expect(view).toContain('Latest outcome: *Meeting held*.');
    expect(view).toContain('accepted by <@U0AE>. No outcome recorded yet.');
    expect(view).not.toContain('idle');
    expect(view).not.toContain('next step due');
  });

  it('tells the author their answer is awaited while the AE’s question is open, clock paused or not', () => {
    const running = handoff({ id: 5, questionOpen: true, questionAssignment: 1 });
    expect(home({ sent: [running] })).toMatch(
      /#5 \*Northwind Logistics\* \(via Meridian Cloud Consulting\): with <@U0AE>, answer due \*<!date\^[^*]+\*[^;"]*; \*waiting for your answer\* to their question"/,
    );
    const paused = handoff({ id: 6, questionOpen: true, questionAssignment: 1, pausedAt: WEDNESDAY });
    const pausedView = home({ sent: [paused] });
    expect(pausedView).toContain('clock *paused* since');
    expect(pausedView.match(/waiting for your answer/g)).toHaveLength(1);
    // Answered: nothing waits for them.
    expect(home({ sent: [handoff({ id: 7, questionAssignment: 1 })] })).not.toContain(
      'waiting for your answer',
    );
  });

  it('lists a deal taken back from its AE among what its owner must act on, with their buttons', () => {
    const takenBack = accepted({ id: 8, status: 'taken_back', takenBackAt: WEDNESDAY });
    const view = home({ owned: [takenBack] });
    expect(view).toContain(
      '*Handoffs you own that need you* (open, expired, taken back, or declined in the last 14 days)',
    );
    expect(view).toContain(
      '#8 *Northwind Logistics* (via Meridian Cloud Consulting): back with you (<@U0AE> had accepted it): you can give it to another AE (Reassign) or withdraw it',
    );
    expect(view).toContain('handoff_reassign');
    expect(home({ owned: [takenBack], offer: () => NO_OFFER })).not.toContain('handoff_reassign');
  });

  it('says nothing of idle without the time the Home is shown', () => {
    const view = JSON.stringify(homeView({ deals: [accepted({ firstStepDue: '2026-01-01' })] }));
    expect(view).toContain(
      'Next: *Intro call with Dana &lt;!channel&gt;* by Thu 1 Jan. No outcome recorded yet.',
    );
    expect(view).not.toContain('idle');
  });

  it('keeps a worst-case step line within a section', () => {
    const long = accepted({
      firstStep: fill('&<>', 150),
      firstStepDue: '2026-12-01',
      accountName: fill('&', 200),
    });
    const texts = [...home({ deals: [long], sent: [long] }).matchAll(/"text":"((?:[^"\\]|\\.)*)"/g)].map(
      (m) => m[1] ?? '',
    );
    for (const t of texts) expect(JSON.parse(`"${t}"`).length).toBeLessThanOrEqual(LIMITS.sectionText);
  });
});
