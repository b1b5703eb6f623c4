import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, scoreWeightBlockId } from '../../src/blocks/ids.js';
import { first } from '../../src/db/engine.js';
import { findScorecard } from '../../src/db/repositories/packets.js';
import { DEFAULT_WEIGHTS, weightedTotal } from '../../src/domain/scoreWeights.js';
import { programHistoryLines } from '../../src/program/history.js';
import type { RecordedCall } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { blockAction } from '../support/payloads.js';
import { channels } from '../support/people.js';
import {
  homeButton,
  modalButton,
  type ProgramView,
  programLog,
  stateOf,
  submitEditor,
  viewOpenedBy,
  viewText,
} from '../support/programFlow.js';
import { QUIET, ROLES, revopsUser } from '../support/revopsFlow.js';
import { seedScoreHistory } from '../support/scoreHistory.js';

/**
 * The score against outcomes (issue 54 item 3), through the real app: a generated history where Proof predicts
 * acceptance and winning and Partner context does not (test/support/scoreHistory.ts); the view flags exactly Partner
 * context; small samples are said to be small; an AE cannot open it; the weights are edited, audited, and apply to
 * the next packet only; the first weekly digest of a month carries last month's lines.
 */

const DAY = 86_400_000;

/** RevOps click "Score against outcomes" in the App Home: the view opened. */
async function openScoreView(h: Harness): Promise<ProgramView> {
  const trigger = await homeButton(h, revopsUser, ACTION_ID.scoreCheck, '90d');
  return viewOpenedBy(h, 'views.open', trigger);
}

const sectionLines = (view: { blocks: unknown[] }) =>
  (view.blocks as { type: string; text?: { text: string } }[])
    .filter((b) => b.type === 'section')
    .map((b) => b.text?.text ?? '');

describe('the score against outcomes', () => {
  const start = harnessPerTest();

  it('flags exactly the component that does not separate outcomes, with the counts behind it', async () => {
    const h = await start({ env: { ...QUIET, ...ROLES } });
    await seedScoreHistory(h.database.db, new Date(h.clock.now().getTime() - 20 * DAY));
    const view = await openScoreView(h);
    expect(view.title).toMatchObject({ text: 'Score against outcomes' });
    const lines = sectionLines(view);
    expect(lines[0]).toBe(
      '*1 component does not separate outcomes.*\n:warning: *Partner context* does not separate outcomes: 60% accepted with a strong score (30 packets) against 60% with a weaker one (30); won 20% against 17%.',
    );
    expect(viewText(view)).not.toMatch(/:warning: \*Proof\*/);
    expect(lines).toContain(
      '*Proof*\n• strong (2): 30 packets, 80% accepted (24 of 30 answers), 6% silent (2 of 32 windows), 30% met (9), 30% won (9)\n• weaker (0–1): 30 packets, 40% accepted (12 of 30 answers), 17% silent (6 of 36 windows), 7% met (2), 7% won (2)',
    );
    // Every other component was strong on every packet: its weaker side is empty, too few to tell, no flag.
    expect(lines).toContain(
      '*Owner*\n• strong (2): 60 packets, 60% accepted (36 of 60 answers), 12% silent (8 of 68 windows), 18% met (11), 18% won (11)\n• weaker (0–1): 0 packets: too few to tell',
    );
    expect(lines.find((l) => l.startsWith('*By score band*'))).toBe(
      '*By score band*\n*Ready to hand off* · 45 packets, 67% accepted (30 of 45 answers), 10% silent (5 of 50 windows), 22% met (10), 22% won (10)\n*Fix the weak parts* · 15 packets: too few to tell\n*Keep building* · 0 packets: too few to tell',
    );

    // Twelve months: the same handoffs (all within 90 days), the view updated in place.
    const updates = h.slack.callsTo('views.update').length;
    const {
      response_url: _u,
      channel: _c,
      message: _m,
      ...rest
    } = blockAction({
      actionId: ACTION_ID.scoreCheckPeriod,
      value: '365d',
      user: revopsUser,
    });
    const current = h.slack.view(view.id);
    await h.interact({
      ...rest,
      container: { type: 'view', view_id: view.id },
      view: { ...current, state: { values: {} } },
      actions: [
        {
          type: 'static_select',
          action_id: ACTION_ID.scoreCheckPeriod,
          block_id: 'score_check_actions',
          selected_option: { text: { type: 'plain_text', text: 'Last 12 months' }, value: '365d' },
          action_ts: '1700000001.000200',
        },
      ],
    });
    const update: RecordedCall = await waitFor(
      () => h.slack.callsTo('views.update')[updates],
      4000,
      'the view over 12 months',
    );
    expect(JSON.stringify(update.args.view)).toContain('Last 12 months');
    expect(JSON.stringify(update.args.view)).toContain('*Partner context* does not separate outcomes');
  });

  // Who may open it, and what an AE reads instead, is the authorization matrix's.
  it('says a small sample is small (no rates, no flag); lets RevOps change a weight: audited in the program, the next packet scored with it, the sent ones unchanged', async () => {
    const h = await start({ env: { ...QUIET, ...ROLES } });
    await seedScoreHistory(h.database.db, new Date(h.clock.now().getTime() - 20 * DAY), 7);
    const view = await openScoreView(h);
    const lines = sectionLines(view);
    expect(lines[0]).toBe('*28 packets: too few to tell (a side needs 30 packets).*');
    expect(lines).toContain(
      '*Proof*\n• strong (2): 14 packets: too few to tell\n• weaker (0–1): 14 packets: too few to tell',
    );
    expect(viewText(view)).not.toContain(':warning:');

    // The seeded history is Northwind's: this one is another account.
    const old = await sendHandoff(h, { accountName: 'Contoso Freight', accountDomain: 'contoso.com' });
    const oldCard = await findScorecard(h.database.db, old.handoff.id);
    const trigger = await modalButton(h, revopsUser, view, ACTION_ID.scoreWeights, 'weights');
    const editor = await viewOpenedBy(h, 'views.push', trigger);
    expect(editor.title).toMatchObject({ text: 'The score’s weights' });
    // Every component counted thrice but the next action, which no longer counts.
    const answers = Object.fromEntries(
      Object.keys(DEFAULT_WEIGHTS).map((id) => [scoreWeightBlockId(id), id === 'next_action' ? '0' : '3']),
    );
    const values = stateOf(editor as never, answers);
    const ack = await submitEditor(h, revopsUser, editor, values);
    expect(ack).toEqual({});
    const entry = (await programLog(h)).at(-1);
    expect(entry).toMatchObject({ kind: 'scoring', key: '-', actor: revopsUser.id });
    const weights = (entry?.body as { weights: Record<string, number> } | undefined)?.weights ?? {};
    expect(weights).toMatchObject({ proof: 3, next_action: 0 });
    const [line] = await programHistoryLines(h.database.db, 1);
    expect(line?.change).toContain('*Next action* 1 → 0');
    expect(line?.change).toContain('*Proof* 1 → 3');

    // A packet whose next action is vague (weak, 1): weighted, it scores otherwise than the plain sum.
    const next = await sendHandoff(h, {
      accountName: 'Wingtip Toys',
      accountDomain: 'wingtiptoys.com',
      sellerNextMove: 'Follow up with them soon',
    });
    const card = await findScorecard(h.database.db, next.handoff.id);
    if (!card) throw new Error('no scorecard');
    const plain = card.components.reduce((s, c) => s + c.score, 0);
    expect(next.handoff.score).toBe(weightedTotal(card.components, weights as never));
    expect(next.handoff.score).not.toBe(plain);
    // The one sent before keeps its scorecard and score.
    const { handoffs } = h.tables;
    const oldRow = await first(h.database.db.select().from(handoffs).where(eq(handoffs.id, old.handoff.id)));
    expect(oldRow?.score).toBe(old.handoff.score);
    expect(await findScorecard(h.database.db, old.handoff.id)).toEqual(oldCard);
  });

  it('is in the first weekly digest of a month: last month’s flags; not in the next week’s', async () => {
    const h = await start({
      now: '2026-12-07T09:00:00Z',
      env: { ...QUIET, ...ROLES, DIGEST_CHANNEL_ID: channels.internal.id },
    });
    await seedScoreHistory(h.database.db, new Date('2026-11-10T10:00:00Z'));
    // One in December: not last month's.
    await seedScoreHistory(h.database.db, new Date('2026-12-02T10:00:00Z'), 1);
    const posts = () =>
      h.slack.calls.filter(
        (c) => c.method === 'chat.postMessage' && c.args.channel === channels.internal.id,
      ) ?? [];
    expect(await h.app.digest.post()).toBe('posted');
    const first = await waitFor(() => posts().find((c) => c.status !== 0), 8000, 'the digest');
    const text = JSON.stringify(first.args.blocks);
    expect(text).toContain(
      '*The score against outcomes, handoffs sent in November 2026*\\n1 component does not separate outcomes.',
    );
    expect(text).toContain(':warning: *Partner context* does not separate outcomes: 60% accepted');
    expect(text).not.toContain(':warning: *Proof*');

    h.clock.set('2026-12-14T09:00:00Z');
    expect(await h.app.digest.post()).toBe('posted');
    const second = await waitFor(() => posts().filter((c) => c.status !== 0)[1], 8000, 'the next digest');
    expect(JSON.stringify(second.args.blocks)).not.toContain('The score against outcomes');
  });
});
