import { desc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionValue } from '../../src/blocks/handoffMessage.js';
import { ACTION_ID, OUTCOME_ACTION_PREFIX } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import {
  can,
  PERSON_ACTIONS,
  type PersonAction,
  TRANSITIONS,
  type Viewer,
} from '../../src/domain/lifecycle.js';
import { createSurfaces } from '../../src/services/surfaces.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { editHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import { ADMIN, MATRIX_ENV } from '../support/matrix.js';
import {
  buttonsOf,
  clickOwnerButton,
  extendSubmission,
  handoffRow,
  metadataFor,
  reassignSubmission,
  submit,
} from '../support/ownerFlow.js';
import { click, lostSubmission, opportunitySubmission } from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, TEAM } from '../support/people.js';
import { seedOf } from '../support/seed.js';

/**
 * The lifecycle as one property, through the real receiver: random sequences of transitions (decide, remind, expire,
 * reassign, extend, withdraw, the outcome steps) by random people. After each step, a transition `can` refuses
 * changed nothing, and one it allows was recorded once. After the outbox drains, every message the app sent about the
 * handoff shows what the database says now (it is what the renderer makes of the current state) and offers each
 * reader only buttons `can` allows them.
 */

const SEED = seedOf(20261122);
const NUM_RUNS = Number(process.env.LIFECYCLE_RUNS ?? 10);

type Who = 'ae' | 'otherAe' | 'owner' | 'author' | 'member' | 'admin' | 'partner';
type Step = { kind: PersonAction; who: Who } | { kind: 'remind' } | { kind: 'expire' };

const PERSON_STEPS = PERSON_ACTIONS;
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constantFrom(...PERSON_STEPS),
      // The people the action is usually theirs to take come up more often.
      who: fc.constantFrom<Who>(
        'ae',
        'ae',
        'owner',
        'owner',
        'admin',
        'otherAe',
        'author',
        'member',
        'partner',
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'remind' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);

let h: Harness;
let start: Date;
beforeAll(async () => {
  h = await startHarness({
    env: {
      ...MATRIX_ENV,
      ESCALATION_CHANNEL_ID: channels.internal.id,
      ESCALATION_MANAGERS: `${people.ae.id}=${people.member.id},${people.otherAe.id}=${ADMIN.id}`,
    },
  });
  h.slack.addUser(ADMIN);
  start = h.clock.now();
});
afterAll(async () => {
  await h?.stop();
});

function userOf(who: Who, handoff: HandoffRow): { id: string; team_id: string } {
  switch (who) {
    case 'ae':
      return { id: people.ae.id, team_id: TEAM };
    case 'otherAe':
      return { id: people.otherAe.id, team_id: TEAM };
    case 'owner':
      return { id: handoff.ownerUserId, team_id: TEAM };
    case 'author':
      return { id: people.author.id, team_id: TEAM };
    case 'member':
      return { id: people.member.id, team_id: TEAM };
    case 'admin':
      return { id: ADMIN.id, team_id: TEAM };
    case 'partner':
      return { id: people.partner.id, team_id: PARTNER_TEAM };
  }
}

const viewerOf = (user: { id: string; team_id: string }): Viewer => ({
  actor: { userId: user.id, teamId: user.team_id },
  internalTeamIds: h.app.startup.internalTeamIds,
  adminUserIds: h.config.adminUserIds,
});

/** Sends the person's request the way Slack would: a button, or the modal's submission. */
async function act(step: { kind: PersonAction; who: Who }, before: HandoffRow): Promise<void> {
  const user = userOf(step.who, before);
  const id = before.id;
  switch (step.kind) {
    case 'accept':
      // From the AE's message as it is now: its buttons carry the packet version it shows.
      await click(h, ACTION_ID.accept, decisionValue(before), user);
      return;
    case 'decline':
      await submit(
        h,
        declineSubmission({ handoffId: id, editCount: before.editCount, reason: 'timing', user }),
      );
      return;
    case 'edit':
      await editHandoff(
        h,
        id,
        { sellerNextMove: `Bring the reconciliation demo, version ${before.editCount + 1}.` },
        user,
      );
      return;
    case 'reassign':
      await submit(
        h,
        reassignSubmission({
          privateMetadata: metadataFor(before),
          newAeUserId: before.aeUserId === people.ae.id ? people.otherAe.id : people.ae.id,
          days: '2',
          user,
        }),
      );
      return;
    case 'extend':
      await submit(h, extendSubmission({ privateMetadata: metadataFor(before), days: '2', user }));
      return;
    case 'withdraw':
      await clickOwnerButton(h, ACTION_ID.withdraw, `${id}:${before.cycle}`, user);
      return;
    case 'opportunity_created':
      await submit(h, opportunitySubmission({ handoffId: id, crm: `OPP-${id}`, user }));
      return;
    case 'lost':
      await submit(h, lostSubmission({ handoffId: id, reason: 'timing', note: null, user }));
      return;
    default:
      await click(h, `${OUTCOME_ACTION_PREFIX}${step.kind}`, String(id), user);
  }
}

const eventsOf = async (id: number) =>
  await h.database.db
    .select()
    .from(h.tables.handoffEvents)
    .where(eq(h.tables.handoffEvents.handoffId, id))
    .orderBy(h.tables.handoffEvents.id);

/** The button ids a reader may be shown, as `can` decides. */
function actionOfButton(actionId: string): PersonAction | undefined {
  if (actionId === ACTION_ID.accept) return 'accept';
  if (actionId === ACTION_ID.decline) return 'decline';
  if (actionId === ACTION_ID.reassign) return 'reassign';
  if (actionId === ACTION_ID.extend) return 'extend';
  if (actionId === ACTION_ID.withdraw) return 'withdraw';
  if (actionId === ACTION_ID.edit) return 'edit';
  if (actionId.startsWith(OUTCOME_ACTION_PREFIX))
    return actionId.slice(OUTCOME_ACTION_PREFIX.length) as PersonAction;
  return undefined;
}

/** Permalinks are resolved at delivery: compare the rest. */
const withoutLinks = (blocks: unknown) =>
  JSON.stringify(blocks ?? null).replace(/<[^|>]*\|Open the handoff>/g, '<LINK|Open the handoff>');

async function checkSurfaces(handoff: HandoffRow, story: string[]): Promise<void> {
  const renderer = createSurfaces({
    db: h.database.db,
    adminUserIds: h.config.adminUserIds,
    internalTeamIds: h.app.startup.internalTeamIds,
    homeTeamId: TEAM,
  });
  const rows = await h.database.db
    .select()
    .from(h.tables.surfaces)
    .where(eq(h.tables.surfaces.handoffId, handoff.id))
    .orderBy(h.tables.surfaces.id);
  expect(rows.length, story.join(' → ')).toBeGreaterThan(0);
  for (const surface of rows.filter((s) => s.posted)) {
    const where = `${surface.kind} ${surface.key} after ${story.join(' → ')}`;
    expect(surface.shown, where).toBe(surface.wanted);
    const posted = (
      await h.database.db
        .select()
        .from(h.tables.postedMessages)
        .where(eq(h.tables.postedMessages.messageKey, surface.key))
    )[0];
    const message = h.slack.messages(posted?.channelId ?? '').find((m) => m.ts === posted?.ts);
    expect(message, where).toBeDefined();
    // What Slack shows is what the current state renders to.
    const now = await renderer.render(surface.key);
    expect(withoutLinks(message?.blocks), where).toBe(withoutLinks(now?.rendered.message.blocks));
    // Every button offered is one its reader may use now.
    const readers = surface.viewerUserId
      ? [{ id: surface.viewerUserId, team_id: TEAM }]
      : [
          { id: handoff.ownerUserId, team_id: TEAM },
          { id: ADMIN.id, team_id: TEAM },
        ];
    for (const id of buttonsOf(message)) {
      const action = actionOfButton(id);
      expect(action, `${where}: unknown button ${id}`).toBeDefined();
      if (!action) continue;
      const allowed = readers.some((reader) => can(viewerOf(reader), action, handoff, h.clock.now()));
      expect(allowed, `${where}: ${id} offered to ${readers.map((r) => r.id).join('/')}`).toBe(true);
    }
  }
}

describe('the lifecycle (property)', () => {
  it('refused transitions change nothing; after the outbox drains every message shows the handoff now', async () => {
    console.info(`lifecycle: seed ${SEED} (override with SEED=…), ${NUM_RUNS} runs`);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(stepArb, { minLength: 1, maxLength: 7 }),
        async (authorOwns, steps) => {
          run += 1;
          // The author owns it, or names someone else owner.
          // Each story starts on the same Monday (the packet's dates are relative to it); older handoffs are not
          // looked at again.
          h.clock.set(start);
          const { answer } = await submitAndSend(
            h,
            {
              accountName: `Lifecycle ${run}`,
              accountDomain: null,
              ...(authorOwns ? {} : { ownerUserId: people.owner.id }),
            },
            { viewId: `V0LIFE${run}` },
          );
          expect(answer).toEqual({ response_action: 'clear' });
          const handoff = (
            await h.database.db.select().from(h.tables.handoffs).orderBy(desc(h.tables.handoffs.id))
          )[0] as HandoffRow;
          await quiet(h);
          const story: string[] = [];
          for (const step of steps) {
            const before = await handoffRow(h, handoff.id);
            const now = h.clock.now();
            if (step.kind === 'remind') {
              const next = before.nextReminderAt;
              if (before.status !== 'sent' || !next || next <= now || next >= before.dueAt) continue;
              h.clock.set(next);
              await h.app.sweeper.sweep();
              story.push('remind');
            } else if (step.kind === 'expire') {
              if (before.status !== 'sent') continue;
              h.clock.set(before.dueAt);
              await h.app.sweeper.sweep();
              expect((await handoffRow(h, handoff.id)).status).toBe('expired');
              story.push('expire');
            } else {
              const user = userOf(step.who, before);
              const allowed = can(viewerOf(user), step.kind, before, now);
              const snapshot = await dbSnapshot(h);
              const eventsBefore = (await eventsOf(handoff.id)).length;
              await act(step, before);
              await quiet(h);
              story.push(`${step.who}:${step.kind}${allowed ? '' : '(refused)'}`);
              const events = await eventsOf(handoff.id);
              if (allowed) {
                const added = events.slice(eventsBefore);
                expect(
                  added.map((e) => [e.type, e.actorUserId]),
                  story.join(' → '),
                ).toEqual([[TRANSITIONS[step.kind].logAs, user.id]]);
              } else {
                expect(await dbSnapshot(h), story.join(' → ')).toEqual(snapshot);
              }
            }
            await quiet(h);
          }
          await quiet(h);
          await checkSurfaces(await handoffRow(h, handoff.id), story);
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
    );
  }, 120_000);
});
