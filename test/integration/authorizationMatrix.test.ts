import { existsSync, readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addRefusalText, addReplies } from '../../src/blocks/addToHandoff.js';
import { askRefusalMessage, askRefusalPlain } from '../../src/blocks/askReplies.js';
import { commandReply, editRefusal } from '../../src/blocks/commandReplies.js';
import * as ephemerals from '../../src/blocks/ephemerals.js';
import { followReplies } from '../../src/blocks/following.js';
import { helpReplies } from '../../src/blocks/helpRequest.js';
import {
  ACTION_ID,
  ATTRIBUTION_REVIEW_BLOCK_ID,
  CALLBACK_ID,
  managerBlockId,
  PROGRAM_BLOCK_ID,
  SHORTCUT_ID,
  settingBlockId,
} from '../../src/blocks/ids.js';
import { myDaysReplies } from '../../src/blocks/myDays.js';
import { partnerReply } from '../../src/blocks/partnerReplies.js';
import { policyEditorModal } from '../../src/blocks/policyEditor.js';
import * as editors from '../../src/blocks/programEditors.js';
import { exportReplies, parkedReplies } from '../../src/blocks/revopsReplies.js';
import { scoreWeightsModal } from '../../src/blocks/scoreCheck.js';
import { settingsEditorModal } from '../../src/blocks/settingsEditor.js';
import { first } from '../../src/db/engine.js';
import { insertReview } from '../../src/db/repositories/attributionReviews.js';
import { ensurePartner } from '../../src/db/repositories/partners.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { isoDateIn } from '../../src/domain/businessDays.js';
import { can, type PersonAction, type Role, TRANSITIONS } from '../../src/domain/lifecycle.js';
import { addMessageVerdict } from '../../src/domain/messageLinks.js';
import type { Outcome } from '../../src/domain/outcomes.js';
import { may, PERMISSION_NAMES, PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { DEFAULT_WEIGHTS } from '../../src/domain/scoreWeights.js';
import { SCORE_REFUSALS } from '../../src/handlers/actions/scoreCheck.js';
import { helpFor, SUBCOMMANDS } from '../../src/handlers/commands/subcommands.js';
import { SETTINGS_GROUPS, type SettingsGroup, settingsValues } from '../../src/program/settings.js';
import { addSubmission, storedMessage, useShortcut } from '../support/addToHandoffFlow.js';
import { answerSubmission, questionSubmission } from '../support/askFlow.js';
import { dbSnapshot as snapshot } from '../support/dbSnapshot.js';
import { type Harness, waitFor } from '../support/harness.js';
import type { ActorKey, Reply, SlackUser } from '../support/matrix.js';
import * as m from '../support/matrix.js';
import { extendSubmission, metadataFor, reassignSubmission } from '../support/ownerFlow.js';
import { lostSubmission, opportunitySubmission, outcomeAction } from '../support/partnerFlow.js';
import { declineSubmission, viewSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { editorSubmission, modalClick, PROGRAM_REFUSALS, viewOpenedBy } from '../support/programFlow.js';

/**
 * Who may do what: every entry point (button, modal, shortcut, subcommand, App Home) against every kind of actor,
 * through the real app as Slack sends the requests (signed HTTP, one deployment for the whole file). Who is allowed
 * is not written here: it is generated from the app's own tables, read against the roles the cast holds:
 * - a handoff action from the lifecycle's table (`TRANSITIONS[action].by`, src/domain/lifecycle.ts) and the roles
 *   each actor has on the handoff (the AE by user and team, the owner, the author, an admin);
 * - a program permission from `PERMISSIONS` (src/domain/permissions.ts), by how the app knows who acts: a slash
 *   command asks users.info (any of our members), a button or a modal goes by its user.team_id, the App Home by id;
 * - "any internal member" where the app names no role.
 * An allowed cell checks the effect (the tables and what the actor sees); the refused cells of an entry check the
 * refusal each actor sees and that, all of them sent, no table changed and no view opened (outbox rows aside from
 * the refusal replies). "The matrix covers the app" fails for a permission, lifecycle action, action, modal or
 * shortcut id, or subcommand with no row here (or, for one this file does not drive, the test file that pins it).
 */

let h: Harness;
let pool: m.HandoffPool;
beforeAll(async () => {
  h = await m.startMatrixHarness();
  pool = new m.HandoffPool(h);
  return () => h.stop();
});

// -----------------------------------------------------------------------------------------------------------------
// Who the cast is, as the app identifies them.

/** Not one of ours by the interaction's own user.team_id (or a command naming another workspace, or none). */
const FOREIGN: readonly ActorKey[] = ['external', 'aeForeignTeam', 'noTeamId'];
const internal = (key: ActorKey) => !FOREIGN.includes(key);

/** The roles an actor has on a handoff owned by `ownerUserId` (none for anyone not of ours). */
function handoffRoles(key: ActorKey, ownerUserId: string): Role[] {
  const holders: [Role, string][] = [
    ['ae', people.ae.id],
    ['owner', ownerUserId],
    ['author', people.author.id],
    ['admin', m.ADMIN.id],
  ];
  return internal(key) ? holders.filter(([, id]) => id === m.userFor(key).id).map(([role]) => role) : [];
}
const holds = (key: ActorKey, ownerUserId: string, roles: readonly Role[]) =>
  handoffRoles(key, ownerUserId).some((r) => roles.includes(r));

/** How the app knows who acts: a slash command asks users.info; a button goes by its user.team_id; the Home by id. */
type Path = 'command' | 'interaction' | 'userId';
const MATRIX_ROLES = { revopsUserIds: [m.REVOPS.id], adminUserIds: [m.ADMIN.id] };

/** Whom the permission table grants, read from `PERMISSIONS` (not through `may`, which the app itself calls). */
function granted(permission: Permission, path: Path): ActorKey[] {
  const roles: readonly string[] = PERMISSIONS[permission];
  return m.OTHER_ACTORS.filter((key) => {
    const { id } = m.userFor(key);
    const held = [...(id === m.ADMIN.id ? ['admin'] : []), ...(id === m.REVOPS.id ? ['revops'] : [])];
    // users.info answers for our members only; an interaction names its team.
    const ours = path === 'userId' || (path === 'command' ? key !== 'external' : internal(key));
    return ours && held.some((r) => roles.includes(r));
  });
}

// -----------------------------------------------------------------------------------------------------------------
// One row per entry point; its cells are generated per actor.

type Verdict = 'allowed' | 'reported' | 'refused' | 'ignored';
type Seen = Record<'opens' | 'pushes' | 'uploads' | 'completed' | 'ownerDm', number>;

interface Cell {
  act(seen: Seen): Promise<Reply>;
  /** The refusal this actor gets (or, allowed, must not get). */
  refusal: string;
  /** Allowed: waits for the effect and checks it. */
  effect(reply: Reply, seen: Seen): Promise<void>;
  /** Allowed, and yet nothing to store: a modal opens or an answer is shown. */
  readOnly?: boolean;
  /** A button in a message: allowed, it answers with no ephemeral at all. */
  silentWhenAllowed?: boolean;
}

interface Row {
  name: string;
  /** What of the app it drives (an id of src/blocks/ids.ts, a subcommand, a permission, a lifecycle action). */
  covers: readonly string[];
  actors: readonly ActorKey[];
  verdict(key: ActorKey): Verdict;
  /** Sets up the cell (before the tables are looked at) and says how to send it. */
  cell(key: ActorKey, verdict: Verdict): Promise<Cell>;
}

const A = (key: keyof typeof ACTION_ID) => `ACTION_ID.${key}`;
const C = (key: keyof typeof CALLBACK_ID) => `CALLBACK_ID.${key}`;
const count = (method: string) => h.slack.callsTo(method).length;
const completions = () => h.slack.callsTo('files.completeUploadExternal');
/** The CSV export uploaded to the actor's DM. */
const uploaded = async (user: { id: string }, seen: { completed: number }) => {
  const done = await waitFor(() => completions()[seen.completed], 8000, 'the CSV upload');
  expect(done.args.channel_id).toBe(h.slack.dmChannelFor(user.id));
};
const seenNow = (): Seen => ({
  opens: count('views.open'),
  pushes: count('views.push'),
  uploads: h.slack.calls.filter((c) => c.method === 'files.getUploadURLExternal').length,
  completed: completions().length,
  ownerDm: 0,
});
const noAnswer = (reply: Reply) => {
  if (reply.via === 'response_url') expect(h.slack.responses.filter((r) => r.url === reply.url)).toEqual([]);
};

/** `each` for every actor: side by side across people, in turn for one (a refusal by DM is their next message). */
async function eachUser<T extends readonly [ActorKey, ...unknown[]]>(
  items: readonly T[],
  each: (item: T) => Promise<void>,
) {
  const byUser = new Map<string, T[]>();
  for (const item of items)
    byUser.set(m.userFor(item[0]).id, [...(byUser.get(m.userFor(item[0]).id) ?? []), item]);
  await Promise.all(
    [...byUser.values()].map(async (mine) => {
      for (const item of mine) await each(item);
    }),
  );
}

/** Every refused (or ignored) actor of a row: each sees its refusal; together they change nothing. */
async function refuseAll(row: Row, keys: readonly [ActorKey, Verdict][]): Promise<void> {
  const cells: [ActorKey, Verdict, Cell][] = [];
  for (const [key, verdict] of keys) cells.push([key, verdict, await row.cell(key, verdict)]);
  await m.settled(h);
  const before = await snapshot(h);
  const seen = seenNow();
  const ignored: Reply[] = [];
  await eachUser(cells, async ([key, verdict, cell]) => {
    const reply = await cell.act(seen);
    if (verdict === 'ignored') ignored.push(reply);
    else expect(await m.refusalText(h, reply), key).toBe(cell.refusal);
  });
  await m.settled(h);
  // A command naming no workspace of ours is another installation's: acknowledged, nobody answered.
  ignored.forEach(noAnswer);
  expect(await snapshot(h)).toEqual(before);
  expect(seenNow(), 'no view opened or pushed, no file sent').toEqual({ ...seen, ownerDm: 0 });
}

async function allow(row: Row, key: ActorKey, verdict: Verdict): Promise<void> {
  const cell = await row.cell(key, verdict);
  await m.settled(h);
  const before = cell.readOnly ? await snapshot(h) : undefined;
  const seen = seenNow();
  const reply = await cell.act(seen);
  await cell.effect(reply, seen);
  await m.settled(h);
  if (before) expect(await snapshot(h)).toEqual(before);
  if (cell.silentWhenAllowed) noAnswer(reply);
  m.expectNotRefused(h, reply, cell.refusal);
}

function matrix(title: string, rows: readonly Row[], setup?: () => Promise<void>): void {
  describe(`authorization matrix: ${title}`, () => {
    if (setup) beforeAll(setup);
    for (const row of rows) {
      const label = row.actors === m.HANDOFF_ACTORS ? m.HANDOFF_ACTOR_LABEL : m.OTHER_ACTOR_LABEL;
      const cells = row.actors.map((key) => [key, row.verdict(key)] as [ActorKey, Verdict]);
      const refused = cells.filter(([, v]) => v === 'refused' || v === 'ignored');
      const allowed = cells.filter(([, v]) => v === 'allowed' || v === 'reported');
      const who = allowed.map(([k, v]) => (v === 'reported' ? `${k} (reports)` : k)).join(', ');
      describe(`${row.name}: allowed for ${who || 'nobody'}`, () => {
        const refusedWho = refused.map(([k, v]) => (v === 'ignored' ? `${k} (ignored)` : k)).join(', ');
        if (refused.length > 0) it(`refused, changing nothing: ${refusedWho}`, () => refuseAll(row, refused));
        for (const [key, verdict] of allowed) it(`${label[key]}: ${verdict}`, () => allow(row, key, verdict));
      });
    }
  });
}

// -----------------------------------------------------------------------------------------------------------------
// Actions on a handoff: who may, from the lifecycle's table.

const eventsOf = (handoffId: number) =>
  h.database.db
    .select()
    .from(h.tables.handoffEvents)
    .where(eq(h.tables.handoffEvents.handoffId, handoffId))
    .orderBy(h.tables.handoffEvents.id);
const rowsOf = (table: 'outcomes' | 'decisions', handoffId: number) =>
  h.database.db.select().from(h.tables[table]).where(eq(h.tables[table].handoffId, handoffId));
const dmSays = (userId: string, what: string, ...needles: string[]) =>
  waitFor(() => m.dmOf(h, userId).some((msg) => needles.every((n) => m.shown(msg).includes(n))), 8000, what);
const row = (id: number) => m.handoffRow(h, id);

/** One touch-log row of `type` by `user`; then the owner hears of it by DM (or the AE, of `toldTheAe`). */
async function changed(handoff: HandoffRow, user: SlackUser, seen: Seen, type: string, toldTheAe?: string) {
  const events = await waitFor(
    async () => {
      const found = (await eventsOf(handoff.id)).filter((e) => e.type === type);
      return found.length > 0 && found;
    },
    4000,
    `the ${type} event`,
  );
  expect(events).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
  if (toldTheAe) return void (await dmSays(people.ae.id, 'the AE told', `#${handoff.id} `, toldTheAe));
  const told = () => m.dmOf(h, handoff.ownerUserId).slice(seen.ownerDm);
  await waitFor(
    () => told().some((msg) => m.shown(msg).includes(handoff.accountName)),
    8000,
    'the owner told',
  );
}

/** A report stored by `user`, waiting for the AE: no step recorded, the AE asked by DM, the partner not told. */
async function reported(handoff: HandoffRow, user: SlackUser, outcome: Outcome) {
  // The pool hands the same accepted handoff to the next reporter (a report leaves it as it is): this one's.
  const mine = async () =>
    (await eventsOf(handoff.id)).filter(
      (e) => e.type === 'outcome_reported' && e.actorUserId === user.id && e.detail?.outcome === outcome,
    );
  const events = await waitFor(
    async () => (await mine()).length > 0 && mine(),
    4000,
    'the outcome_reported event',
  );
  expect(events).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
  expect((await row(handoff.id)).outcome).toBeNull();
  expect(await rowsOf('outcomes', handoff.id)).toEqual([]);
  // One report waits per handoff: this one; an earlier reporter's was replaced by it.
  const { outcomeReports: r } = h.tables;
  const waiting = await h.database.db
    .select()
    .from(r)
    .where(and(eq(r.handoffId, handoff.id), eq(r.status, 'pending')));
  expect(waiting).toEqual([expect.objectContaining({ outcome, reportedByUserId: user.id })]);
  await dmSays(handoff.aeUserId, 'the AE asked to confirm', `Handoff #${handoff.id} `, 'reports *');
}

/** The refusal as a message (buttons) or as plain text (a modal's inline error), to one of ours or anyone else. */
type Refusal = (handoff: HandoffRow, external: boolean) => string;
const refusal =
  <K extends string>(
    render: (r: { kind: 'external' } | { kind: K; handoff: HandoffRow }) => string,
    kind: K,
  ) =>
  (handoff: HandoffRow, external: boolean) =>
    render(external ? { kind: 'external' } : { kind, handoff });
const decision = refusal(ephemerals.refusalMessage, 'not_ae');
const owner = refusal(ephemerals.ownerRefusalMessage, 'not_owner');
const outcome = refusal(ephemerals.outcomeRefusalMessage, 'not_allowed');
const ask =
  (action: 'ask_question' | 'ask_more_time' | 'answer_question', inline = false): Refusal =>
  (handoff, ext) =>
    (inline ? askRefusalPlain : askRefusalMessage)(
      ext ? { kind: 'external' } : { kind: 'not_allowed', handoff, action },
    );
/** The modal shows the outcome refusal as plain text: no mention, no bold (src/handlers/views/outcomeSubmit.ts). */
const outcomeInline: Refusal = (handoff, ext) =>
  outcome(handoff, ext)
    .replace(/ \(<@[A-Z0-9]+>\)/g, '')
    .replace(/\*/g, '');

/** The question the AE of this handoff asked (the `asked` pool state has one). */
async function questionIdOf(handoff: HandoffRow): Promise<number> {
  const { questions: q } = h.tables;
  const [question] = await h.database.db.select().from(q).where(eq(q.handoffId, handoff.id));
  return question?.id ?? 0;
}

interface HandoffEntry {
  name: string;
  covers: readonly string[];
  /** The lifecycle action the policy (`can`) decides for it: the same table the handlers and renderers use. */
  policy: PersonAction;
  state?: m.PoolState;
  /** Accept, decline and the AE's asks: the payload without user.team_id carries the AE's own id. */
  aeOnly?: boolean;
  /** A button that opens this modal: allowed, it changes nothing yet (a report opens it too). */
  opens?: string;
  /** Outcomes: whoever may not record the step but report it (`report_outcome`) has a report stored instead. */
  reports?: Outcome;
  act(handoff: HandoffRow, user: SlackUser): Promise<Reply>;
  refusal: Refusal;
  effect?(handoff: HandoffRow, user: SlackUser, seen: Seen): Promise<void>;
}

const recorded = (step: Outcome, extra: Record<string, unknown> = {}) =>
  async function effect(handoff: HandoffRow, user: SlackUser, seen: Seen) {
    await changed(handoff, user, seen, step);
    expect((await row(handoff.id)).outcome).toBe(step);
    const mine = { outcome: step, recordedByUserId: user.id, ...extra };
    expect(await rowsOf('outcomes', handoff.id)).toEqual([expect.objectContaining(mine)]);
  };
const clickOn = (actionId: string) => (handoff: HandoffRow, user: SlackUser) =>
  m.click(h, actionId, String(handoff.id), user);
const submit =
  (payload: (handoff: HandoffRow, user: SlackUser) => unknown) => (handoff: HandoffRow, user: SlackUser) =>
    m.submitView(h, payload(handoff, user));
/** A button that opens its modal: an id of ACTION_ID (the row covers it), or an outcome button's. */
const opener = (
  name: string,
  policy: PersonAction,
  button: string,
  modal: string,
  refusal: Refusal,
  aeOnly = false,
) => {
  const id = button in ACTION_ID ? ACTION_ID[button as keyof typeof ACTION_ID] : button;
  const covers = button in ACTION_ID ? [A(button as keyof typeof ACTION_ID)] : [];
  return {
    name: `${name} button (opens the modal)`,
    covers,
    policy,
    opens: modal,
    act: clickOn(id),
    refusal,
    aeOnly,
  };
};
const decided = (decision: string, extra: Record<string, unknown>) =>
  async function effect(handoff: HandoffRow, user: SlackUser, seen: Seen) {
    await changed(handoff, user, seen, decision);
    const mine = { decision, decidedByUserId: user.id, decidedByTeamId: TEAM, ...extra };
    expect(await rowsOf('decisions', handoff.id)).toEqual([expect.objectContaining(mine)]);
  };

const HANDOFF_ENTRIES: readonly HandoffEntry[] = [
  // Accept opens the accept modal (a first step, its date, a value); its submission records the accept.
  opener('Accept', 'accept', 'accept', CALLBACK_ID.accept, decision, true),
  {
    name: 'accept modal submit',
    covers: [C('accept')],
    policy: 'accept',
    aeOnly: true,
    act: submit((handoff, user) => m.acceptSubmission(h, handoff, user)),
    refusal: refusal(ephemerals.refusalPlain, 'not_ae'),
    async effect(handoff, user, seen) {
      await decided('accepted', {})(handoff, user, seen);
      expect(await row(handoff.id)).toMatchObject({
        status: 'accepted',
        firstStep: 'Accept the introduction and bring the demo',
        firstStepDue: isoDateIn(h.clock.now(), handoff.aeTimeZone),
        estimatedValue: null,
      });
      // The AE's copy of the packet says so, in place.
      await dmSays(people.ae.id, 'the AE DM updated', `Handoff #${handoff.id} `, '*Accepted*');
    },
  },
  opener('Decline', 'decline', 'decline', CALLBACK_ID.decline, decision, true),
  {
    name: 'decline modal submit',
    covers: [C('decline')],
    policy: 'decline',
    aeOnly: true,
    act: submit((handoff, user) => declineSubmission({ handoffId: handoff.id, reason: 'timing', user })),
    refusal: refusal(ephemerals.refusalPlain, 'not_ae'),
    async effect(handoff, user, seen) {
      await decided('declined', { reasonCode: 'timing' })(handoff, user, seen);
      expect((await row(handoff.id)).status).toBe('declined');
    },
  },
  opener('Reassign', 'reassign', 'reassign', CALLBACK_ID.reassign, owner),
  {
    name: 'reassign modal submit',
    covers: [C('reassign')],
    policy: 'reassign',
    act: submit((handoff, user) =>
      reassignSubmission({
        privateMetadata: metadataFor(handoff),
        newAeUserId: people.otherAe.id,
        days: '3',
        user,
      }),
    ),
    refusal: refusal(ephemerals.ownerRefusalPlain, 'not_owner'),
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'reassigned');
      const moved = { status: 'sent', aeUserId: people.otherAe.id, assignment: handoff.assignment + 1 };
      expect(await row(handoff.id)).toMatchObject(moved);
      await dmSays(people.otherAe.id, 'the new AE DM', `Handoff #${handoff.id} `);
    },
  },
  opener('Extend', 'extend', 'extend', CALLBACK_ID.extend, owner),
  {
    name: 'extend modal submit',
    covers: [C('extend')],
    policy: 'extend',
    act: submit((handoff, user) =>
      extendSubmission({ privateMetadata: metadataFor(handoff), days: '2', user }),
    ),
    refusal: refusal(ephemerals.ownerRefusalPlain, 'not_owner'),
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'extended');
      const after = await row(handoff.id);
      expect(after.status).toBe('sent');
      expect(after.dueAt.getTime()).toBeGreaterThan(handoff.dueAt.getTime());
    },
  },
  {
    name: 'Withdraw button',
    covers: [A('withdraw')],
    policy: 'withdraw',
    act: (handoff, user) => m.click(h, ACTION_ID.withdraw, `${handoff.id}:${handoff.cycle}`, user),
    refusal: owner,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'withdrawn');
      expect((await row(handoff.id)).status).toBe('withdrawn');
    },
  },
  ...(['meeting_held', 'won'] as const).map((step) => ({
    name: `${step === 'won' ? 'Won' : 'Meeting held'} button`,
    covers: [],
    policy: step,
    reports: step,
    act: clickOn(outcomeAction(step)),
    refusal: outcome,
    effect: recorded(step),
  })),
  ...(['opportunity_created', 'lost'] as const).map((step) => ({
    ...opener(
      step === 'lost' ? 'Closed lost' : 'Opportunity created',
      step,
      outcomeAction(step),
      CALLBACK_ID[step === 'lost' ? 'lost' : 'opportunity'],
      outcome,
    ),
    reports: step,
  })),
  {
    name: 'opportunity modal submit',
    covers: [C('opportunity')],
    policy: 'opportunity_created',
    reports: 'opportunity_created',
    act: submit((handoff, user) =>
      opportunitySubmission({ handoffId: handoff.id, crm: 'OPP-MATRIX-1', user }),
    ),
    refusal: outcomeInline,
    effect: recorded('opportunity_created', { crmOpportunity: 'OPP-MATRIX-1' }),
  },
  {
    name: 'lost modal submit',
    covers: [C('lost')],
    policy: 'lost',
    reports: 'lost',
    act: submit((handoff, user) =>
      lostSubmission({ handoffId: handoff.id, reason: 'timing', note: null, user }),
    ),
    refusal: outcomeInline,
    effect: recorded('lost', { reasonCode: 'timing' }),
  },
  // Before deciding: the AE asks the author or asks for more time; the author answers; the owner gives more time.
  opener('Ask the author', 'ask_question', 'askQuestion', CALLBACK_ID.question, ask('ask_question'), true),
  {
    name: 'question modal submit',
    covers: [C('question')],
    policy: 'ask_question',
    aeOnly: true,
    act: submit((handoff, user) => questionSubmission(handoff.id, 'Who signs?', user)),
    refusal: ask('ask_question', true),
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'question_asked');
      expect(await row(handoff.id)).toMatchObject({ questionOpen: true, pausedAt: h.clock.now() });
    },
  },
  {
    name: 'Need more time button',
    covers: [A('askMoreTime')],
    policy: 'ask_more_time',
    aeOnly: true,
    act: clickOn(ACTION_ID.askMoreTime),
    refusal: ask('ask_more_time'),
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'more_time_asked');
      expect((await row(handoff.id)).moreTime).toBe('asked');
    },
  },
  {
    name: 'Answer button (opens the modal)',
    covers: [A('answerQuestion')],
    policy: 'answer_question',
    state: 'asked',
    act: async (handoff, user) =>
      m.click(h, ACTION_ID.answerQuestion, String(await questionIdOf(handoff)), user),
    refusal: ask('answer_question'),
    async effect(handoff, _user, seen) {
      const view = await m.openedView(h, seen.opens, CALLBACK_ID.answer);
      expect(JSON.parse(view.private_metadata)).toEqual({ questionId: await questionIdOf(handoff) });
    },
  },
  {
    name: 'answer modal submit',
    covers: [C('answer')],
    policy: 'answer_question',
    state: 'asked',
    act: async (handoff, user) =>
      m.submitView(h, answerSubmission(await questionIdOf(handoff), 'The CFO.', user)),
    refusal: ask('answer_question', true),
    async effect(handoff, user, seen) {
      // The owner may hear nothing new (their notice updates): the AE is told.
      await changed(handoff, user, seen, 'question_answered', 'The CFO.');
      expect(await row(handoff.id)).toMatchObject({ questionOpen: false, pausedAt: null });
    },
  },
  {
    name: 'Give more time button',
    covers: [A('grantMoreTime')],
    policy: 'grant_more_time',
    state: 'more_time',
    act: clickOn(ACTION_ID.grantMoreTime),
    refusal: owner,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'more_time_granted', 'gave you');
      const after = await row(handoff.id);
      expect(after.moreTime).toBe('granted');
      expect(after.dueAt.getTime()).toBeGreaterThan(handoff.dueAt.getTime());
    },
  },
];

const viewerOf = (user: SlackUser) => ({
  actor: { userId: user.id, teamId: user.team_id },
  internalTeamIds: h.app.startup.internalTeamIds,
  adminUserIds: h.app.program.adminUserIds,
});

const handoffRows = HANDOFF_ENTRIES.map((entry): Row => {
  const state = entry.state ?? (TRANSITIONS[entry.policy].from.includes('accepted') ? 'accepted' : 'sent');
  const reports = (key: ActorKey) =>
    entry.reports && holds(key, m.ownerFor(key), TRANSITIONS.report_outcome.by);
  return {
    name: `${entry.name} (${state})`,
    covers: [
      ...entry.covers,
      `lifecycle ${entry.policy}`,
      ...(entry.reports ? ['lifecycle report_outcome'] : []),
    ],
    actors: m.HANDOFF_ACTORS,
    verdict: (key) =>
      holds(key, m.ownerFor(key), TRANSITIONS[entry.policy].by)
        ? 'allowed'
        : reports(key)
          ? 'reported'
          : 'refused',
    async cell(key, v) {
      const handoff = await pool.get(state, m.ownerFor(key));
      // A handoff whose AE asked before deciding still waits for them.
      expect(handoff.status).toBe(state === 'accepted' ? 'accepted' : 'sent');
      const user = m.userFor(key, entry.aeOnly ? people.ae.id : m.ADMIN.id);
      // The one policy says the same, for this very handoff and person: what the handler does, and whether any
      // message or App Home offers this person the button.
      expect(can(viewerOf(user), entry.policy, handoff, h.clock.now()), key).toBe(v === 'allowed');
      if (entry.reports)
        expect(can(viewerOf(user), 'report_outcome', handoff, h.clock.now())).toBe(v === 'reported');
      const { opens, effect } = entry;
      return {
        refusal: entry.refusal(handoff, !internal(key)),
        readOnly: opens !== undefined,
        silentWhenAllowed: true,
        act(seen) {
          seen.ownerDm = m.dmOf(h, handoff.ownerUserId).length;
          return entry.act(handoff, user);
        },
        async effect(_reply, seen) {
          if (opens) {
            const view = await m.openedView(h, seen.opens, opens);
            expect(JSON.parse(view.private_metadata)).toMatchObject({ handoffId: handoff.id });
          } else if (v === 'reported' && entry.reports) await reported(handoff, user, entry.reports);
          else await effect?.(handoff, user, seen);
        },
      };
    },
  };
});

matrix('actions on a handoff', handoffRows);

// -----------------------------------------------------------------------------------------------------------------
// Following a handoff: whoever may view it (theirs, or `viewAny`), nobody outside. "Add to handoff". Partner help.

const viewers = (path: Path, ownerUserId: string) => (key: ActorKey) =>
  holds(key, ownerUserId, ['ae', 'owner', 'author', 'admin']) || granted('viewAny', path).includes(key);
const verdictOf = (allowed: (key: ActorKey) => boolean | undefined) => (key: ActorKey) =>
  allowed(key) ? 'allowed' : 'refused';
const anyInternal = verdictOf(internal);
const byTable = (permission: Permission, path: Path, also?: ActorKey) =>
  verdictOf((key) => granted(permission, path).includes(key) || key === also);
const followersOf = async (handoffId: number) => {
  const { handoffFollowers: f } = h.tables;
  const rows = await h.database.db.select().from(f).where(eq(f.handoffId, handoffId));
  return rows.map((r): [string, string | null] => [r.userId, r.notify]);
};

const followRows = (
  [
    ['Follow button', 'follow', 'all'],
    ['Follow decisions only button', 'followDecisions', 'decisions'],
    ['Unfollow button', 'unfollow', null],
  ] as const
).map(
  ([name, id, choice]): Row => ({
    name,
    covers: [A(id)],
    actors: m.HANDOFF_ACTORS,
    verdict: (key) => verdictOf(viewers('interaction', m.ownerFor(key)))(key),
    async cell(key) {
      const handoff = await pool.get('sent', m.ownerFor(key));
      const user = m.userFor(key);
      return {
        refusal: internal(key) ? commandReply.notFound(handoff.id) : followReplies.external(),
        act: () => m.click(h, ACTION_ID[id], String(handoff.id), user),
        async effect(reply) {
          expect(await m.replyAt(h, reply)).toBe(followReplies.done(handoff.id, choice));
          expect(new Map(await followersOf(handoff.id)).get(user.id) ?? null).toBe(choice);
        },
      };
    },
  }),
);

/** A partner's message in their channel, of its own for each cell: what is added. */
const partnerMessage = (text: string) =>
  storedMessage(
    h,
    channels.partner.id,
    h.slack.postAsPerson({ channel: channels.partner.id, user: people.partner.id, text }),
  );

const addRows: readonly Row[] = [
  {
    // The AE, the owner, the author or an admin, while the handoff is open (domain/messageLinks.ts).
    name: 'Add to handoff modal submit (sent)',
    covers: [C('addToHandoff')],
    actors: m.HANDOFF_ACTORS,
    verdict: (key) => verdictOf(() => holds(key, m.ownerFor(key), ['ae', 'owner', 'author', 'admin']))(key),
    async cell(key, v) {
      const handoff = await pool.get('sent', m.ownerFor(key));
      const user = m.userFor(key);
      const text = `Matrix message for ${key}`;
      const metadata = JSON.stringify({ c: channels.partner.id, ts: partnerMessage(text).ts, x: text });
      expect(addMessageVerdict(viewerOf(user), handoff) === 'ok').toBe(v === 'allowed');
      return {
        refusal: addRefusalText(internal(key) ? 'not_allowed' : 'external', handoff.id),
        act: () => m.submitView(h, addSubmission({ metadata, handoffId: handoff.id, user })),
        async effect() {
          const added = (await eventsOf(handoff.id)).filter(
            (e) => e.type === 'message_added' && e.detail?.excerpt === text,
          );
          expect(added).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
        },
      };
    },
  },
  {
    name: 'Add to handoff shortcut (the modal, or "no open handoff")',
    covers: ['SHORTCUT_ID.addToHandoff'],
    actors: m.OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      const message = partnerMessage(`Matrix shortcut for ${key}`);
      let triggerId = '';
      return {
        refusal: addReplies.external(),
        readOnly: true,
        async act() {
          const used = await useShortcut(h, { user: m.userFor(key), channel: channels.partner, message });
          triggerId = used.triggerId;
          return { via: 'response_url', url: used.responseUrl };
        },
        async effect(reply) {
          const none = (r: { url: string; body: { text?: unknown } }) =>
            reply.via === 'response_url' && r.url === reply.url && r.body.text === addReplies.none();
          const modal = () => h.slack.callsTo('views.open').some((c) => c.args.trigger_id === triggerId);
          await waitFor(
            () => modal() || h.slack.responses.some(none),
            4000,
            'the modal, or "no open handoff"',
          );
        },
      };
    },
  },
];

let helpPool: m.HelpPool;
let asked = 0;
const helpRow = async (id: number) =>
  (await h.database.db.select().from(h.tables.helpRequests).where(eq(h.tables.helpRequests.id, id)))[0];

const helpRows: readonly Row[] = [
  {
    name: '"I\'ll take it" button',
    covers: [A('helpClaim')],
    actors: m.OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      const request = await helpPool.get();
      const user = m.userFor(key);
      return {
        refusal: commandReply.external(),
        silentWhenAllowed: true,
        act: () => m.click(h, ACTION_ID.helpClaim, String(request.id), user, m.HELP_CHANNEL),
        async effect() {
          const taken = await waitFor(
            async () => (await helpRow(request.id))?.status === 'claimed' && helpRow(request.id),
            4000,
            'taken',
          );
          expect(taken).toMatchObject({ claimedByUserId: user.id });
          const told = () =>
            m.dmOf(h, people.otherAe.id).some((msg) => taken && msg.text === helpReplies.claimed(taken));
          await waitFor(told, 8000, 'the requester told');
        },
      };
    },
  },
  {
    name: 'Ask for partner help shortcut',
    covers: ['SHORTCUT_ID.helpRequest'],
    actors: m.OTHER_ACTORS,
    verdict: anyInternal,
    cell: async (key) => ({
      refusal: commandReply.external(),
      readOnly: true,
      act: () => m.globalShortcut(h, SHORTCUT_ID.helpRequest, m.userFor(key)),
      effect: async (_reply, seen) => void (await m.openedView(h, seen.opens, CALLBACK_ID.helpRequest)),
    }),
  },
  {
    name: 'partner-help request modal submit',
    covers: [C('helpRequest')],
    actors: m.OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      asked += 1;
      const account = `Asked Account ${asked}`;
      const user = m.userFor(key);
      return {
        refusal: 'Partner-help requests are for the team that runs this app.',
        act: () => m.submitView(h, m.helpSubmission(user, account)),
        async effect() {
          const all = await h.database.db.select().from(h.tables.helpRequests);
          const made = all.find((r) => r.accountName === account);
          expect(made).toMatchObject({ status: 'open', requestedByUserId: user.id, requestedByTeamId: TEAM });
          const posted = () =>
            h.slack
              .messages(m.HELP_CHANNEL)
              .some((msg) => msg.text?.startsWith(`Partner help request #${made?.id}:`));
          await waitFor(posted, 8000, 'the channel post');
        },
      };
    },
  },
];

matrix('following a handoff', followRows);
matrix('Add to handoff', addRows);
matrix('partner-help requests', helpRows, async () => {
  helpPool = new m.HelpPool(h);
});

// -----------------------------------------------------------------------------------------------------------------
// Slash commands: the app asks users.info who typed it (a command carries no user.team_id). A command that names
// another workspace, or none, is another installation's: ignored before any listener.

interface CommandEntry {
  name: string;
  /** The subcommand it runs (src/handlers/commands/subcommands.ts); none: `/handoff <account>`. */
  sub?: string;
  covers?: string;
  permission?: Permission;
  /** Who else may (their own handoff, named by the setup); with neither, any internal member. */
  also?: (key: ActorKey) => boolean;
  /** The refusal for one of ours not allowed (default: `commandReply.forbidden(permission)`). */
  forbidden?: string;
  readOnly?: boolean;
  prepare(): Promise<{ text: string; effect: Effect; refusal?: (key: ActorKey) => string }>;
}
type Effect = (reply: Reply, seen: Seen, user: SlackUser) => Promise<void>;

/** The command's answer is exactly this, or matches it. */
const says =
  (expected: string | RegExp, then?: Effect): Effect =>
  async (reply, seen, user) => {
    const text = await m.replyAt(h, reply);
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
    await then?.(reply, seen, user);
  };
const opened =
  (callbackId: string): Effect =>
  async (_reply, seen) =>
    void (await m.openedView(h, seen.opens, callbackId));
/** `/handoff <text>` that only answers (the reply, or what else it does), changing nothing. */
const looks = (
  sub: string | undefined,
  text: string,
  expected: string | RegExp | Effect,
  permission?: Permission,
): CommandEntry => ({
  name: `/handoff ${sub ?? text}`,
  ...(sub ? { sub } : {}),
  ...(permission ? { permission } : {}),
  readOnly: true,
  prepare: async () => ({ text, effect: typeof expected === 'function' ? expected : says(expected) }),
});
const partnerEntries = async () => (await programEntries()).filter((e) => e.kind === 'partner');
const sent = () => pool.get('sent', people.author.id);
/** The handoff's AE, owner or author (the pool's handoffs for commands are the author's own). */
const ownHandoff = (key: ActorKey) => holds(key, people.author.id, ['ae', 'owner', 'author']);
const notFound = (handoff: HandoffRow) => () => commandReply.notFound(handoff.id);
const MERIDIAN = 'Meridian Cloud Consulting';

const COMMANDS: readonly CommandEntry[] = [
  {
    name: '/handoff export',
    sub: 'export',
    permission: 'export',
    readOnly: true,
    prepare: async () => ({
      text: 'export',
      effect: says(/^Preparing the touch log for handoffs sent from /, (_r, seen, user) =>
        uploaded(user, seen),
      ),
    }),
  },
  {
    name: '/handoff classify <#> sourced <why>',
    sub: 'classify',
    permission: 'classify',
    async prepare() {
      const handoff = await sent();
      expect(handoff.classification).toBe('partner_influenced');
      const corrected = commandReply.corrected(handoff.id, 'partner_influenced', 'partner_sourced');
      return {
        text: `classify ${handoff.id} sourced the partner found it`,
        effect: says(corrected, async (_r, _seen, user) => {
          expect((await row(handoff.id)).classification).toBe('partner_sourced');
          const { classificationCorrections: c } = h.tables;
          expect(await h.database.db.select().from(c).where(eq(c.handoffId, handoff.id))).toEqual([
            expect.objectContaining({ correctedByUserId: user.id, reason: 'the partner found it' }),
          ]);
          const events = (await eventsOf(handoff.id)).filter((e) => e.type === 'classification_corrected');
          expect(events).toEqual([expect.objectContaining({ actorUserId: user.id })]);
        }),
      };
    },
  },
  {
    name: '/handoff reseller add',
    sub: 'reseller',
    permission: 'resellers',
    async prepare() {
      const { account, reseller } = m.nextResellerNames();
      return {
        text: `reseller add ${account} | ${reseller}`,
        effect: says(commandReply.resellerAdded(account, reseller, true), async (_r, _seen, user) => {
          expect(await m.resellerRow(h, account, reseller)).toMatchObject({ addedByUserId: user.id });
        }),
      };
    },
  },
  {
    name: '/handoff reseller remove',
    sub: 'reseller',
    permission: 'resellers',
    async prepare() {
      const { account, reseller } = await m.registerReseller(h);
      return {
        text: `reseller remove ${account} | ${reseller}`,
        effect: says(commandReply.resellerRemoved(account, reseller, true), async () => {
          expect(await m.resellerRow(h, account, reseller)).toBeUndefined();
        }),
      };
    },
  },
  {
    name: '/handoff reseller list',
    sub: 'reseller',
    readOnly: true,
    async prepare() {
      const { account, reseller } = await m.registerReseller(h);
      return { text: `reseller list ${account}`, effect: says(`• *${account}*: ${reseller}`) };
    },
  },
  {
    name: '/handoff outbox',
    sub: 'outbox',
    permission: 'outbox',
    forbidden: parkedReplies.forbidden('outbox'),
    readOnly: true,
    async prepare() {
      const id = await m.ensureParked(h);
      return {
        text: 'outbox',
        effect: says(new RegExp(`\\*1 parked message\\*[\\s\\S]*#${id}: chat\\.postMessage`)),
      };
    },
  },
  {
    name: '/handoff outbox retry all',
    sub: 'outbox',
    permission: 'outboxRetry',
    forbidden: parkedReplies.forbidden('outboxRetry'),
    async prepare() {
      const id = await m.ensureParked(h);
      const delivered = async () => (await m.outboxRow(h, id))?.status === 'delivered';
      return {
        text: 'outbox retry all',
        effect: says(
          parkedReplies.requeued(1),
          async () => void (await waitFor(delivered, 8000, 'sent again')),
        ),
      };
    },
  },
  // Deals accepted before first steps: none in the pool (every accept names a step).
  looks(
    'steps',
    'steps',
    'Every accepted deal with no outcome yet has a first step. Nothing to ask.',
    'firstSteps',
  ),
  // Which CRM serves the workspace (the matrix runs on an OAuth install, where a workspace connects its own).
  looks('crm', 'crm', /\*No CRM is connected for this workspace:\*/, 'crm'),
  // The list of where a person appears (read-only); the erasure itself is the same permission.
  looks(
    'erase',
    'erase Nobody Matrixperson',
    /Erasure of a person named by a name: 0 row\(s\) name them\.[\s\S]*Nothing changed\./,
    'erase',
  ),
  {
    ...looks(undefined, 'Matrix Packet Account', opened(CALLBACK_ID.packet)),
    name: '/handoff <account> (opens the packet)',
    covers: C('packet'),
  },
  {
    name: '/handoff partners',
    sub: 'partners',
    permission: 'partners',
    readOnly: true,
    // A handoff sent with a partner: the directory lists it.
    async prepare() {
      await sent();
      return { text: 'partners', effect: says(new RegExp(`\\*${MERIDIAN}\\*`)) };
    },
  },
  // Allowed: past the check, the channel is not one the directory knows (nothing to change).
  {
    ...looks(
      'partners',
      'partners confirm <#C0MATRIXNONE|nowhere>',
      partnerReply.invalid('That is not a partner channel the directory knows. Name it as #channel.'),
      'partnerChannels',
    ),
    name: '/handoff partners confirm #channel',
  },
  {
    name: '/handoff partners managers <partner> | @someone',
    sub: 'partners',
    permission: 'partners',
    async prepare() {
      await sent();
      return {
        text: `partners managers ${MERIDIAN} | <@${people.otherAe.id}|sam>`,
        effect: says(new RegExp(`partner manager <@${people.otherAe.id}>`), async () => {
          expect((await partnerEntries()).at(-1)?.body).toEqual({ managers: [people.otherAe.id] });
        }),
      };
    },
  },
  // What they are told: RevOps or admins, and the partner's own managers (the AE, named here first).
  {
    name: '/handoff partners notify <partner> | decisions',
    sub: 'partners',
    permission: 'partners',
    also: (key) => key === 'ae',
    async prepare() {
      await sent();
      const named = await m.slash(h, `partners managers ${MERIDIAN} | ${people.ae.id}`, {
        user_id: m.ADMIN.id,
        team_id: TEAM,
      });
      expect(await m.replyAt(h, named)).toContain(`<@${people.ae.id}>`);
      await m.settled(h);
      return {
        text: `partners notify ${MERIDIAN} | decisions`,
        effect: says(/\(told of decisions only\)/, async () => {
          expect((await partnerEntries()).at(-1)?.body).toEqual({
            managers: [people.ae.id],
            notify: 'decisions',
          });
        }),
      };
    },
  },
  // Whoever wrote, owns or answers it, and `viewAny`; anyone else is told no such handoff exists.
  {
    name: "/handoff view <#> (someone else's handoff)",
    sub: 'view',
    permission: 'viewAny',
    also: ownHandoff,
    readOnly: true,
    async prepare() {
      const handoff = await sent();
      return {
        text: `view ${handoff.id}`,
        refusal: notFound(handoff),
        async effect(_r, seen) {
          const call = await waitFor(() => h.slack.callsTo('views.open')[seen.opens], 4000, 'the view modal');
          expect((call.args.view as { title: { text: string } }).title.text).toBe(`Handoff #${handoff.id}`);
        },
      };
    },
  },
  // The lifecycle's `edit` (the author, the owner or an admin); whoever may view it is told why not, anyone else
  // that it does not exist.
  {
    name: '/handoff edit <#>',
    sub: 'edit',
    covers: 'lifecycle edit',
    also: (key) => holds(key, people.author.id, TRANSITIONS.edit.by),
    readOnly: true,
    async prepare() {
      const handoff = await sent();
      const visible = viewers('command', people.author.id);
      const why = editRefusal({ kind: 'refused', verdict: 'not_allowed', handoff }, handoff.id);
      return {
        text: `edit ${handoff.id}`,
        refusal: (key) => (visible(key) ? why : commandReply.notFound(handoff.id)),
        async effect(_r, seen) {
          const view = await m.openedView(h, seen.opens, CALLBACK_ID.packet);
          expect(JSON.parse(view.private_metadata)).toMatchObject({ editOf: handoff.id });
        },
      };
    },
  },
  ...(['all', null] as const).map((choice) => ({
    name: `/handoff ${choice ? 'follow' : 'unfollow'} <#> (themselves)`,
    sub: choice ? 'follow' : 'unfollow',
    permission: 'viewAny' as const,
    also: ownHandoff,
    async prepare() {
      const handoff = await sent();
      return {
        text: `${choice ? 'follow' : 'unfollow'} ${handoff.id}`,
        refusal: notFound(handoff),
        effect: says(followReplies.done(handoff.id, choice), async (_r, _seen, user) => {
          expect(new Map(await followersOf(handoff.id)).get(user.id) ?? null).toBe(choice);
        }),
      };
    },
  })),
  // An admin names someone else (Sam) to follow a handoff; Sam is told.
  {
    name: '/handoff follow <#> @person',
    sub: 'follow',
    permission: 'followersFor',
    async prepare() {
      const handoff = await sent();
      return {
        text: `follow ${handoff.id} <@${people.otherAe.id}|sam> decisions`,
        effect: says(followReplies.named(handoff.id, people.otherAe.id, 'decisions'), async () => {
          expect(await followersOf(handoff.id)).toContainEqual([people.otherAe.id, 'decisions']);
        }),
      };
    },
  },
  {
    name: '/handoff help',
    sub: 'help',
    readOnly: true,
    prepare: async () => ({
      text: 'help',
      effect: async (r, _seen, user) => {
        // Each person is offered the commands they may use: RevOps' and admins' only to them.
        const revops = h.app.program.revopsUserIds.includes(user.id);
        const admin = h.app.program.adminUserIds.includes(user.id);
        const text = await m.replyAt(h, r);
        expect(text).toBe(helpFor(h.app.program, user.id, h.config.slack.oauth !== undefined));
        for (const line of ['/handoff export', '*For RevOps:*', 'and the trust metrics'])
          expect(text.includes(line), line).toBe(revops || admin);
        // Admins: the partner channels, the outbox, the CRM (an OAuth install), where the program is edited, and
        // pausing and naming followers for someone else.
        const admins = ['/handoff partners channel', '/handoff outbox', '/handoff crm', '*For admins:*'];
        for (const line of [
          ...admins,
          '*App Home → The program*',
          '/handoff pause @person',
          '/handoff follow <#> @person',
        ])
          expect(text.includes(line), line).toBe(admin);
        expect(text).toContain('/handoff follow <#>`');
      },
    }),
  },
  looks('list', 'list', /^(Your open handoffs: \d+|None of your handoffs is open\.)/),
  {
    ...looks('ask', 'ask Matrix Ask Account', opened(CALLBACK_ID.helpRequest)),
    name: '/handoff ask (opens the request modal)',
  },
  {
    ...looks('cover', 'cover', opened(CALLBACK_ID.cover)),
    name: '/handoff cover (opens the cover modal)',
    covers: C('cover'),
  },
  // Anyone of ours pauses their own pools (none here: it is noted all the same), and resumes.
  {
    name: '/handoff pause',
    sub: 'pause',
    prepare: async () => ({
      text: 'pause',
      effect: says(/You are in no pool now/, async (_r, _seen, user) => {
        const paused = { actor: user.id, body: { paused: 'until_resumed' } };
        expect((await m.personEntries(h, user.id)).at(-1)).toMatchObject(paused);
      }),
    }),
  },
  {
    name: '/handoff resume',
    sub: 'resume',
    prepare: async () => ({
      text: 'resume',
      async effect(r, _seen, user) {
        // Paused by the row above, or never: either way, not paused now.
        expect([myDaysReplies.resumed([], false), myDaysReplies.notPaused()]).toContain(
          await m.replyAt(h, r),
        );
        expect((await m.personEntries(h, user.id)).at(-1)?.body ?? null).toBeNull();
      },
    }),
  },
  // An admin pauses someone else (Sam, in no pool here: noted all the same, Sam told).
  {
    name: '/handoff pause @person',
    sub: 'pause',
    permission: 'pauseOthers',
    prepare: async () => ({
      text: `pause <@${people.otherAe.id}|sam> until 2099-12-18`,
      effect: says(
        myDaysReplies.pausedOther(people.otherAe.id, '2099-12-18', [], false),
        async (_r, _seen, user) => {
          const paused = { actor: user.id, body: { paused: '2099-12-18' } };
          expect((await m.personEntries(h, people.otherAe.id)).at(-1)).toMatchObject(paused);
        },
      ),
    }),
  },
];

const commandRows = COMMANDS.map(
  (entry): Row => ({
    name: entry.name,
    covers: [entry.sub && `/handoff ${entry.sub}`, entry.permission, entry.covers].filter(
      (c) => c !== undefined,
    ),
    actors: m.OTHER_ACTORS,
    verdict(key) {
      if (!internal(key)) return 'ignored';
      const byRole = entry.permission ? granted(entry.permission, 'command').includes(key) : !entry.also;
      return byRole || entry.also?.(key) ? 'allowed' : 'refused';
    },
    async cell(key) {
      const { text, effect, refusal } = await entry.prepare();
      const fields = m.commandFieldsFor(key);
      const forbidden = entry.permission ? commandReply.forbidden(entry.permission) : commandReply.external();
      return {
        refusal: refusal?.(key) ?? entry.forbidden ?? forbidden,
        ...(entry.readOnly ? { readOnly: true } : {}),
        act: () => m.slash(h, text, fields),
        effect: (r, seen) => effect(r, seen, { id: fields.user_id }),
      };
    },
  }),
);

matrix('slash commands', commandRows);

// -----------------------------------------------------------------------------------------------------------------
// The App Home: the export button, "Your days" (each their own), the score against outcomes and its weights. Buttons
// go by their user.team_id and have no response_url (refusals come by DM); a refused editor's submission closes the
// modal and tells the person by DM.

const homeButton = (
  name: string,
  covers: readonly string[],
  verdict: (key: ActorKey) => Verdict,
  refusal: string,
  act: (user: SlackUser, allowed: boolean, key: ActorKey) => Promise<Reply>,
  effect: (user: SlackUser, seen: Seen, reply: Reply, key: ActorKey) => Promise<void>,
  readOnly = true,
): Row => ({
  name,
  covers,
  actors: m.OTHER_ACTORS,
  verdict,
  async cell(key, v) {
    const user = m.userFor(key);
    const allowed = v === 'allowed';
    return {
      refusal,
      readOnly,
      act: () => act(user, allowed, key),
      effect: (reply, seen) => effect(user, seen, reply, key),
    };
  },
});

/** The program's log, newest last. */
const programEntries = () => h.database.db.select().from(h.tables.programLog).orderBy(h.tables.programLog.id);
const openedTitled = async (seen: Seen, title: string) => {
  const call = await waitFor(() => h.slack.callsTo('views.open')[seen.opens], 4000, title);
  expect((call.args.view as { title: { text: string } }).title.text).toBe(title);
};
async function submitOrDm(user: SlackUser, payload: unknown, allowed: boolean): Promise<Reply> {
  const dms = m.dmOf(h, user.id).length;
  const reply = await m.submitView(h, payload);
  if (allowed) return reply;
  expect(reply).toEqual({ via: 'inline', body: {} });
  return { via: 'dm', userId: user.id, before: dms };
}
let weighed = 0;

const homeRows: readonly Row[] = [
  homeButton(
    'App Home Export button',
    [A('homeExport'), 'export'],
    byTable('export', 'interaction'),
    exportReplies.forbidden(),
    (user) => m.homeClick(h, ACTION_ID.homeExport, '30d', user),
    uploaded,
  ),
  homeButton(
    'Edit my days button (App Home)',
    [A('myDays')],
    anyInternal,
    myDaysReplies.external(),
    (user) => m.homeClick(h, ACTION_ID.myDays, 'edit', user),
    async (_user, seen) => void (await m.openedView(h, seen.opens, CALLBACK_ID.myDays)),
  ),
  homeButton(
    '"Your days" modal submit (each their own)',
    [C('myDays')],
    anyInternal,
    myDaysReplies.external(),
    (user) => m.submitView(h, m.myDaysSubmission(user, [1, 2, 4])),
    async (user) => {
      const days = { actor: user.id, body: { workingDays: [1, 2, 4] } };
      expect((await m.personEntries(h, user.id)).at(-1)).toMatchObject(days);
    },
    false,
  ),
  homeButton(
    'App Home "Score against outcomes"',
    [A('scoreCheck'), 'scoreCheck'],
    byTable('scoreCheck', 'interaction'),
    SCORE_REFUSALS.view,
    (user) => m.homeClick(h, ACTION_ID.scoreCheck, '90d', user),
    (_user, seen) => openedTitled(seen, 'Score against outcomes'),
  ),
  homeButton(
    "The score's weights, saved",
    [C('scoreWeights'), 'scoreWeights'],
    byTable('scoreWeights', 'interaction'),
    `${SCORE_REFUSALS.weights} Nothing was saved.`,
    (user, allowed) => {
      // A weight of its own per cell: an allowed save always changes the part.
      weighed += 1;
      const weights = { ...DEFAULT_WEIGHTS, proof: ((weighed % 3) + 1) as 1 | 2 | 3, owner: 2 as const };
      return submitOrDm(user, editorSubmission(user, scoreWeightsModal(weights)), allowed);
    },
    async (user, _seen, reply) => {
      expect(reply).toEqual({ via: 'inline', body: {} });
      const weights = { ...DEFAULT_WEIGHTS, proof: (weighed % 3) + 1, owner: 2 };
      const entry = (await programEntries()).filter((e) => e.kind === 'scoring').at(-1);
      expect(entry).toMatchObject({ kind: 'scoring', actor: user.id, body: { weights } });
    },
    false,
  ),
];

// Something to measure.
matrix('App Home', homeRows, async () => void (await pool.get('accepted', people.author.id)));

// "Review attribution": Keep and Change in the App Home open its modal; its submission decides an open item. The
// items the read-back opens, made here on an accepted handoff: one open at a time per handoff.
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
const reviewRow = (id: number) =>
  first(
    h.database.db.select().from(h.tables.attributionReviews).where(eq(h.tables.attributionReviews.id, id)),
  );
let reviewed: { handoff: HandoffRow; id: number } | undefined;
/** The open item, or a new one once it was decided. */
async function openItem(): Promise<number> {
  if (reviewed && (await reviewRow(reviewed.id))?.status === 'open') return reviewed.id;
  const handoff = reviewed?.handoff ?? (await pool.get('accepted', people.author.id));
  const evidence = { ...EVIDENCE };
  const made = await h.database.db.transaction((tx) =>
    insertReview(tx, { handoffId: handoff.id, evidence, openedAt: h.clock.now() }),
  );
  if (!made) throw new Error('no review item');
  reviewed = { handoff, id: made.id };
  return made.id;
}
const reviewRows: readonly Row[] = [
  ...(['reviewKeep', 'reviewChange'] as const).map((id) =>
    homeButton(
      `Review attribution ${id === 'reviewKeep' ? 'Keep' : 'Change'} (App Home button)`,
      [A(id)],
      byTable('classify', 'interaction'),
      commandReply.forbidden('classify'),
      async (user) => m.homeClick(h, ACTION_ID[id], String(await openItem()), user),
      async (_user, seen) => {
        const view = await m.openedView(h, seen.opens, CALLBACK_ID.attributionReview);
        expect(JSON.parse(view.private_metadata)).toMatchObject({ reviewId: reviewed?.id });
      },
    ),
  ),
  {
    name: 'Review attribution modal submit (Keep)',
    covers: [C('attributionReview'), 'classify'],
    actors: m.OTHER_ACTORS,
    verdict: byTable('classify', 'interaction'),
    async cell(key) {
      const id = await openItem();
      const user = m.userFor(key);
      const note = { [ACTION_ID.value]: { type: 'plain_text_input', value: 'The rule holds here.' } };
      const submission = viewSubmission({
        callbackId: CALLBACK_ID.attributionReview,
        privateMetadata: JSON.stringify({ reviewId: id, decision: 'keep' }),
        values: { [ATTRIBUTION_REVIEW_BLOCK_ID]: note },
        user,
      });
      return {
        refusal: commandReply.forbidden('classify'),
        act: () => m.submitView(h, submission),
        async effect(reply) {
          expect(reply).toEqual({ via: 'inline', body: {} });
          expect(await reviewRow(id)).toMatchObject({ status: 'kept', decidedBy: user.id });
        },
      };
    },
  },
];
matrix('Review attribution', reviewRows, async () => void (await openItem()));

const blocksOf = (call: { args: Record<string, unknown> }) =>
  JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
const metrics = granted('metrics', 'userId');
const homeOf = async (user: SlackUser) => blocksOf(await m.openHome(h, user.id, user.team_id ?? TEAM));

/** The program metrics and their Export button, both shown or neither. */
const metricsShown = (blocks: string, yes: boolean) =>
  expect([blocks.includes('*Program metrics*'), blocks.includes(ACTION_ID.homeExport)]).toEqual([yes, yes]);
/** What the App Home shows each actor: app_home_opened and the period picker name only the user (by id). */
const SHOWN: readonly [
  string,
  (key: ActorKey) => boolean,
  (user: SlackUser) => Promise<string>,
  (b: string, yes: boolean) => void,
][] = [
  [
    'App Home "Program metrics" (app_home_opened)',
    (key) => metrics.includes(key),
    homeOf,
    (blocks, yes) => {
      metricsShown(blocks, yes);
      if (!yes) expect(blocks).not.toContain(ACTION_ID.homePeriod);
    },
  ],
  [
    // A forged pick by someone without the role must not reveal the metrics.
    'App Home period picker (forged by anyone)',
    (key) => metrics.includes(key),
    async (user) => blocksOf(await m.homePeriodPick(h, '90d', user)),
    (blocks, yes) => {
      metricsShown(blocks, yes);
      if (yes) expect(blocks).toContain('"value":"90d"');
    },
  ],
  [
    // With an item open: shown to RevOps and admins only (by user id, as the metrics).
    'App Home "Review attribution"',
    (key) => granted('classify', 'userId').includes(key),
    homeOf,
    (blocks, yes) => {
      expect([blocks.includes('*Review attribution*'), blocks.includes(ACTION_ID.reviewKeep)]).toEqual([
        yes,
        yes,
      ]);
      if (!yes)
        expect([blocks.includes('Review attribution'), blocks.includes('Matrix renewal')]).toEqual([
          false,
          false,
        ]);
    },
  ],
  [
    'App Home "Your days" (everyone of ours, by user id)',
    (key) => key !== 'external',
    homeOf,
    (blocks, yes) =>
      expect([blocks.includes('*Your days*'), blocks.includes(ACTION_ID.myDays)]).toEqual([yes, yes]),
  ],
];

describe('authorization matrix: what the App Home shows', () => {
  beforeAll(async () => void (await openItem()));
  for (const [name, shown, look, check] of SHOWN) {
    it(`${name}: shown to ${m.OTHER_ACTORS.filter(shown).join(', ')}, to nobody else; nothing changed`, async () => {
      await m.settled(h);
      const before = await snapshot(h);
      await eachUser(
        m.OTHER_ACTORS.map((key) => [key] as const),
        async ([key]) => {
          const blocks = await look(m.userFor(key));
          try {
            check(blocks, shown(key));
          } catch (error) {
            throw new Error(`${m.OTHER_ACTOR_LABEL[key]}: ${String(error)}`);
          }
        },
      );
      await m.settled(h);
      expect(await snapshot(h)).toEqual(before);
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// The program's pages and editors: App Home → "The program". Each part's permission is its table's; a pool's own
// managers also edit their pool (Mo, `member`), a partner's what its managers hear (Olu, `ownerNotAuthor`). Last in
// the file: its edits change the program the rows above run on.

const POOL_MANAGER: ActorKey = 'member';
const PARTNER_MANAGER: ActorKey = 'ownerNotAuthor';
let partnerId = 0;
const MATRIX_POOL = { name: 'Matrix pool', users: [people.otherAe.id], managers: [people.member.id] };
const MATRIX_POLICY = { name: 'Matrix', levels: [{ at: 'due', action: 'notify', to: ['manager'] }] };
/** The matrix partner's part at start: Olu manages it, and hears nothing. */
const MATRIX_PARTNER = { name: 'Matrix Partners', managers: [people.owner.id], notify: 'off' as const };

type Part = [name: string, permission: Permission, also?: ActorKey];
const GROUPS = Object.keys(SETTINGS_GROUPS) as SettingsGroup[];
/** The pages, each opened (views.open) for whom may read it; admins and RevOps read every group of settings. */
const PAGES: readonly [...Part, title: string][] = [
  ['pools', 'pools', POOL_MANAGER, 'Pools'],
  ['policies', 'policies', undefined, 'Escalation policies'],
  ['history', 'policies', undefined, 'Program history'],
  ['partners', 'partners', PARTNER_MANAGER, 'Partners'],
  ['calendar', 'program', undefined, 'Closures and holidays'],
  ['roles', 'program', undefined, 'Roles and managers'],
  ['settings', 'policies', undefined, 'Settings'],
];
/** Edit (or New) on a page: the part's editor is pushed (views.push); every group of settings has its editor. */
const EDITS: readonly [...Part, value: string, title: string][] = [
  ['a pool', 'pools', POOL_MANAGER, 'pool:matrix', 'Edit pool'],
  ['a new pool', 'pools', undefined, 'pool:', 'New pool'],
  ['a policy', 'policies', undefined, 'policy:matrix', 'Edit policy'],
  ['a new policy', 'policies', undefined, 'policy:', 'New policy'],
  ['the calendar', 'program', undefined, 'calendar:-', 'Closures and holidays'],
  ['the roles', 'program', undefined, 'roles:-', 'Roles'],
  ['a partner', 'partners', PARTNER_MANAGER, 'partner:matrix', 'Partner'],
  ['the managers', 'program', undefined, 'managers:-', 'Managers'],
  ...GROUPS.map((g): [...Part, string, string] => [
    `the settings "${g}"`,
    SETTINGS_GROUPS[g].permission,
    undefined,
    `settings:${g}`,
    SETTINGS_GROUPS[g].short,
  ]),
];

/** A number of days of each actor's own (none a default): an allowed settings cell writes something new. */
const days = (key: ActorKey) => 11 + m.OTHER_ACTORS.indexOf(key);
type Written = { kind: string; key: string; body: unknown };
type Submit = [
  ...Part,
  submission: (user: SlackUser, key: ActorKey) => unknown,
  written: (key: ActorKey) => Written,
];
/** An editor's submission with answers of this actor's own, and what the program's log holds after it. */
const SUBMITS: readonly Submit[] = [
  [
    'a pool',
    'pools',
    POOL_MANAGER,
    (user, key) =>
      editorSubmission(
        user,
        editors.poolEditorModal({
          id: 'matrix',
          ...MATRIX_POOL,
          members: MATRIX_POOL.users,
          defaultCap: 10,
          admin: true,
        }),
        { [PROGRAM_BLOCK_ID.cap]: key === 'admin' ? '7' : '8' },
      ),
    (key) => ({ kind: 'pool', key: 'matrix', body: { ...MATRIX_POOL, cap: key === 'admin' ? 7 : 8 } }),
  ],
  [
    'a new pool',
    'pools',
    undefined,
    (user) =>
      editorSubmission(
        user,
        editors.poolEditorModal({ name: '', members: [], defaultCap: 10, managers: [], admin: true }),
        {
          [PROGRAM_BLOCK_ID.id]: 'matrix-new',
          [PROGRAM_BLOCK_ID.members]: [people.otherAe.id],
        },
      ),
    () => ({ kind: 'pool', key: 'matrix-new', body: { users: [people.otherAe.id] } }),
  ],
  [
    'a policy',
    'policies',
    undefined,
    (user, key) => {
      const pools = [{ id: 'matrix', name: MATRIX_POOL.name }];
      const none = { partners: [], routedPartners: [], routedPools: [], openCount: 0 };
      const modal = policyEditorModal({ id: 'matrix', ...MATRIX_POLICY, pools, ...none });
      return editorSubmission(user, modal, { [PROGRAM_BLOCK_ID.name]: `Matrix by ${key}` });
    },
    (key) => ({ kind: 'policy', key: 'matrix', body: { ...MATRIX_POLICY, name: `Matrix by ${key}` } }),
  ],
  [
    'the calendar',
    'program',
    undefined,
    (user) =>
      editorSubmission(user, editors.calendarEditorModal({ closures: [], holidays: 'by_zone' }), {
        [PROGRAM_BLOCK_ID.closures]: '2026-12-24',
      }),
    () => ({ kind: 'closures', key: '-', body: ['2026-12-24'] }),
  ],
  [
    'the roles',
    'program',
    undefined,
    (user) =>
      editorSubmission(user, editors.rolesEditorModal({ admins: [m.ADMIN.id], revops: [m.REVOPS.id] }), {
        [PROGRAM_BLOCK_ID.revops]: [m.REVOPS.id, people.otherAe.id],
      }),
    () => ({
      kind: 'roles',
      key: '-',
      body: { admin: { users: [m.ADMIN.id] }, revops: { users: [m.REVOPS.id, people.otherAe.id] } },
    }),
  ],
  [
    'the managers',
    'program',
    undefined,
    (user) =>
      editorSubmission(user, editors.managersEditorModal({}), {
        [managerBlockId(0, 'ae')]: people.otherAe.id,
        [managerBlockId(0, 'manager')]: people.owner.id,
      }),
    () => ({ kind: 'managers', key: '-', body: { [people.otherAe.id]: people.owner.id } }),
  ],
  // Each allowed cell writes something new: its manager what they hear (the managers input of RevOps' editor, added
  // to theirs, is not theirs to change); an admin and RevOps what they hear and who they are.
  [
    'a partner',
    'partners',
    PARTNER_MANAGER,
    (user, key) =>
      editorSubmission(
        user,
        editors.partnerEditorModal({ id: partnerId, ...MATRIX_PARTNER, contacts: [], mayManagers: true }),
        key === 'revops'
          ? {
              [PROGRAM_BLOCK_ID.managers]: [people.owner.id, people.otherAe.id],
              [PROGRAM_BLOCK_ID.notify]: 'decisions',
            }
          : {
              [PROGRAM_BLOCK_ID.managers]: [people.ae.id],
              [PROGRAM_BLOCK_ID.notify]: key === 'admin' ? 'all' : 'decisions',
            },
      ),
    (key) => ({
      kind: 'partner',
      key: String(partnerId),
      body:
        key === 'revops'
          ? { managers: [people.owner.id, people.otherAe.id], notify: 'decisions' }
          : key === 'admin'
            ? { managers: [people.ae.id] }
            : { managers: [people.owner.id], notify: 'decisions' },
    }),
  ],
  // A group's editor: the other settings the program holds are kept, so the body is matched on this one alone.
  ...(
    [
      ['window', 'stallBusinessDays', 0],
      ['packets', 'conflictLookbackDays', 30],
    ] as const
  ).map(
    ([group, setting, base]): Submit => [
      `the settings "${group}"`,
      SETTINGS_GROUPS[group].permission,
      undefined,
      (user, key) =>
        editorSubmission(user, settingsEditorModal(group, settingsValues({})), {
          [settingBlockId(setting)]: String(base + days(key)),
        }),
      (key) => ({
        kind: 'settings',
        key: '-',
        body: expect.objectContaining({ [setting]: base + days(key) }),
      }),
    ],
  ),
];

const PROGRAM_ROWS: readonly Row[] = [
  ...PAGES.map(([name, permission, also, title]) =>
    homeButton(
      `Program page "${name}" (App Home button)`,
      [A('programOpen'), permission],
      byTable(permission, 'interaction', also),
      PROGRAM_REFUSALS.notYours,
      (user) => m.homeClick(h, `${ACTION_ID.programOpen}:${name}`, name, user),
      (_user, seen) => openedTitled(seen, title),
    ),
  ),
  ...EDITS.map(
    ([name, permission, also, value, title]): Row => ({
      name: `Program Edit ${name} (${value}, on a page)`,
      covers: [A('programEdit'), permission],
      actors: m.OTHER_ACTORS,
      verdict: byTable(permission, 'interaction', also),
      async cell(key) {
        const user = m.userFor(key);
        // A trigger of the page the button is on (a modal the fake does not hold: the editor starts a stack).
        const triggerId = h.slack.issueTriggerId({ viewId: 'V0PROGRAMPAGE' });
        const sent = value === 'partner:matrix' ? `partner:${partnerId}` : value;
        return {
          refusal: PROGRAM_REFUSALS.notYours,
          readOnly: true,
          async act() {
            const dms = m.dmOf(h, user.id).length;
            const response = await h.interact(
              modalClick({ actionId: ACTION_ID.programEdit, value: sent, user, triggerId }),
            );
            expect(response.status).toBe(200);
            return { via: 'dm', userId: user.id, before: dms };
          },
          async effect() {
            const view = await viewOpenedBy(h, 'views.push', triggerId);
            expect(view).toMatchObject({ callback_id: CALLBACK_ID.programPart, title: { text: title } });
          },
        };
      },
    }),
  ),
  ...SUBMITS.map(
    ([name, permission, also, submission, written]): Row =>
      homeButton(
        `Program editor submit, ${name}`,
        [C('programPart'), permission],
        byTable(permission, 'interaction', also),
        PROGRAM_REFUSALS.forbidden,
        (user, allowed, key) => submitOrDm(user, submission(user, key), allowed),
        async (user, _seen, reply, key) => {
          // Saved: the editor shows its page again (it was opened on none here).
          expect(reply).toMatchObject({ via: 'inline', body: { response_action: 'update' } });
          const wrote = written(key);
          const entry = (await programEntries()).filter((e) => e.kind === wrote.kind).at(-1);
          expect(entry).toMatchObject({ ...wrote, actor: user.id });
        },
        false,
      ),
  ),
];

matrix('the program', PROGRAM_ROWS, async () => {
  // The AE managed the directory's partner for the commands above: a partner manager opens the partners' page.
  const cleared = await m.slash(h, `partners managers ${MERIDIAN} | none`, {
    user_id: m.ADMIN.id,
    team_id: TEAM,
  });
  expect(await m.replyAt(h, cleared)).not.toContain(people.ae.id);
  const partner = await h.database.db.transaction((tx) =>
    ensurePartner(tx, MATRIX_PARTNER.name, h.clock.now()),
  );
  partnerId = partner.id;
  const { managers, notify } = MATRIX_PARTNER;
  const written = await h.app.program.editMany([
    { actor: m.ADMIN.id, kind: 'pool', key: 'matrix', body: MATRIX_POOL },
    { actor: m.ADMIN.id, kind: 'policy', key: 'matrix', body: MATRIX_POLICY },
    { actor: m.ADMIN.id, kind: 'partner', key: String(partner.id), body: { managers, notify } },
  ]);
  expect(written).toMatchObject({ ok: true, changed: true });
});

// -----------------------------------------------------------------------------------------------------------------
// The matrix covers the app: a new permission, lifecycle action, id or subcommand fails here until it has a row (or,
// for one this file does not drive, names the test file that pins who may use it and how they are refused).

const ELSEWHERE: Record<string, string> = {
  'ACTION_ID.packetSuggest': 'test/integration/handOffShortcut.test.ts',
  'ACTION_ID.newStepDate': 'test/integration/afterAcceptLife.test.ts',
  'ACTION_ID.handBack': 'test/integration/afterAcceptLife.test.ts',
  'ACTION_ID.declineReason': 'test/integration/hostile/viewSubmissions.property.test.ts',
  'ACTION_ID.view': 'test/integration/findAndView.test.ts',
  'ACTION_ID.edit': 'test/integration/ownerActions.test.ts',
  'ACTION_ID.note': 'test/integration/edit.test.ts',
  'ACTION_ID.heldBackConfirm': 'test/integration/heldBack.test.ts',
  'ACTION_ID.heldBackEdit': 'test/integration/heldBack.test.ts',
  'ACTION_ID.reportConfirm': 'test/integration/outcomeReports.test.ts',
  'ACTION_ID.reportDecline': 'test/integration/outcomeReports.test.ts',
  'ACTION_ID.outcomeUndo': 'test/integration/outcomeUndo.test.ts',
  'ACTION_ID.scoreCheckPeriod': 'test/integration/scoreCheck.test.ts',
  'ACTION_ID.scoreWeights': 'test/integration/scoreCheck.test.ts',
  'ACTION_ID.value': 'test/integration/ownerActions.test.ts',
  'CALLBACK_ID.review': 'test/integration/hostile/viewSubmissions.property.test.ts',
  'CALLBACK_ID.note': 'test/integration/edit.test.ts',
  'CALLBACK_ID.nextMove': 'test/integration/heldBack.test.ts',
  'CALLBACK_ID.stepDate': 'test/integration/firstStepChecks.test.ts',
  'CALLBACK_ID.crmConnect': 'test/integration/twoWorkspaces.test.ts',
  'SHORTCUT_ID.handOff': 'test/integration/handOffShortcut.test.ts',
  'lifecycle decline_report': 'test/integration/lifecycle.property.test.ts',
  'lifecycle undo_outcome': 'test/integration/lifecycle.property.test.ts',
  'lifecycle name_step': 'test/unit/domain/lifecycle.test.ts',
  'lifecycle new_step_date': 'test/integration/lifecycle.property.test.ts',
  'lifecycle hand_back': 'test/integration/lifecycle.property.test.ts',
};

describe('authorization matrix: the matrix covers the app', () => {
  const rows = [
    ...handoffRows,
    ...followRows,
    ...addRows,
    ...helpRows,
    ...commandRows,
    ...homeRows,
    ...reviewRows,
    ...PROGRAM_ROWS,
  ];
  // The App Home's looks (above): the period picker and the metrics.
  const covered = new Set([...rows.flatMap((r) => r.covers), A('homePeriod'), 'metrics']);
  const ids = [
    ...Object.keys(ACTION_ID).map((k) => `ACTION_ID.${k}`),
    ...Object.keys(CALLBACK_ID).map((k) => `CALLBACK_ID.${k}`),
    ...Object.keys(SHORTCUT_ID).map((k) => `SHORTCUT_ID.${k}`),
    ...SUBCOMMANDS.map((s) => `/handoff ${s.name}`),
    ...Object.entries(TRANSITIONS)
      .filter(([, t]) => !t.by.includes('app'))
      .map(([event]) => `lifecycle ${event}`),
    ...PERMISSION_NAMES,
  ];

  it.each(ids)('%s: has a row, or names the file that pins it', (id) => {
    const file = ELSEWHERE[id];
    if (covered.has(id)) return expect(file, `${id} has a row here: not elsewhere`).toBeUndefined();
    expect(file, `no matrix row for ${id}`).toBeDefined();
    expect(existsSync(file as string), file).toBe(true);
    expect(readFileSync(file as string, 'utf8')).toContain(id.replace(/^lifecycle /, ''));
  });

  it('names nothing the app does not have', () => {
    expect(Object.keys(ELSEWHERE).filter((id) => !ids.includes(id))).toEqual([]);
  });

  // The table as read here agrees with the app's own `may`, for every permission and person.
  it.each(PERMISSION_NAMES)('%s: whom the table grants is whom `may` allows', (permission) => {
    for (const key of m.OTHER_ACTORS) {
      const { id, team_id: teamId } = m.userFor(key);
      const byTeam = may(
        MATRIX_ROLES,
        { actor: { userId: id, teamId }, internalTeamIds: [TEAM] },
        permission,
      );
      expect(granted(permission, 'interaction').includes(key), key).toBe(byTeam);
      expect(granted(permission, 'userId').includes(key), key).toBe(may(MATRIX_ROLES, id, permission));
      // users.info vouches for our members only.
      const viaCommand = key !== 'external' && may(MATRIX_ROLES, id, permission);
      expect(granted(permission, 'command').includes(key), key).toBe(viaCommand);
    }
  });
});
