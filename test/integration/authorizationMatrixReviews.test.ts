import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandReply } from '../../src/blocks/commandReplies.js';
import { ACTION_ID, ATTRIBUTION_REVIEW_BLOCK_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import { first } from '../../src/db/engine.js';
import { insertReview } from '../../src/db/repositories/attributionReviews.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { may } from '../../src/domain/permissions.js';
import { dbSnapshot as snapshot } from '../support/dbSnapshot.js';
import type { Harness } from '../support/harness.js';
import {
  type ActorKey,
  ADMIN,
  expectNotRefused,
  HandoffPool,
  homeClick,
  OTHER_ACTOR_LABEL,
  OTHER_ACTORS,
  openedView,
  openHome,
  REVOPS,
  type Reply,
  refusalText,
  settled,
  startMatrixHarness,
  submitView,
  userFor,
} from '../support/matrix.js';
import { viewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';

/**
 * The authorization matrix of "Review attribution" (issue 54 item 4), cell by cell as in authorizationMatrix.test.ts:
 * Keep and Change in the App Home, and the modal's submission, by every kind of actor. Allowed: RevOps and admins
 * (the `classify` permission, by the interaction's user.team_id); anyone else is refused (a DM for the buttons, an
 * error on the form for the submission) and no table changes. The items are shown to RevOps and admins only.
 */

const MATRIX_ROLES = { revopsUserIds: [REVOPS.id], adminUserIds: [ADMIN.id] };
const REVIEW_ALLOWED: readonly ActorKey[] = ['admin', 'revops'];
const REFUSAL = commandReply.forbidden('classify');

const EVIDENCE = {
  crm: 'Salesforce',
  system: 'salesforce',
  recordId: '006000000000001AAA',
  recordName: 'Matrix renewal',
  createdOn: '2026-10-26',
  touchOn: '2026-11-23',
  ruleClass: 'partner_influenced',
  ambiguous: false,
  classification: 'partner_sourced',
  setBy: 'rule',
  key: 'matrix',
};

/** A fresh open item on the handoff (as the read-back opens one). */
async function openItem(h: Harness, handoff: HandoffRow): Promise<number> {
  const row = await h.database.db.transaction((tx) =>
    insertReview(tx, { handoffId: handoff.id, evidence: { ...EVIDENCE }, openedAt: h.clock.now() }),
  );
  if (!row) throw new Error('no item');
  return row.id;
}

const itemRow = (h: Harness, id: number) =>
  first(
    h.database.db.select().from(h.tables.attributionReviews).where(eq(h.tables.attributionReviews.id, id)),
  );

async function cell(
  h: Harness,
  plan: {
    allowed: boolean;
    act: () => Promise<Reply>;
    effect: (reply: Reply) => Promise<void>;
    readOnly?: boolean;
  },
) {
  await settled(h);
  const before = await snapshot(h);
  const opens = h.slack.callsTo('views.open').length;
  const reply = await plan.act();
  if (plan.allowed) {
    await plan.effect(reply);
    await settled(h);
    if (plan.readOnly) expect(await snapshot(h)).toEqual(before);
    expectNotRefused(h, reply, REFUSAL);
    return;
  }
  expect(await refusalText(h, reply)).toBe(REFUSAL);
  await settled(h);
  expect(await snapshot(h)).toEqual(before);
  expect(h.slack.callsTo('views.open')).toHaveLength(opens);
}

describe('authorization matrix: Review attribution', () => {
  let h: Harness;
  let handoff: HandoffRow;
  let item: number;
  beforeAll(async () => {
    h = await startMatrixHarness();
    handoff = await new HandoffPool(h).get('accepted', people.author.id);
    item = await openItem(h, handoff);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('allows whom the permission table grants (classify, by the interaction’s user.team_id)', () => {
    const granted = OTHER_ACTORS.filter((key) => {
      const user = userFor(key);
      return may(
        MATRIX_ROLES,
        { actor: { userId: user.id, teamId: user.team_id }, internalTeamIds: [TEAM] },
        'classify',
      );
    });
    expect([...granted].sort()).toEqual([...REVIEW_ALLOWED].sort());
  });

  for (const [name, actionId] of [
    ['Keep', ACTION_ID.reviewKeep],
    ['Change', ACTION_ID.reviewChange],
  ] as const) {
    describe(`${name} (App Home button): allowed for ${REVIEW_ALLOWED.join(', ')}`, () => {
      for (const key of OTHER_ACTORS) {
        const allowed = REVIEW_ALLOWED.includes(key);
        it(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          const opens = h.slack.callsTo('views.open').length;
          await cell(h, {
            allowed,
            readOnly: true,
            act: () => homeClick(h, actionId, String(item), userFor(key)),
            async effect() {
              const view = await openedView(h, opens, CALLBACK_ID.attributionReview);
              expect(JSON.parse(view.private_metadata)).toMatchObject({ reviewId: item });
            },
          });
        });
      }
    });
  }

  describe(`Review attribution modal submit (Keep): allowed for ${REVIEW_ALLOWED.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = REVIEW_ALLOWED.includes(key);
      it(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const id = await openItem(h, handoff);
        const user = userFor(key);
        await cell(h, {
          allowed,
          act: () =>
            submitView(
              h,
              viewSubmission({
                callbackId: CALLBACK_ID.attributionReview,
                privateMetadata: JSON.stringify({ reviewId: id, decision: 'keep' }),
                values: {
                  [ATTRIBUTION_REVIEW_BLOCK_ID]: {
                    [ACTION_ID.value]: { type: 'plain_text_input', value: 'The rule holds here.' },
                  },
                },
                user,
              }),
            ),
          async effect(reply) {
            expect(reply).toEqual({ via: 'inline', body: {} });
            expect(await itemRow(h, id)).toMatchObject({ status: 'kept', decidedBy: user.id });
          },
        });
        // Closed either way for the next cell: one open item at a time per handoff.
        await h.database.db.transaction(async (tx) =>
          tx
            .update(h.tables.attributionReviews)
            .set({ status: 'kept', decidedBy: 'matrix', decidedAt: h.clock.now(), note: 'matrix' })
            .where(eq(h.tables.attributionReviews.id, id)),
        );
      });
    }
  });

  // The Home goes by user id (as its program metrics): the no-team-id payload carries the admin's id.
  const SHOWN = OTHER_ACTORS.filter((key) => may(MATRIX_ROLES, userFor(key).id, 'classify'));
  describe(`App Home "Review attribution": shown to ${SHOWN.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = SHOWN.includes(key);
      it(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'shown' : 'not shown'}`, async () => {
        const user = userFor(key);
        const call = await openHome(h, user.id, user.team_id ?? TEAM);
        const blocks = JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
        if (allowed) {
          expect(blocks).toContain('*Review attribution*');
          expect(blocks).toContain(ACTION_ID.reviewKeep);
        } else {
          expect(blocks).not.toContain('Review attribution');
          expect(blocks).not.toContain('Matrix renewal');
        }
      });
    }
  });
});
