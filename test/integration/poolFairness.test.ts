import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_ID,
  PROGRAM_BLOCK_ID as B,
  PACKET_POOL_BLOCK_ID,
  weightBlockId as W,
} from '../../src/blocks/ids.js';
import { eventsOf } from '../../src/db/repositories/events.js';
import { account } from '../support/crmFlow.js';
import { type Harness, waitFor } from '../support/harness.js';
import { QUIET, slashReply } from '../support/ownerFlow.js';
import { packetSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';
import {
  type Answer,
  internalUser,
  openPage,
  type ProgramView,
  programLog,
  pushEditor,
  stateOf,
  submitEditor,
  viewText,
} from '../support/programFlow.js';
import { lastHandoff, sendReview } from '../support/reviewFlow.js';
import { startWithPolicyFile } from '../support/time-policyFile.js';

/**
 * Issue 53 item 5, "pools fair and visible", through the real receiver: an admin gives a pool's member a weight of 2
 * and makes the pool fair per week in its editor (a person picker and a number per row; bad rows refused inline); the pool's page shows "×2" and the
 * sharing; handoffs sent to the pool then go to the member furthest behind their weighted share, and the pool's
 * round-robin lines say why.
 *
 * The cast: Olu the admin; the Backup pool of Sam (weight 2) and Mo (weight 1); Jordan writes the packets.
 */
const ADMIN = internalUser(people.owner);
const SAM = people.otherAe.id;
const MO = people.member.id;

const FILE = {
  pools: { backup: { name: 'Backup AEs', users: [SAM, MO] } },
  policies: { quiet: [{ at: 'due', action: 'notify', to: ['owner'] }] },
};

let h: Harness;
beforeAll(async () => {
  h = await startWithPolicyFile(FILE, { env: { ...QUIET, ADMIN_USER_IDS: ADMIN.id } });
}, 30_000);
afterAll(() => h?.stop());

const openPools = () => openPage(h, ADMIN, 'pools');
const editBackup = (page: ProgramView) => pushEditor(h, ADMIN, page, 'pool:backup');

const save = (editor: ProgramView, answers: Record<string, Answer>) =>
  submitEditor(h, ADMIN, editor, stateOf(editor, answers));

/** Sends a packet to the Backup pool (no AE named) and sends its review: the handoff's AE and the sent event. */
async function sendToPool(name: string) {
  const payload = packetSubmission({ values: { ...account(name), aeUserId: null } }) as unknown as {
    view: { state: { values: Record<string, unknown> } };
  };
  payload.view.state.values[PACKET_POOL_BLOCK_ID] = {
    [ACTION_ID.value]: {
      type: 'static_select',
      selected_option: { value: 'backup', text: { type: 'plain_text', text: 'Backup AEs' } },
    },
  };
  const pushed = (await (await h.interact(payload)).json()) as {
    response_action: string;
    view: { blocks: unknown[]; private_metadata: string };
  };
  expect(pushed.response_action).toBe('push');
  const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
  expect(await sendReview(h, draftId, { review: pushed.view })).toEqual({ response_action: 'clear' });
  const row = await lastHandoff(h);
  const [event] = await eventsOf(h.database.db, row.id);
  return { ae: row.aeUserId, detail: event?.detail as Record<string, unknown> };
}

describe('a fair pool with weights', () => {
  it('an admin sets a weight and a period in the pool editor; bad weights are refused on their row', async () => {
    const page = await openPools();
    const editor = await editBackup(page);
    const inputs = editor.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
    // A person picker and a number per row (issue 77 item 12): no Slack id to type.
    expect(inputs).toEqual(
      expect.arrayContaining([W(0, 'user'), W(0, 'value'), W(2, 'user'), W(2, 'value'), B.fairness]),
    );
    expect(inputs).not.toContain(W(3, 'user'));
    expect(editor.blocks.find((b) => b.block_id === W(0, 'user'))?.element?.type).toBe('users_select');
    expect(editor.blocks.find((b) => b.block_id === W(0, 'value'))?.element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: '0',
      max_value: '10',
    });
    // Plain turns until said otherwise; no weight chosen (everyone 1), and no ids to copy.
    const fairness = editor.blocks.find((b) => b.block_id === B.fairness);
    expect(fairness?.element?.initial_option?.value).toBe('plain');
    expect(editor.blocks.find((b) => b.block_id === W(0, 'user'))?.element?.initial_user).toBeUndefined();
    expect(viewText(editor)).not.toContain(`\`${SAM}\``);

    const entries = (await programLog(h)).length;
    /** Two rows (a member and a weight each): what Slack is answered, an error on one input. */
    const rows = (user0: string | null, user1?: string, weight1?: string) => ({
      [W(0, 'user')]: user0,
      [W(0, 'value')]: '2',
      ...(user1 ? { [W(1, 'user')]: user1, [W(1, 'value')]: weight1 ?? null } : {}),
    });
    const refused: [Record<string, Answer>, string, string][] = [
      [rows(null), W(0, 'user'), 'Choose the member this weight is for.'],
      [rows(SAM, MO, '11'), W(1, 'value'), 'A weight is a whole number from 0 to 10.'],
      [rows(SAM, SAM, '3'), W(1, 'user'), 'Chosen in another row already.'],
      [rows(people.ae.id), W(0, 'user'), 'Not a member of the pool: add them to Members, or choose another.'],
      // The picker lists the partner's people too: refused on the row by a plain name, never `<@U…>` markup.
      [
        rows(people.partner.id),
        W(0, 'user'),
        `${people.partner.real_name} is not in our workspace: choose people of our own workspaces.`,
      ],
    ];
    for (const [answers, block, error] of refused)
      expect(await save(editor, answers)).toEqual({ response_action: 'errors', errors: { [block]: error } });
    expect(await programLog(h)).toHaveLength(entries);

    expect(await save(editor, { [W(0, 'user')]: SAM, [W(0, 'value')]: '2', [B.fairness]: 'week' })).toEqual(
      {},
    );
    expect((await programLog(h)).at(-1)).toMatchObject({
      kind: 'pool',
      key: 'backup',
      actor: ADMIN.id,
      body: { users: [SAM, MO], weights: { [SAM]: 2 }, fairness: { period: 'week' } },
    });
    expect(h.app.program.book()?.pools.backup).toMatchObject({
      weights: { [SAM]: 2 },
      fairness: { period: 'week' },
    });

    // The page shows the weight and the sharing; the editor opens with them, and two empty rows.
    const shown = await openPools();
    expect(viewText(shown)).toContain(`Members: <@${SAM}> ×2, <@${MO}>`);
    expect(viewText(shown)).toContain('Shared fairly per week, by weight and days available');
    const again = await editBackup(shown);
    expect(again.blocks.find((b) => b.block_id === W(0, 'user'))?.element?.initial_user).toBe(SAM);
    expect(again.blocks.find((b) => b.block_id === W(0, 'value'))?.element?.initial_value).toBe('2');
    expect(again.blocks.find((b) => b.block_id === W(1, 'user'))?.element?.initial_user).toBeUndefined();
    expect(again.blocks.find((b) => b.block_id === B.fairness)?.element?.initial_option?.value).toBe('week');
  });

  it('hands off by weighted share: Sam (×2) takes two of every three, and the round robin says why', async () => {
    // Nothing given yet this week: level, Sam first in turn.
    const first = await sendToPool('Fair Account One');
    expect(first.ae).toBe(SAM);
    expect(first.detail).toMatchObject({
      pool: 'backup',
      poolWhy: "next in turn, level with others on this week's share: 0 of 0.7",
    });
    // Sam had 1 of a share of 2 weighted days, Mo none: Mo is furthest behind.
    const second = await sendToPool('Fair Account Two');
    expect(second.ae).toBe(MO);
    expect(second.detail).toMatchObject({ poolWhy: "furthest behind this week's share: 0 of 0.7" });
    // Plain turns would give Sam the next after Mo anyway; here Sam is behind by weight: 1 of 2.
    const third = await sendToPool('Fair Account Three');
    expect(third.ae).toBe(SAM);
    expect(third.detail).toMatchObject({ poolWhy: "furthest behind this week's share: 1 of 2" });
    // Sam 2 for weight 2, Mo 1 for weight 1: level; Mo is next in turn (after Sam).
    const fourth = await sendToPool('Fair Account Four');
    expect(fourth.ae).toBe(MO);
    // Sam takes the fifth: two handoffs per weight each would leave Sam behind again.
    expect((await sendToPool('Fair Account Five')).ae).toBe(SAM);

    // The pool's page: who got each one and why.
    const page = viewText(await openPools());
    expect(page).toContain(`to <@${SAM}> (furthest behind this week's share: 1 of 2)`);
    expect(page).toContain(`to <@${MO}> (furthest behind this week's share: 0 of 0.7)`);
  });

  it('a member of weight 0 stays in the pool but takes no handoff while another can', async () => {
    const editor = await editBackup(await openPools());
    expect(await save(editor, { [W(0, 'value')]: '0' })).toEqual({});
    expect(h.app.program.book()?.pools.backup).toMatchObject({ users: [SAM, MO], weights: { [SAM]: 0 } });
    expect((await sendToPool('Fair Account Six')).ae).toBe(MO);
    expect((await sendToPool('Fair Account Seven')).ae).toBe(MO);
    await waitFor(async () => viewText(await openPools()).includes(`<@${SAM}> ×0`), 6000, 'the page');
  });

  it('with plain turns, a member of weight 2 takes two handoffs in a row on their turn', async () => {
    const editor = await editBackup(await openPools());
    // Sam's number emptied drops his weight; Mo chosen on the next row.
    expect(
      await save(editor, {
        [W(0, 'value')]: null,
        [W(1, 'user')]: MO,
        [W(1, 'value')]: '2',
        [B.fairness]: 'plain',
      }),
    ).toEqual({});
    expect(h.app.program.book()?.pools.backup).toMatchObject({ weights: { [MO]: 2 } });
    expect(h.app.program.book()?.pools.backup).not.toHaveProperty('fairness');
    // Mo had the last two (Sam was at weight 0): Mo's turn ends, Sam's (weight 1) comes, then Mo twice.
    const picks = [];
    for (const n of ['Eight', 'Nine', 'Ten', 'Eleven']) picks.push(await sendToPool(`Turn Account ${n}`));
    expect(picks.map((p) => p.ae)).toEqual([SAM, MO, MO, SAM]);
    expect(picks[2]?.detail).toMatchObject({ poolWhy: 'turn 2 of 2 in a row (weight 2)' });
  });

  it('an admin pauses a member of a pool with no managers: the answer says only the member was told', async () => {
    const typed = (text: string) => slashReply(h, ADMIN, text);
    expect(await typed(`pause <@${SAM}|sam> until 2099-12-18`)).toBe(
      `:pause_button: <@${SAM}> is out of *Backup AEs* until *Fri 18 Dec*, the last day: round robin passes them over. They have been told; \`/handoff resume <@${SAM}>\` puts them back.`,
    );
    expect(await typed(`resume ${SAM}`)).toBe(
      `:white_check_mark: <@${SAM}> is no longer paused: back in *Backup AEs*. They have been told.`,
    );
  });
});
