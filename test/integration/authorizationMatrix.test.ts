import { existsSync, readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRefusalText, addReplies } from '../../src/blocks/addToHandoff.js';
import { askRefusalMessage, askRefusalPlain } from '../../src/blocks/askReplies.js';
import { commandReply, editRefusal } from '../../src/blocks/commandReplies.js';
import {
  outcomeRefusalMessage,
  ownerRefusalMessage,
  ownerRefusalPlain,
  refusalMessage,
  refusalPlain,
} from '../../src/blocks/ephemerals.js';
import { followReplies } from '../../src/blocks/following.js';
import { helpReplies } from '../../src/blocks/helpRequest.js';
import {
  ACTION_ID,
  CALLBACK_ID,
  managerBlockId,
  PROGRAM_BLOCK_ID,
  SHORTCUT_ID,
  settingBlockId,
} from '../../src/blocks/ids.js';
import { myDaysReplies } from '../../src/blocks/myDays.js';
import { partnerReply } from '../../src/blocks/partnerReplies.js';
import { policyEditorModal } from '../../src/blocks/policyEditor.js';
import {
  calendarEditorModal,
  managersEditorModal,
  partnerEditorModal,
  poolEditorModal,
  rolesEditorModal,
} from '../../src/blocks/programEditors.js';
import { exportReplies, parkedReplies } from '../../src/blocks/revopsReplies.js';
import { scoreWeightsModal } from '../../src/blocks/scoreCheck.js';
import { settingsEditorModal } from '../../src/blocks/settingsEditor.js';
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
import {
  type ActorKey,
  ADMIN,
  acceptSubmission,
  click,
  commandFieldsFor,
  dmOf,
  ensureParked,
  expectNotRefused,
  globalShortcut,
  HANDOFF_ACTOR_LABEL,
  HANDOFF_ACTORS,
  HandoffPool,
  HELP_CHANNEL,
  HelpPool,
  handoffRow,
  helpSubmission,
  homeClick,
  homePeriodPick,
  myDaysSubmission,
  nextResellerNames,
  OTHER_ACTOR_LABEL,
  OTHER_ACTORS,
  openedView,
  openHome,
  outboxRow,
  ownerFor,
  type PoolState,
  personEntries,
  REVOPS,
  type Reply,
  refusalText,
  registerReseller,
  replyAt,
  resellerRow,
  type SlackUser,
  settled,
  shown,
  slash,
  startMatrixHarness,
  submitView,
  userFor,
} from '../support/matrix.js';
import { extendSubmission, metadataFor, reassignSubmission } from '../support/ownerFlow.js';
import { lostSubmission, opportunitySubmission, outcomeAction } from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { editorSubmission, modalClick, PROGRAM_REFUSALS, viewOpenedBy } from '../support/programFlow.js';

/**
 * Who may do what: every entry point (button, modal, shortcut, subcommand, App Home) against every kind of actor,
 * through the real app as Slack sends the requests (signed HTTP, one deployment for the whole file). Who is allowed
 * is not written here: it is generated from the app's own tables, read the way the cast below holds its roles:
 * - a handoff action from the lifecycle's table (`TRANSITIONS[action].by`, src/domain/lifecycle.ts) and the roles
 *   each actor has on the handoff (the AE by user and team, the owner, the author, an admin);
 * - a program permission from `PERMISSIONS` (src/domain/permissions.ts), by how the app knows who acts: a slash
 *   command asks users.info (any of our members), a button or a modal goes by its user.team_id, the App Home by id;
 * - "any internal member" where the app names no role.
 * An allowed cell checks the effect (the tables and what the actor sees); the refused cells of an entry check the
 * refusal each actor sees, and, all sent in turn, that no table changed and no view opened (outbox rows aside from
 * the refusal replies). "The matrix covers the app" fails for a permission, an action, modal or shortcut id, or a
 * subcommand with no row here (or, for an id this file does not drive, the test file that pins who may use it).
 */

let h: Harness;
let pool: HandoffPool;
beforeAll(async () => {
  h = await startMatrixHarness();
  pool = new HandoffPool(h);
});
afterAll(async () => {
  await h?.stop();
});

// -----------------------------------------------------------------------------------------------------------------
// Who the cast is, as the app identifies them.

/** Not one of ours by the interaction's own user.team_id (or a command naming another workspace, or none). */
const FOREIGN: readonly ActorKey[] = ['external', 'aeForeignTeam', 'noTeamId'];
const internal = (key: ActorKey) => !FOREIGN.includes(key);

/** The roles an actor has on a handoff owned by `ownerUserId` (none for anyone not of ours). */
function handoffRoles(key: ActorKey, ownerUserId: string): Role[] {
  if (!internal(key)) return [];
  const { id } = userFor(key);
  return (
    [
      ['ae', people.ae.id],
      ['owner', ownerUserId],
      ['author', people.author.id],
      ['admin', ADMIN.id],
    ] as const
  )
    .filter(([, holder]) => holder === id)
    .map(([role]) => role);
}
const holds = (key: ActorKey, ownerUserId: string, roles: readonly Role[]) =>
  handoffRoles(key, ownerUserId).some((r) => roles.includes(r));

/** How the app knows who acts: a slash command asks users.info; a button goes by its user.team_id; the Home by id. */
type Path = 'command' | 'interaction' | 'userId';
const MATRIX_ROLES = { revopsUserIds: [REVOPS.id], adminUserIds: [ADMIN.id] };

/** Whom the permission table grants, read from `PERMISSIONS` (not through `may`, which the app itself calls). */
function granted(permission: Permission, path: Path): ActorKey[] {
  const roles: readonly string[] = PERMISSIONS[permission];
  return OTHER_ACTORS.filter((key) => {
    const { id } = userFor(key);
    const held = [...(id === ADMIN.id ? ['admin'] : []), ...(id === REVOPS.id ? ['revops'] : [])];
    // users.info answers for our members only; an interaction names its team.
    const ours = path === 'userId' || (path === 'command' ? key !== 'external' : internal(key));
    return ours && held.some((r) => roles.includes(r));
  });
}

// -----------------------------------------------------------------------------------------------------------------
// One row per entry point; its cells are generated per actor.

type Verdict = 'allowed' | 'reported' | 'refused' | 'ignored';

interface Seen {
  opens: number;
  pushes: number;
  uploads: number;
  completed: number;
  ownerDm: number;
}

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
  /** What of the app it drives (src/blocks/ids.ts, a subcommand, a permission): "the matrix covers the app". */
  covers: readonly string[];
  actors: readonly ActorKey[];
  verdict(key: ActorKey): Verdict;
  /** Sets up the cell (before the tables are looked at) and says how to send it. */
  cell(key: ActorKey, verdict: Verdict): Promise<Cell>;
}

const uploadStarts = () => h.slack.calls.filter((c) => c.method === 'files.getUploadURLExternal').length;
const completions = () => h.slack.callsTo('files.completeUploadExternal');
const seenNow = (): Seen => ({
  opens: h.slack.callsTo('views.open').length,
  pushes: h.slack.callsTo('views.push').length,
  uploads: uploadStarts(),
  completed: completions().length,
  ownerDm: 0,
});
const noViewSince = (seen: Seen) =>
  expect([
    h.slack.callsTo('views.open').length,
    h.slack.callsTo('views.push').length,
    uploadStarts(),
  ]).toEqual([seen.opens, seen.pushes, seen.uploads]);
const noAnswer = (reply: Reply) => {
  if (reply.via === 'response_url') expect(h.slack.responses.filter((r) => r.url === reply.url)).toEqual([]);
};

/**
 * Runs `each` for every actor: side by side across people, in turn for one person (a refusal by DM is read as the
 * person's next message).
 */
async function eachUser<T extends readonly [ActorKey, ...unknown[]]>(
  items: readonly T[],
  each: (item: T) => Promise<void>,
): Promise<void> {
  const byUser = new Map<string, T[]>();
  for (const item of items)
    byUser.set(userFor(item[0]).id, [...(byUser.get(userFor(item[0]).id) ?? []), item]);
  await Promise.all(
    [...byUser.values()].map(async (mine) => {
      for (const item of mine) await each(item);
    }),
  );
}

/** Every refused (or ignored) actor of a row in turn: each sees its refusal; together they change nothing. */
async function refuseAll(row: Row, keys: readonly [ActorKey, Verdict][]): Promise<void> {
  const cells: [ActorKey, Verdict, Cell][] = [];
  for (const [key, verdict] of keys) cells.push([key, verdict, await row.cell(key, verdict)]);
  await settled(h);
  const before = await snapshot(h);
  const seen = seenNow();
  const ignored: Reply[] = [];
  await eachUser(cells, async ([key, verdict, cell]) => {
    const reply = await cell.act(seen);
    if (verdict === 'ignored') ignored.push(reply);
    else expect(await refusalText(h, reply), key).toBe(cell.refusal);
  });
  await settled(h);
  // A command naming no workspace of ours is another installation's: acknowledged, nobody answered.
  ignored.forEach(noAnswer);
  expect(await snapshot(h)).toEqual(before);
  noViewSince(seen);
}

async function allow(row: Row, key: ActorKey, verdict: Verdict): Promise<void> {
  const cell = await row.cell(key, verdict);
  await settled(h);
  const before = cell.readOnly ? await snapshot(h) : undefined;
  const seen = seenNow();
  const reply = await cell.act(seen);
  await cell.effect(reply, seen);
  await settled(h);
  if (before) expect(await snapshot(h)).toEqual(before);
  if (cell.silentWhenAllowed) noAnswer(reply);
  expectNotRefused(h, reply, cell.refusal);
}

function matrix(title: string, rows: readonly Row[], setup?: () => Promise<void>): void {
  describe(`authorization matrix: ${title}`, () => {
    if (setup) beforeAll(setup);
    for (const row of rows) {
      const label = row.actors === HANDOFF_ACTORS ? HANDOFF_ACTOR_LABEL : OTHER_ACTOR_LABEL;
      const cells = row.actors.map((key) => [key, row.verdict(key)] as [ActorKey, Verdict]);
      const refused = cells.filter(([, v]) => v === 'refused' || v === 'ignored');
      const allowed = cells.filter(([, v]) => v === 'allowed' || v === 'reported');
      describe(`${row.name}: allowed for ${allowed.map(([k, v]) => (v === 'reported' ? `${k} (reports)` : k)).join(', ') || 'nobody'}`, () => {
        if (refused.length > 0)
          it(`refused, changing nothing: ${refused.map(([k, v]) => (v === 'ignored' ? `${k} (ignored)` : k)).join(', ')}`, () =>
            refuseAll(row, refused));
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
const rowsOf = <T extends 'outcomes' | 'decisions'>(table: T, handoffId: number) =>
  h.database.db
    .select()
    .from(h.tables[table])
    .where(eq(h.tables[table].handoffId, handoffId))
    .orderBy(h.tables[table].id);
const dmSays = (userId: string, what: string, ...needles: string[]) =>
  waitFor(() => dmOf(h, userId).some((m) => needles.every((n) => shown(m).includes(n))), 8000, what);

/** One touch-log row of `type` by `user`; then `told` (the owner by default) hears of it by DM. */
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
  if (toldTheAe) await dmSays(people.ae.id, 'the AE told', `#${handoff.id} `, toldTheAe);
  else
    await waitFor(
      () =>
        dmOf(h, handoff.ownerUserId)
          .slice(seen.ownerDm)
          .some((m) => shown(m).includes(handoff.accountName)),
      8000,
      'the owner told',
    );
}

async function modalFor(handoff: HandoffRow, seen: Seen, callbackId: string) {
  const view = await openedView(h, seen.opens, callbackId);
  expect(JSON.parse(view.private_metadata)).toMatchObject({ handoffId: handoff.id });
}

/** A report stored by `user`, waiting for the AE: no step recorded, the AE asked by DM, the partner not told. */
async function reported(handoff: HandoffRow, user: SlackUser, outcome: Outcome) {
  const events = await waitFor(
    async () => {
      // The pool hands the same accepted handoff to the next reporter (a report leaves it as it is): this one's.
      const found = (await eventsOf(handoff.id)).filter(
        (e) =>
          e.type === 'outcome_reported' &&
          e.actorUserId === user.id &&
          (e.detail as { outcome?: string } | null)?.outcome === outcome,
      );
      return found.length > 0 && found;
    },
    4000,
    'the outcome_reported event',
  );
  expect(events).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
  expect((await handoffRow(h, handoff.id)).outcome).toBeNull();
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

/** The refusal as a message (buttons) or as plain text (a modal's inline error), for one of ours or anyone else. */
type Refusal = (handoff: HandoffRow, external: boolean) => string;
const decision: Refusal = (handoff, ext) =>
  refusalMessage(ext ? { kind: 'external' } : { kind: 'not_ae', handoff });
const decisionInline: Refusal = (handoff, ext) =>
  refusalPlain(ext ? { kind: 'external' } : { kind: 'not_ae', handoff });
const owner: Refusal = (handoff, ext) =>
  ownerRefusalMessage(ext ? { kind: 'external' } : { kind: 'not_owner', handoff });
const ownerInline: Refusal = (handoff, ext) =>
  ownerRefusalPlain(ext ? { kind: 'external' } : { kind: 'not_owner', handoff });
const outcome: Refusal = (handoff, ext) =>
  outcomeRefusalMessage(ext ? { kind: 'external' } : { kind: 'not_allowed', handoff });
/** The modal shows it as plain text: no mention, no bold (src/handlers/views/outcomeSubmit.ts). */
const outcomeInline: Refusal = (handoff, ext) =>
  outcome(handoff, ext)
    .replace(/ \(<@[A-Z0-9]+>\)/g, '')
    .replace(/\*/g, '');
const ask =
  (action: 'ask_question' | 'ask_more_time' | 'answer_question', inline = false): Refusal =>
  (handoff, ext) =>
    (inline ? askRefusalPlain : askRefusalMessage)(
      ext ? { kind: 'external' } : { kind: 'not_allowed', handoff, action },
    );

/** The question the AE of this handoff asked (the `asked` pool state has one). */
async function questionIdOf(handoff: HandoffRow): Promise<number> {
  const [question] = await h.database.db
    .select()
    .from(h.tables.questions)
    .where(eq(h.tables.questions.handoffId, handoff.id));
  return question?.id ?? 0;
}

interface HandoffEntry {
  name: string;
  covers: readonly string[];
  /** The lifecycle action the policy (`can`) decides for it: the same table the handlers and renderers use. */
  policy: PersonAction;
  state: PoolState;
  /** Accept, decline and the AE's asks: the payload without user.team_id carries the AE's own id. */
  aeOnly?: boolean;
  /** A button that opens this modal: allowed, it changes nothing yet (and a report opens it too). */
  opens?: string;
  /** Outcomes: whoever may not record the step but report it (`report_outcome`) has a report stored instead. */
  reports?: Outcome;
  act(handoff: HandoffRow, user: SlackUser): Promise<Reply>;
  refusal: Refusal;
  effect?(handoff: HandoffRow, user: SlackUser, seen: Seen): Promise<void>;
}

const outcomeRecorded = (step: Outcome, extra: Record<string, unknown> = {}) =>
  async function effect(handoff: HandoffRow, user: SlackUser, seen: Seen) {
    await changed(handoff, user, seen, step);
    expect((await handoffRow(h, handoff.id)).outcome).toBe(step);
    expect(await rowsOf('outcomes', handoff.id)).toEqual([
      expect.objectContaining({ outcome: step, recordedByUserId: user.id, ...extra }),
    ]);
  };
const clickOn = (actionId: string) => (handoff: HandoffRow, user: SlackUser) =>
  click(h, actionId, String(handoff.id), user);

const HANDOFF_ENTRIES: readonly HandoffEntry[] = [
  {
    // Accept opens the accept modal (a first step, its date, a value); its submission records the accept.
    name: 'Accept button (opens the modal)',
    covers: ['ACTION_ID.accept'],
    policy: 'accept',
    state: 'sent',
    aeOnly: true,
    opens: CALLBACK_ID.accept,
    act: clickOn(ACTION_ID.accept),
    refusal: decision,
  },
  {
    name: 'accept modal submit',
    covers: ['CALLBACK_ID.accept'],
    policy: 'accept',
    state: 'sent',
    aeOnly: true,
    act: (handoff, user) => submitView(h, acceptSubmission(h, handoff, user)),
    refusal: decisionInline,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'accepted');
      expect(await handoffRow(h, handoff.id)).toMatchObject({
        status: 'accepted',
        firstStep: 'Accept the introduction and bring the demo',
        firstStepDue: isoDateIn(h.clock.now(), handoff.aeTimeZone),
        estimatedValue: null,
      });
      expect(await rowsOf('decisions', handoff.id)).toEqual([
        expect.objectContaining({ decision: 'accepted', decidedByUserId: user.id, decidedByTeamId: TEAM }),
      ]);
      // The AE's copy of the packet says so, in place.
      await dmSays(people.ae.id, 'the AE DM updated', `Handoff #${handoff.id} `, '*Accepted*');
    },
  },
  {
    name: 'Decline button (opens the modal)',
    covers: ['ACTION_ID.decline'],
    policy: 'decline',
    state: 'sent',
    aeOnly: true,
    opens: CALLBACK_ID.decline,
    act: clickOn(ACTION_ID.decline),
    refusal: decision,
  },
  {
    name: 'decline modal submit',
    covers: ['CALLBACK_ID.decline'],
    policy: 'decline',
    state: 'sent',
    aeOnly: true,
    act: (handoff, user) =>
      submitView(h, declineSubmission({ handoffId: handoff.id, reason: 'timing', user })),
    refusal: decisionInline,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'declined');
      expect((await handoffRow(h, handoff.id)).status).toBe('declined');
      expect(await rowsOf('decisions', handoff.id)).toEqual([
        expect.objectContaining({ decision: 'declined', reasonCode: 'timing', decidedByUserId: user.id }),
      ]);
    },
  },
  {
    name: 'Reassign button (opens the modal)',
    covers: ['ACTION_ID.reassign'],
    policy: 'reassign',
    state: 'sent',
    opens: CALLBACK_ID.reassign,
    act: clickOn(ACTION_ID.reassign),
    refusal: owner,
  },
  {
    name: 'reassign modal submit',
    covers: ['CALLBACK_ID.reassign'],
    policy: 'reassign',
    state: 'sent',
    act: (handoff, user) =>
      submitView(
        h,
        reassignSubmission({
          privateMetadata: metadataFor(handoff),
          newAeUserId: people.otherAe.id,
          days: '3',
          user,
        }),
      ),
    refusal: ownerInline,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'reassigned');
      expect(await handoffRow(h, handoff.id)).toMatchObject({
        status: 'sent',
        aeUserId: people.otherAe.id,
        assignment: handoff.assignment + 1,
      });
      await dmSays(people.otherAe.id, 'the new AE DM', `Handoff #${handoff.id} `);
    },
  },
  {
    name: 'Extend button (opens the modal)',
    covers: ['ACTION_ID.extend'],
    policy: 'extend',
    state: 'sent',
    opens: CALLBACK_ID.extend,
    act: clickOn(ACTION_ID.extend),
    refusal: owner,
  },
  {
    name: 'extend modal submit',
    covers: ['CALLBACK_ID.extend'],
    policy: 'extend',
    state: 'sent',
    act: (handoff, user) =>
      submitView(h, extendSubmission({ privateMetadata: metadataFor(handoff), days: '2', user })),
    refusal: ownerInline,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'extended');
      const after = await handoffRow(h, handoff.id);
      expect(after.status).toBe('sent');
      expect(after.dueAt.getTime()).toBeGreaterThan(handoff.dueAt.getTime());
    },
  },
  {
    name: 'Withdraw button',
    covers: ['ACTION_ID.withdraw'],
    policy: 'withdraw',
    state: 'sent',
    act: (handoff, user) => click(h, ACTION_ID.withdraw, `${handoff.id}:${handoff.cycle}`, user),
    refusal: owner,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'withdrawn');
      expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    },
  },
  ...(['meeting_held', 'won'] as const).map(
    (step): HandoffEntry => ({
      name: `${step === 'won' ? 'Won' : 'Meeting held'} button`,
      covers: [],
      policy: step,
      state: 'accepted',
      reports: step,
      act: clickOn(outcomeAction(step)),
      refusal: outcome,
      effect: outcomeRecorded(step),
    }),
  ),
  ...(['opportunity_created', 'lost'] as const).map(
    (step): HandoffEntry => ({
      name: `${step === 'lost' ? 'Closed lost' : 'Opportunity created'} button (opens the modal)`,
      covers: [],
      policy: step,
      state: 'accepted',
      // The same modal opens for a report (it says the AE confirms it first).
      opens: step === 'lost' ? CALLBACK_ID.lost : CALLBACK_ID.opportunity,
      reports: step,
      act: clickOn(outcomeAction(step)),
      refusal: outcome,
    }),
  ),
  {
    name: 'opportunity modal submit',
    covers: ['CALLBACK_ID.opportunity'],
    policy: 'opportunity_created',
    state: 'accepted',
    reports: 'opportunity_created',
    act: (handoff, user) =>
      submitView(h, opportunitySubmission({ handoffId: handoff.id, crm: 'OPP-MATRIX-1', user })),
    refusal: outcomeInline,
    effect: outcomeRecorded('opportunity_created', { crmOpportunity: 'OPP-MATRIX-1' }),
  },
  {
    name: 'lost modal submit',
    covers: ['CALLBACK_ID.lost'],
    policy: 'lost',
    state: 'accepted',
    reports: 'lost',
    act: (handoff, user) =>
      submitView(h, lostSubmission({ handoffId: handoff.id, reason: 'timing', note: null, user })),
    refusal: outcomeInline,
    effect: outcomeRecorded('lost', { reasonCode: 'timing' }),
  },
  // Before deciding: the AE asks the author or asks for more time; the author answers; the owner gives more time.
  {
    name: 'Ask the author button (opens the modal)',
    covers: ['ACTION_ID.askQuestion'],
    policy: 'ask_question',
    state: 'sent',
    aeOnly: true,
    opens: CALLBACK_ID.question,
    act: clickOn(ACTION_ID.askQuestion),
    refusal: ask('ask_question'),
  },
  {
    name: 'question modal submit',
    covers: ['CALLBACK_ID.question'],
    policy: 'ask_question',
    state: 'sent',
    aeOnly: true,
    act: (handoff, user) => submitView(h, questionSubmission(handoff.id, 'Who signs?', user)),
    refusal: ask('ask_question', true),
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'question_asked');
      expect(await handoffRow(h, handoff.id)).toMatchObject({ questionOpen: true, pausedAt: h.clock.now() });
    },
  },
  {
    name: 'Need more time button',
    covers: ['ACTION_ID.askMoreTime'],
    policy: 'ask_more_time',
    state: 'sent',
    aeOnly: true,
    act: clickOn(ACTION_ID.askMoreTime),
    refusal: ask('ask_more_time'),
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'more_time_asked');
      expect((await handoffRow(h, handoff.id)).moreTime).toBe('asked');
    },
  },
  {
    name: 'Answer button (opens the modal)',
    covers: ['ACTION_ID.answerQuestion'],
    policy: 'answer_question',
    state: 'asked',
    act: async (handoff, user) =>
      click(h, ACTION_ID.answerQuestion, String(await questionIdOf(handoff)), user),
    refusal: ask('answer_question'),
    async effect(handoff, _user, seen) {
      const view = await openedView(h, seen.opens, CALLBACK_ID.answer);
      expect(JSON.parse(view.private_metadata)).toEqual({ questionId: await questionIdOf(handoff) });
    },
  },
  {
    name: 'answer modal submit',
    covers: ['CALLBACK_ID.answer'],
    policy: 'answer_question',
    state: 'asked',
    act: async (handoff, user) =>
      submitView(h, answerSubmission(await questionIdOf(handoff), 'The CFO.', user)),
    refusal: ask('answer_question', true),
    async effect(handoff, user, seen) {
      // The owner may hear nothing new (their notice updates): the AE is told.
      await changed(handoff, user, seen, 'question_answered', 'The CFO.');
      expect(await handoffRow(h, handoff.id)).toMatchObject({ questionOpen: false, pausedAt: null });
    },
  },
  {
    name: 'Give more time button',
    covers: ['ACTION_ID.grantMoreTime'],
    policy: 'grant_more_time',
    state: 'more_time',
    act: clickOn(ACTION_ID.grantMoreTime),
    refusal: owner,
    async effect(handoff, user, seen) {
      await changed(handoff, user, seen, 'more_time_granted', 'gave you');
      const after = await handoffRow(h, handoff.id);
      expect(after.moreTime).toBe('granted');
      expect(after.dueAt.getTime()).toBeGreaterThan(handoff.dueAt.getTime());
    },
  },
];

const viewerOf = (user: SlackUser) => ({
  actor: { userId: user.id, teamId: user.team_id },
  internalTeamIds: h.app.startup.internalTeamIds,
  adminUserIds: h.config.adminUserIds,
});

function handoffRow_(entry: HandoffEntry): Row {
  const verdict = (key: ActorKey): Verdict => {
    const roles = TRANSITIONS[entry.policy].by;
    if (holds(key, ownerFor(key), roles)) return 'allowed';
    if (entry.reports && holds(key, ownerFor(key), TRANSITIONS.report_outcome.by)) return 'reported';
    return 'refused';
  };
  return {
    name: `${entry.name} (${entry.state})`,
    covers: [...entry.covers, `lifecycle ${entry.policy}`],
    actors: HANDOFF_ACTORS,
    verdict,
    async cell(key, v) {
      const handoff = await pool.get(entry.state, ownerFor(key));
      // A handoff whose AE asked before deciding still waits for them.
      expect(handoff.status).toBe(entry.state === 'accepted' ? 'accepted' : 'sent');
      const user = userFor(key, entry.aeOnly ? people.ae.id : ADMIN.id);
      // The one policy says the same, for this very handoff and person: what the handler does, and whether any
      // message or App Home offers this person the button.
      expect(can(viewerOf(user), entry.policy, handoff, h.clock.now()), key).toBe(v === 'allowed');
      if (entry.reports)
        expect(can(viewerOf(user), 'report_outcome', handoff, h.clock.now()), key).toBe(v === 'reported');
      const { opens, reports, effect } = entry;
      return {
        refusal: entry.refusal(handoff, !internal(key)),
        readOnly: opens !== undefined,
        silentWhenAllowed: true,
        act(seen) {
          seen.ownerDm = dmOf(h, handoff.ownerUserId).length;
          return entry.act(handoff, user);
        },
        effect: (_reply, seen) =>
          opens
            ? modalFor(handoff, seen, opens)
            : v === 'reported' && reports
              ? reported(handoff, user, reports)
              : (effect?.(handoff, user, seen) ?? Promise.resolve()),
      };
    },
  };
}

matrix('actions on a handoff', HANDOFF_ENTRIES.map(handoffRow_));

// -----------------------------------------------------------------------------------------------------------------
// Following a handoff: whoever may view it (their own, or `viewAny`), and nobody outside; "Add to handoff"; help.

const viewers = (path: Path, ownerUserId: string) => (key: ActorKey) =>
  holds(key, ownerUserId, ['ae', 'owner', 'author', 'admin']) || granted('viewAny', path).includes(key);
const anyInternal = (key: ActorKey): Verdict => (internal(key) ? 'allowed' : 'refused');
const byTable =
  (permission: Permission, path: Path, also: readonly ActorKey[] = []) =>
  (key: ActorKey) =>
    granted(permission, path).includes(key) || also.includes(key) ? 'allowed' : 'refused';

const followRows = (
  [
    ['Follow button', 'follow', 'all'],
    ['Follow decisions only button', 'followDecisions', 'decisions'],
    ['Unfollow button', 'unfollow', null],
  ] as const
).map(
  ([name, id, choice]): Row => ({
    name,
    covers: [`ACTION_ID.${id}`],
    actors: HANDOFF_ACTORS,
    verdict: (key) => (viewers('interaction', ownerFor(key))(key) ? 'allowed' : 'refused'),
    async cell(key) {
      const handoff = await pool.get('sent', ownerFor(key));
      const user = userFor(key);
      return {
        refusal: internal(key) ? commandReply.notFound(handoff.id) : followReplies.external(),
        act: () => click(h, ACTION_ID[id], String(handoff.id), user),
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(followReplies.done(handoff.id, choice));
          const rows = await h.database.db
            .select()
            .from(h.tables.handoffFollowers)
            .where(eq(h.tables.handoffFollowers.handoffId, handoff.id));
          expect(rows.find((r) => r.userId === user.id)?.notify ?? null).toBe(choice);
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
    covers: ['CALLBACK_ID.addToHandoff'],
    actors: HANDOFF_ACTORS,
    verdict: (key) => (holds(key, ownerFor(key), ['ae', 'owner', 'author', 'admin']) ? 'allowed' : 'refused'),
    async cell(key, v) {
      const handoff = await pool.get('sent', ownerFor(key));
      const user = userFor(key);
      const text = `Matrix message for ${key}`;
      const message = partnerMessage(text);
      expect(addMessageVerdict(viewerOf(user), handoff) === 'ok').toBe(v === 'allowed');
      const metadata = JSON.stringify({ c: channels.partner.id, ts: message.ts, x: text });
      return {
        refusal: addRefusalText(internal(key) ? 'not_allowed' : 'external', handoff.id),
        act: () => submitView(h, addSubmission({ metadata, handoffId: handoff.id, user })),
        async effect() {
          const mine = (await eventsOf(handoff.id)).filter(
            (e) => e.type === 'message_added' && e.detail?.excerpt === text,
          );
          expect(mine).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
        },
      };
    },
  },
  {
    name: 'Add to handoff shortcut (the modal, or "no open handoff")',
    covers: ['SHORTCUT_ID.addToHandoff'],
    actors: OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      const message = partnerMessage(`Matrix shortcut for ${key}`);
      let triggerId = '';
      return {
        refusal: addReplies.external(),
        readOnly: true,
        async act() {
          const used = await useShortcut(h, { user: userFor(key), channel: channels.partner, message });
          triggerId = used.triggerId;
          return { via: 'response_url', url: used.responseUrl };
        },
        async effect(reply) {
          await waitFor(
            () =>
              h.slack.callsTo('views.open').some((c) => c.args.trigger_id === triggerId) ||
              h.slack.responses.some(
                (r) =>
                  reply.via === 'response_url' && r.url === reply.url && r.body.text === addReplies.none(),
              ),
            4000,
            'the modal, or "no open handoff"',
          );
        },
      };
    },
  },
];

let helpPool: HelpPool;
let asked = 0;
const helpRow = async (id: number) =>
  (await h.database.db.select().from(h.tables.helpRequests).where(eq(h.tables.helpRequests.id, id)))[0];

const helpRows: readonly Row[] = [
  {
    name: '"I\'ll take it" button',
    covers: ['ACTION_ID.helpClaim'],
    actors: OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      const request = await helpPool.get();
      const user = userFor(key);
      return {
        refusal: commandReply.external(),
        silentWhenAllowed: true,
        act: () => click(h, ACTION_ID.helpClaim, String(request.id), user, HELP_CHANNEL),
        async effect() {
          await waitFor(
            async () => (await helpRow(request.id))?.status === 'claimed',
            4000,
            'the request taken',
          );
          const taken = await helpRow(request.id);
          expect(taken).toMatchObject({ claimedByUserId: user.id });
          if (!taken) throw new Error('the request is gone');
          await waitFor(
            () => dmOf(h, people.otherAe.id).some((m) => m.text === helpReplies.claimed(taken)),
            8000,
            'the requester told',
          );
        },
      };
    },
  },
  {
    name: 'Ask for partner help shortcut',
    covers: ['SHORTCUT_ID.helpRequest'],
    actors: OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      return {
        refusal: commandReply.external(),
        readOnly: true,
        act: () => globalShortcut(h, SHORTCUT_ID.helpRequest, userFor(key)),
        effect: async (_reply, seen) => void (await openedView(h, seen.opens, CALLBACK_ID.helpRequest)),
      };
    },
  },
  {
    name: 'partner-help request modal submit',
    covers: ['CALLBACK_ID.helpRequest'],
    actors: OTHER_ACTORS,
    verdict: anyInternal,
    async cell(key) {
      asked += 1;
      const account = `Asked Account ${asked}`;
      const user = userFor(key);
      return {
        refusal: 'Partner-help requests are for the team that runs this app.',
        act: () => submitView(h, helpSubmission(user, account)),
        async effect() {
          const row = (
            await h.database.db.select().from(h.tables.helpRequests).orderBy(h.tables.helpRequests.id)
          ).find((r) => r.accountName === account);
          expect(row).toMatchObject({ status: 'open', requestedByUserId: user.id, requestedByTeamId: TEAM });
          await waitFor(
            () =>
              h.slack
                .messages(HELP_CHANNEL)
                .some((m) => m.text?.startsWith(`Partner help request #${row?.id}:`)),
            8000,
            'the channel post',
          );
        },
      };
    },
  },
];

matrix('following a handoff', followRows);
matrix('Add to handoff', addRows);
matrix('partner-help requests', helpRows, async () => {
  helpPool = new HelpPool(h);
});

// -----------------------------------------------------------------------------------------------------------------
// Slash commands: the app asks users.info who typed it (a command carries no user.team_id). A command that names
// another workspace, or none, is another installation's: ignored before any listener.

const partnerEntries = () =>
  h.database.db
    .select()
    .from(h.tables.programLog)
    .where(eq(h.tables.programLog.kind, 'partner'))
    .orderBy(h.tables.programLog.id);

interface CommandEntry {
  name: string;
  covers?: string;
  /** The subcommand it runs (src/handlers/commands/subcommands.ts); none: `/handoff <account>`. */
  sub?: string;
  permission?: Permission;
  /** Who else may: their own handoff, or named by the row's setup. With no permission, any internal member. */
  also?: (key: ActorKey) => boolean;
  /** The refusal for one of ours without the permission (default: `commandReply.forbidden(permission)`). */
  forbidden?: string;
  readOnly?: boolean;
  prepare(): Promise<{
    text: string;
    effect(reply: Reply, seen: Seen, user: SlackUser): Promise<void>;
    forbidden?: (key: ActorKey) => string;
  }>;
}

const reply = (expected: string | RegExp) => async (r: Reply) => {
  const text = await replyAt(h, r);
  if (typeof expected === 'string') expect(text).toBe(expected);
  else expect(text).toMatch(expected);
};
const opened = (callbackId: string) => async (_r: Reply, seen: Seen) =>
  void (await openedView(h, seen.opens, callbackId));
const followersOf = async (handoffId: number) =>
  (
    await h.database.db
      .select()
      .from(h.tables.handoffFollowers)
      .where(eq(h.tables.handoffFollowers.handoffId, handoffId))
  ).map((r) => [r.userId, r.notify]);
const theirs = viewers('command', people.author.id);
const ownHandoff = (key: ActorKey) => holds(key, people.author.id, ['ae', 'owner', 'author']);

const COMMANDS: readonly CommandEntry[] = [
  {
    name: '/handoff export',
    sub: 'export',
    permission: 'export',
    readOnly: true,
    async prepare() {
      return {
        text: 'export',
        async effect(r, seen, user) {
          await reply(/^Preparing the touch log for handoffs sent from /)(r);
          const done = await waitFor(() => completions()[seen.completed], 8000, 'the CSV upload');
          expect(done.args.channel_id).toBe(h.slack.dmChannelFor(user.id));
        },
      };
    },
  },
  {
    name: '/handoff classify <#> sourced <why>',
    sub: 'classify',
    permission: 'classify',
    async prepare() {
      const handoff = await pool.get('sent', people.author.id);
      expect(handoff.classification).toBe('partner_influenced');
      return {
        text: `classify ${handoff.id} sourced the partner found it`,
        async effect(r, _seen, user) {
          await reply(commandReply.corrected(handoff.id, 'partner_influenced', 'partner_sourced'))(r);
          expect((await handoffRow(h, handoff.id)).classification).toBe('partner_sourced');
          const { classificationCorrections: c } = h.tables;
          expect(await h.database.db.select().from(c).where(eq(c.handoffId, handoff.id))).toEqual([
            expect.objectContaining({ correctedByUserId: user.id, reason: 'the partner found it' }),
          ]);
          expect((await eventsOf(handoff.id)).filter((e) => e.type === 'classification_corrected')).toEqual([
            expect.objectContaining({ actorUserId: user.id }),
          ]);
        },
      };
    },
  },
  {
    name: '/handoff reseller add',
    sub: 'reseller',
    permission: 'resellers',
    async prepare() {
      const { account, reseller } = nextResellerNames();
      return {
        text: `reseller add ${account} | ${reseller}`,
        async effect(r, _seen, user) {
          await reply(commandReply.resellerAdded(account, reseller, true))(r);
          expect(await resellerRow(h, account, reseller)).toMatchObject({ addedByUserId: user.id });
        },
      };
    },
  },
  {
    name: '/handoff reseller remove',
    sub: 'reseller',
    permission: 'resellers',
    async prepare() {
      const { account, reseller } = await registerReseller(h);
      return {
        text: `reseller remove ${account} | ${reseller}`,
        async effect(r) {
          await reply(commandReply.resellerRemoved(account, reseller, true))(r);
          expect(await resellerRow(h, account, reseller)).toBeUndefined();
        },
      };
    },
  },
  {
    name: '/handoff reseller list',
    sub: 'reseller',
    readOnly: true,
    async prepare() {
      const { account, reseller } = await registerReseller(h);
      return { text: `reseller list ${account}`, effect: reply(`• *${account}*: ${reseller}`) };
    },
  },
  {
    name: '/handoff outbox',
    sub: 'outbox',
    permission: 'outbox',
    forbidden: parkedReplies.forbidden('outbox'),
    readOnly: true,
    async prepare() {
      const id = await ensureParked(h);
      return {
        text: 'outbox',
        async effect(r) {
          const text = await replyAt(h, r);
          expect(text).toContain('*1 parked message*');
          expect(text).toContain(`#${id}: chat.postMessage`);
        },
      };
    },
  },
  {
    name: '/handoff outbox retry all',
    sub: 'outbox',
    permission: 'outboxRetry',
    forbidden: parkedReplies.forbidden('outboxRetry'),
    async prepare() {
      const id = await ensureParked(h);
      return {
        text: 'outbox retry all',
        async effect(r) {
          await reply(parkedReplies.requeued(1))(r);
          await waitFor(async () => (await outboxRow(h, id))?.status === 'delivered', 8000, 'sent again');
        },
      };
    },
  },
  {
    // Deals accepted before first steps: none in the pool (every accept names a step).
    name: '/handoff steps',
    sub: 'steps',
    permission: 'firstSteps',
    readOnly: true,
    prepare: async () => ({
      text: 'steps',
      effect: reply('Every accepted deal with no outcome yet has a first step. Nothing to ask.'),
    }),
  },
  {
    // Which CRM serves the workspace (the matrix runs on an OAuth install, where a workspace connects its own).
    name: '/handoff crm',
    sub: 'crm',
    permission: 'crm',
    readOnly: true,
    prepare: async () => ({ text: 'crm', effect: reply(/\*No CRM is connected for this workspace:\*/) }),
  },
  {
    // The list of where a person appears (read-only); the erasure itself is the same permission.
    name: '/handoff erase',
    sub: 'erase',
    permission: 'erase',
    readOnly: true,
    prepare: async () => ({
      text: 'erase Nobody Matrixperson',
      effect: reply(/Erasure of a person named by a name: 0 row\(s\) name them\.[\s\S]*Nothing changed\./),
    }),
  },
  {
    name: '/handoff <account> (opens the packet)',
    covers: 'CALLBACK_ID.packet',
    readOnly: true,
    prepare: async () => ({ text: 'Matrix Packet Account', effect: opened(CALLBACK_ID.packet) }),
  },
  {
    name: '/handoff partners',
    sub: 'partners',
    permission: 'partners',
    readOnly: true,
    async prepare() {
      // A handoff sent with a partner: the directory lists it.
      await pool.get('sent', people.author.id);
      return { text: 'partners', effect: reply(/\*Meridian Cloud Consulting\*/) };
    },
  },
  {
    // Allowed: past the check, the channel is not one the directory knows (nothing to change).
    name: '/handoff partners confirm #channel',
    sub: 'partners',
    permission: 'partnerChannels',
    readOnly: true,
    prepare: async () => ({
      text: 'partners confirm <#C0MATRIXNONE|nowhere>',
      effect: reply(
        partnerReply.invalid('That is not a partner channel the directory knows. Name it as #channel.'),
      ),
    }),
  },
  {
    name: '/handoff partners managers <partner> | @someone',
    sub: 'partners',
    permission: 'partners',
    async prepare() {
      await pool.get('sent', people.author.id);
      return {
        text: `partners managers Meridian Cloud Consulting | <@${people.otherAe.id}|sam>`,
        async effect(r) {
          expect(await replyAt(h, r)).toContain(`partner manager <@${people.otherAe.id}>`);
          expect((await partnerEntries()).at(-1)?.body).toEqual({ managers: [people.otherAe.id] });
        },
      };
    },
  },
  {
    // What they are told: RevOps or admins, and the partner's own managers (the AE, named here first).
    name: '/handoff partners notify <partner> | decisions',
    sub: 'partners',
    permission: 'partners',
    also: (key) => key === 'ae',
    async prepare() {
      await pool.get('sent', people.author.id);
      const named = await slash(h, `partners managers Meridian Cloud Consulting | ${people.ae.id}`, {
        user_id: ADMIN.id,
        team_id: TEAM,
      });
      expect(await replyAt(h, named)).toContain(`<@${people.ae.id}>`);
      await settled(h);
      return {
        text: 'partners notify Meridian Cloud Consulting | decisions',
        async effect(r) {
          expect(await replyAt(h, r)).toContain('(told of decisions only)');
          const body = { managers: [people.ae.id], notify: 'decisions' };
          expect((await partnerEntries()).at(-1)?.body).toEqual(body);
        },
      };
    },
  },
  {
    // Whoever wrote, owns or answers it, and `viewAny`; anyone else is told no such handoff exists.
    name: "/handoff view <#> (someone else's handoff)",
    sub: 'view',
    permission: 'viewAny',
    also: ownHandoff,
    readOnly: true,
    async prepare() {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `view ${handoff.id}`,
        forbidden: () => commandReply.notFound(handoff.id),
        async effect(_r, seen) {
          const call = await waitFor(() => h.slack.callsTo('views.open')[seen.opens], 4000, 'the view modal');
          expect((call.args.view as { title: { text: string } }).title.text).toBe(`Handoff #${handoff.id}`);
        },
      };
    },
  },
  {
    // The author, the owner or an admin (the lifecycle's `edit`); someone who may view it is told why not.
    name: '/handoff edit <#>',
    covers: 'lifecycle edit',
    sub: 'edit',
    also: (key) => holds(key, people.author.id, TRANSITIONS.edit.by),
    readOnly: true,
    async prepare() {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `edit ${handoff.id}`,
        forbidden: (key) =>
          theirs(key)
            ? editRefusal({ kind: 'refused', verdict: 'not_allowed', handoff }, handoff.id)
            : commandReply.notFound(handoff.id),
        async effect(_r, seen) {
          const view = await openedView(h, seen.opens, CALLBACK_ID.packet);
          expect(JSON.parse(view.private_metadata)).toMatchObject({ editOf: handoff.id });
        },
      };
    },
  },
  {
    name: '/handoff follow <#> (themselves)',
    sub: 'follow',
    permission: 'viewAny',
    also: ownHandoff,
    async prepare() {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `follow ${handoff.id}`,
        forbidden: () => commandReply.notFound(handoff.id),
        async effect(r, _seen, user) {
          await reply(followReplies.done(handoff.id, 'all'))(r);
          expect(await followersOf(handoff.id)).toContainEqual([user.id, 'all']);
        },
      };
    },
  },
  {
    name: '/handoff unfollow <#> (themselves)',
    sub: 'unfollow',
    permission: 'viewAny',
    also: ownHandoff,
    async prepare() {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `unfollow ${handoff.id}`,
        forbidden: () => commandReply.notFound(handoff.id),
        async effect(r, _seen, user) {
          await reply(followReplies.done(handoff.id, null))(r);
          expect((await followersOf(handoff.id)).map(([id]) => id)).not.toContain(user.id);
        },
      };
    },
  },
  {
    // An admin names someone else (Sam) to follow a handoff; Sam is told.
    name: '/handoff follow <#> @person',
    sub: 'follow',
    permission: 'followersFor',
    async prepare() {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `follow ${handoff.id} <@${people.otherAe.id}|sam> decisions`,
        async effect(r) {
          await reply(followReplies.named(handoff.id, people.otherAe.id, 'decisions'))(r);
          expect(await followersOf(handoff.id)).toContainEqual([people.otherAe.id, 'decisions']);
        },
      };
    },
  },
  {
    name: '/handoff help',
    sub: 'help',
    readOnly: true,
    prepare: async () => ({
      text: 'help',
      async effect(r, _seen, user) {
        // Each person is offered the commands they may use: RevOps' and admins' only to them.
        const revops = h.config.revopsUserIds.includes(user.id);
        const admin = h.config.adminUserIds.includes(user.id);
        const text = await replyAt(h, r);
        expect(text).toBe(helpFor(h.config, user.id));
        const offered = (needle: string) => text.includes(needle);
        for (const needle of ['/handoff export', '*For RevOps:*', 'and the trust metrics'])
          expect(offered(needle), needle).toBe(revops || admin);
        // Admins: the partner channels, the outbox, the CRM (an OAuth install), where the program is edited, pausing
        // and naming followers for someone else.
        for (const needle of [
          '/handoff partners channel',
          '/handoff outbox',
          '/handoff crm',
          '*For admins:*',
          '*App Home → The program*',
          '/handoff pause @person',
          '/handoff follow <#> @person',
        ])
          expect(offered(needle), needle).toBe(admin);
        expect(offered('/handoff follow <#>`')).toBe(true);
      },
    }),
  },
  {
    name: '/handoff list',
    sub: 'list',
    readOnly: true,
    prepare: async () => ({
      text: 'list',
      effect: reply(/^(Your open handoffs: \d+|None of your handoffs is open\.)/),
    }),
  },
  {
    name: '/handoff ask (opens the request modal)',
    sub: 'ask',
    readOnly: true,
    prepare: async () => ({ text: 'ask Matrix Ask Account', effect: opened(CALLBACK_ID.helpRequest) }),
  },
  {
    name: '/handoff cover (opens the cover modal)',
    covers: 'CALLBACK_ID.cover',
    sub: 'cover',
    readOnly: true,
    prepare: async () => ({ text: 'cover', effect: opened(CALLBACK_ID.cover) }),
  },
  {
    // Anyone of ours pauses their own pools (none here: it is noted all the same).
    name: '/handoff pause',
    sub: 'pause',
    prepare: async () => ({
      text: 'pause',
      async effect(r, _seen, user) {
        expect(await replyAt(h, r)).toContain('You are in no pool now');
        const entry = (await personEntries(h, user.id)).at(-1);
        expect(entry).toMatchObject({ actor: user.id, body: { paused: 'until_resumed' } });
      },
    }),
  },
  {
    name: '/handoff resume',
    sub: 'resume',
    prepare: async () => ({
      text: 'resume',
      async effect(r, _seen, user) {
        // Paused by the row above, or never: either way, not paused now.
        const said = await replyAt(h, r);
        expect([myDaysReplies.resumed([], false), myDaysReplies.notPaused()]).toContain(said);
        expect((await personEntries(h, user.id)).at(-1)?.body ?? null).toBeNull();
      },
    }),
  },
  {
    // An admin pauses someone else (Sam, in no pool here: noted all the same, Sam told).
    name: '/handoff pause @person',
    sub: 'pause',
    permission: 'pauseOthers',
    prepare: async () => ({
      text: `pause <@${people.otherAe.id}|sam> until 2099-12-18`,
      async effect(r, _seen, user) {
        await reply(myDaysReplies.pausedOther(people.otherAe.id, '2099-12-18', [], false))(r);
        const entry = (await personEntries(h, people.otherAe.id)).at(-1);
        expect(entry).toMatchObject({ actor: user.id, body: { paused: '2099-12-18' } });
      },
    }),
  },
];

const commandRows = COMMANDS.map(
  (row): Row => ({
    name: row.name,
    covers: [row.sub && `/handoff ${row.sub}`, row.permission, row.covers].filter((c) => c !== undefined),
    actors: OTHER_ACTORS,
    verdict(key) {
      if (!internal(key)) return 'ignored';
      const byRole = row.permission ? byTable(row.permission, 'command')(key) === 'allowed' : !row.also;
      return byRole || row.also?.(key) ? 'allowed' : 'refused';
    },
    async cell(key) {
      const { text, effect, forbidden } = await row.prepare();
      const fields = commandFieldsFor(key);
      return {
        refusal:
          forbidden?.(key) ??
          row.forbidden ??
          (row.permission ? commandReply.forbidden(row.permission) : commandReply.external()),
        ...(row.readOnly ? { readOnly: true } : {}),
        act: () => slash(h, text, fields),
        effect: (r, seen) => effect(r, seen, { id: fields.user_id }),
      };
    },
  }),
);

matrix('slash commands', commandRows);

// -----------------------------------------------------------------------------------------------------------------
// The App Home: the export button, the metrics, "Your days" (each their own), the score against outcomes. Buttons go
// by their user.team_id and have no response_url (refusals come by DM); app_home_opened and the period picker name
// only the user (by id: the external and "foreign team" events come with the partner's team id).

const homeButton = (
  name: string,
  covers: readonly string[],
  verdict: (key: ActorKey) => Verdict,
  refusal: string,
  act: (user: SlackUser) => Promise<Reply>,
  effect: (user: SlackUser, seen: Seen) => Promise<void>,
  readOnly = true,
): Row => ({
  name,
  covers,
  actors: OTHER_ACTORS,
  verdict,
  async cell(key) {
    const user = userFor(key);
    return { refusal, readOnly, act: () => act(user), effect: (_r, seen) => effect(user, seen) };
  },
});

/** The program's log, newest last. */
const programEntries = () => h.database.db.select().from(h.tables.programLog).orderBy(h.tables.programLog.id);

/** The title of the view opened since `seen`. */
const openedTitled = async (seen: Seen, title: string) => {
  const call = await waitFor(() => h.slack.callsTo('views.open')[seen.opens], 4000, title);
  expect((call.args.view as { title: { text: string } }).title.text).toBe(title);
};

/** A refused editor's submission closes the modal and tells the person by DM. */
async function submitOrDm(user: SlackUser, payload: unknown, allowed: boolean): Promise<Reply> {
  const dms = dmOf(h, user.id).length;
  const r = await submitView(h, payload);
  if (allowed) return r;
  expect(r).toEqual({ via: 'inline', body: {} });
  return { via: 'dm', userId: user.id, before: dms };
}

const homeRows: readonly Row[] = [
  homeButton(
    'App Home Export button',
    ['ACTION_ID.homeExport', 'export'],
    byTable('export', 'interaction'),
    exportReplies.forbidden(),
    (user) => homeClick(h, ACTION_ID.homeExport, '30d', user),
    async (user, seen) => {
      const done = await waitFor(() => completions()[seen.completed], 8000, 'the CSV upload');
      expect(done.args.channel_id).toBe(h.slack.dmChannelFor(user.id));
    },
  ),
  homeButton(
    'Edit my days button (App Home)',
    ['ACTION_ID.myDays'],
    anyInternal,
    myDaysReplies.external(),
    (user) => homeClick(h, ACTION_ID.myDays, 'edit', user),
    (_user, seen) => opened(CALLBACK_ID.myDays)({ via: 'inline', body: {} }, seen),
  ),
  homeButton(
    '"Your days" modal submit (each their own)',
    ['CALLBACK_ID.myDays'],
    anyInternal,
    myDaysReplies.external(),
    (user) => submitView(h, myDaysSubmission(user, [1, 2, 4])),
    async (user) => {
      const entry = (await personEntries(h, user.id)).at(-1);
      expect(entry).toMatchObject({ actor: user.id, body: { workingDays: [1, 2, 4] } });
    },
    false,
  ),
  homeButton(
    'App Home "Score against outcomes"',
    ['ACTION_ID.scoreCheck', 'scoreCheck'],
    byTable('scoreCheck', 'interaction'),
    SCORE_REFUSALS.view,
    (user) => homeClick(h, ACTION_ID.scoreCheck, '90d', user),
    (_user, seen) => openedTitled(seen, 'Score against outcomes'),
  ),
];

let scoreCells = 0;
const scoreWeightsRow: Row = {
  name: "The score's weights, saved",
  covers: ['CALLBACK_ID.scoreWeights', 'scoreWeights'],
  actors: OTHER_ACTORS,
  verdict: byTable('scoreWeights', 'interaction'),
  async cell(key, v) {
    const user = userFor(key);
    // A weight of its own per cell: an allowed save always changes the part.
    scoreCells += 1;
    const weights = { ...DEFAULT_WEIGHTS, proof: ((scoreCells % 3) + 1) as 1 | 2 | 3, owner: 2 as const };
    return {
      refusal: `${SCORE_REFUSALS.weights} Nothing was saved.`,
      act: () => submitOrDm(user, editorSubmission(user, scoreWeightsModal(weights)), v === 'allowed'),
      async effect(r) {
        expect(r).toEqual({ via: 'inline', body: {} });
        const entry = (await programEntries()).filter((e) => e.kind === 'scoring').at(-1);
        expect(entry).toMatchObject({ kind: 'scoring', actor: user.id, body: { weights } });
      },
    };
  },
};

matrix('App Home', [...homeRows, scoreWeightsRow], async () => {
  // Something to measure.
  await pool.get('accepted', people.author.id);
});

const blocksOf = (call: { args: Record<string, unknown> }) =>
  JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
const metrics = granted('metrics', 'userId');

/** What the App Home shows each actor (by user id), and that looking changes nothing. */
const SHOWN: readonly {
  name: string;
  shown: (key: ActorKey) => boolean;
  look(user: SlackUser): Promise<string>;
  check(blocks: string, shown: boolean): void;
}[] = [
  {
    name: 'App Home "Program metrics" (app_home_opened)',
    shown: (key) => metrics.includes(key),
    look: async (user) => blocksOf(await openHome(h, user.id, user.team_id ?? TEAM)),
    check(blocks, yes) {
      expect(blocks.includes('*Program metrics*')).toBe(yes);
      expect(blocks.includes(ACTION_ID.homeExport)).toBe(yes);
      if (!yes) expect(blocks).not.toContain(ACTION_ID.homePeriod);
    },
  },
  {
    // A forged pick by someone without the role must not reveal the metrics.
    name: 'App Home period picker (forged by anyone)',
    shown: (key) => metrics.includes(key),
    look: async (user) => blocksOf(await homePeriodPick(h, '90d', user)),
    check(blocks, yes) {
      expect(blocks.includes('*Program metrics*')).toBe(yes);
      expect(blocks.includes(ACTION_ID.homeExport)).toBe(yes);
      if (yes) expect(blocks).toContain('"value":"90d"');
    },
  },
  {
    name: 'App Home "Your days" (everyone of ours, by user id)',
    shown: (key) => key !== 'external',
    look: async (user) => blocksOf(await openHome(h, user.id, user.team_id ?? TEAM)),
    check(blocks, yes) {
      expect(blocks.includes('*Your days*')).toBe(yes);
      expect(blocks.includes(ACTION_ID.myDays)).toBe(yes);
    },
  },
];

describe('authorization matrix: what the App Home shows', () => {
  for (const row of SHOWN) {
    const to = OTHER_ACTORS.filter(row.shown);
    it(`${row.name}: shown to ${to.join(', ')}, and to nobody else; nothing changed`, async () => {
      await settled(h);
      const before = await snapshot(h);
      await eachUser(
        OTHER_ACTORS.map((key) => [key] as const),
        async ([key]) => {
          const blocks = await row.look(userFor(key));
          try {
            row.check(blocks, to.includes(key));
          } catch (error) {
            throw new Error(`${OTHER_ACTOR_LABEL[key]}: ${String(error)}`);
          }
        },
      );
      await settled(h);
      expect(await snapshot(h)).toEqual(before);
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// The program's pages and editors: App Home → "The program". Each part's permission is its table's; a pool's own
// managers also edit their pool (Mo, `member`), a partner's its notices (Olu, `ownerNotAuthor`). Refusals come by DM;
// a refused submission closes the modal. Last in the file: its edits change the program the rows above run on.

const POOL_MANAGER: ActorKey = 'member';
const PARTNER_MANAGER: ActorKey = 'ownerNotAuthor';
let matrixPartnerId = 0;
const MATRIX_POOL = { name: 'Matrix pool', users: [people.otherAe.id], managers: [people.member.id] };
const MATRIX_POLICY = { name: 'Matrix', levels: [{ at: 'due', action: 'notify', to: ['manager'] }] };
/** The matrix partner's part at start: Olu manages it, and hears nothing. */
const MATRIX_PARTNER = { name: 'Matrix Partners', managers: [people.owner.id], notify: 'off' as const };

interface ProgramPart {
  name: string;
  permission: Permission;
  also?: ActorKey;
}
const part = (name: string, permission: Permission, also?: ActorKey): ProgramPart => ({
  name,
  permission,
  ...(also ? { also } : {}),
});
const programVerdict = (p: ProgramPart) => byTable(p.permission, 'interaction', p.also ? [p.also] : []);

/** The pages: each opens (views.open) for whom may read it. */
const PAGES = [
  { ...part('pools', 'pools', POOL_MANAGER), title: 'Pools' },
  { ...part('policies', 'policies'), title: 'Escalation policies' },
  { ...part('history', 'policies'), title: 'Program history' },
  { ...part('partners', 'partners', PARTNER_MANAGER), title: 'Partners' },
  { ...part('calendar', 'program'), title: 'Closures and holidays' },
  { ...part('roles', 'program'), title: 'Roles and managers' },
  // Admins and RevOps read every group (RevOps edit the packets' and the reporting's).
  { ...part('settings', 'policies'), title: 'Settings' },
];

/** Edit (or New) on a page: the part's editor is pushed (views.push); every group of settings has its editor. */
const EDITS = [
  { ...part('a pool', 'pools', POOL_MANAGER), value: 'pool:matrix', title: 'Edit pool' },
  { ...part('a new pool', 'pools'), value: 'pool:', title: 'New pool' },
  { ...part('a policy', 'policies'), value: 'policy:matrix', title: 'Edit policy' },
  { ...part('a new policy', 'policies'), value: 'policy:', title: 'New policy' },
  { ...part('the calendar', 'program'), value: 'calendar:-', title: 'Closures and holidays' },
  { ...part('the roles', 'program'), value: 'roles:-', title: 'Roles' },
  { ...part('a partner', 'partners', PARTNER_MANAGER), value: 'partner:matrix', title: 'Partner' },
  { ...part('the managers', 'program'), value: 'managers:-', title: 'Managers' },
  ...(Object.keys(SETTINGS_GROUPS) as SettingsGroup[]).map((group) => ({
    ...part(`the settings "${group}"`, SETTINGS_GROUPS[group].permission),
    value: `settings:${group}`,
    title: SETTINGS_GROUPS[group].short,
  })),
];

/** A number of days of each actor's own (none a default): an allowed settings cell writes something new. */
const SETTING_DAYS = Object.fromEntries(OTHER_ACTORS.map((key, i) => [key, 11 + i])) as Record<
  ActorKey,
  number
>;

/** An editor's submission with answers of this actor's own, and what the program's log holds after it. */
const SUBMITS: readonly (ProgramPart & {
  submission(user: SlackUser, key: ActorKey): unknown;
  written(key: ActorKey): { kind: string; key: string; body: unknown };
})[] = [
  {
    ...part('a pool', 'pools', POOL_MANAGER),
    submission: (user, key) =>
      editorSubmission(
        user,
        poolEditorModal({
          id: 'matrix',
          ...MATRIX_POOL,
          members: MATRIX_POOL.users,
          defaultCap: 10,
          admin: true,
        }),
        { [PROGRAM_BLOCK_ID.cap]: key === 'admin' ? '7' : '8' },
      ),
    written: (key) => ({
      kind: 'pool',
      key: 'matrix',
      body: { ...MATRIX_POOL, cap: key === 'admin' ? 7 : 8 },
    }),
  },
  {
    ...part('a new pool', 'pools'),
    submission: (user) =>
      editorSubmission(
        user,
        poolEditorModal({ name: '', members: [], defaultCap: 10, managers: [], admin: true }),
        {
          [PROGRAM_BLOCK_ID.id]: 'matrix-new',
          [PROGRAM_BLOCK_ID.members]: [people.otherAe.id],
        },
      ),
    written: () => ({ kind: 'pool', key: 'matrix-new', body: { users: [people.otherAe.id] } }),
  },
  {
    ...part('a policy', 'policies'),
    submission: (user, key) =>
      editorSubmission(
        user,
        policyEditorModal({
          id: 'matrix',
          ...MATRIX_POLICY,
          pools: [{ id: 'matrix', name: MATRIX_POOL.name }],
          partners: [],
          routedPartners: [],
          routedPools: [],
          openCount: 0,
        }),
        { [PROGRAM_BLOCK_ID.name]: `Matrix by ${key}` },
      ),
    written: (key) => ({
      kind: 'policy',
      key: 'matrix',
      body: { ...MATRIX_POLICY, name: `Matrix by ${key}` },
    }),
  },
  {
    ...part('the calendar', 'program'),
    submission: (user) =>
      editorSubmission(user, calendarEditorModal({ closures: [], holidays: 'by_zone' }), {
        [PROGRAM_BLOCK_ID.closures]: '2026-12-24',
      }),
    written: () => ({ kind: 'closures', key: '-', body: ['2026-12-24'] }),
  },
  {
    ...part('the roles', 'program'),
    submission: (user) =>
      editorSubmission(user, rolesEditorModal({ admins: [ADMIN.id], revops: [REVOPS.id] }), {
        [PROGRAM_BLOCK_ID.revops]: [REVOPS.id, people.otherAe.id],
      }),
    written: () => ({
      kind: 'roles',
      key: '-',
      body: { admin: { users: [ADMIN.id] }, revops: { users: [REVOPS.id, people.otherAe.id] } },
    }),
  },
  {
    ...part('the managers', 'program'),
    submission: (user) =>
      editorSubmission(user, managersEditorModal({}), {
        [managerBlockId(0, 'ae')]: people.otherAe.id,
        [managerBlockId(0, 'manager')]: people.owner.id,
      }),
    written: () => ({ kind: 'managers', key: '-', body: { [people.otherAe.id]: people.owner.id } }),
  },
  {
    // Each allowed cell writes something new: its manager what they hear (the managers input of RevOps' editor,
    // added to theirs, is not theirs to change); an admin and RevOps what they hear and who they are.
    ...part('a partner', 'partners', PARTNER_MANAGER),
    submission: (user, key) =>
      editorSubmission(
        user,
        partnerEditorModal({ id: matrixPartnerId, ...MATRIX_PARTNER, contacts: [], mayManagers: true }),
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
    written: (key) => ({
      kind: 'partner',
      key: String(matrixPartnerId),
      body:
        key === 'revops'
          ? { managers: [people.owner.id, people.otherAe.id], notify: 'decisions' }
          : key === 'admin'
            ? { managers: [people.ae.id] }
            : { managers: [people.owner.id], notify: 'decisions' },
    }),
  },
  // A group's editor: the other settings the program holds are kept, so the body is matched on this one alone.
  ...(
    [
      ['window', 'stallBusinessDays', 0],
      ['packets', 'conflictLookbackDays', 30],
    ] as const
  ).map(([group, setting, base]) => ({
    ...part(`the settings "${group}"`, SETTINGS_GROUPS[group].permission),
    submission: (user: SlackUser, key: ActorKey) =>
      editorSubmission(user, settingsEditorModal(group, settingsValues({})), {
        [settingBlockId(setting)]: String(base + SETTING_DAYS[key]),
      }),
    written: (key: ActorKey) => ({
      kind: 'settings',
      key: '-',
      body: expect.objectContaining({ [setting]: base + SETTING_DAYS[key] }),
    }),
  })),
];

const PROGRAM_ROWS: readonly Row[] = [
  ...PAGES.map(
    (page): Row =>
      homeButton(
        `Program page "${page.name}" (App Home button)`,
        ['ACTION_ID.programOpen', page.permission],
        programVerdict(page),
        PROGRAM_REFUSALS.notYours,
        (user) => homeClick(h, `${ACTION_ID.programOpen}:${page.name}`, page.name, user),
        (_user, seen) => openedTitled(seen, page.title),
      ),
  ),
  ...EDITS.map(
    (edit): Row => ({
      name: `Program Edit ${edit.name} (${edit.value}, on a page)`,
      covers: ['ACTION_ID.programEdit', edit.permission],
      actors: OTHER_ACTORS,
      verdict: programVerdict(edit),
      async cell(key) {
        const user = userFor(key);
        // A trigger of the page the button is on (a modal the fake does not hold: the editor starts a stack).
        const triggerId = h.slack.issueTriggerId({ viewId: 'V0PROGRAMPAGE' });
        const value = edit.value === 'partner:matrix' ? `partner:${matrixPartnerId}` : edit.value;
        return {
          refusal: PROGRAM_REFUSALS.notYours,
          readOnly: true,
          async act() {
            const dms = dmOf(h, user.id).length;
            const response = await h.interact(
              modalClick({ actionId: ACTION_ID.programEdit, value, user, triggerId }),
            );
            expect(response.status).toBe(200);
            return { via: 'dm', userId: user.id, before: dms };
          },
          async effect() {
            const view = await viewOpenedBy(h, 'views.push', triggerId);
            expect(view).toMatchObject({ callback_id: CALLBACK_ID.programPart, title: { text: edit.title } });
          },
        };
      },
    }),
  ),
  ...SUBMITS.map(
    (submit): Row => ({
      name: `Program editor submit, ${submit.name}`,
      covers: ['CALLBACK_ID.programPart', submit.permission],
      actors: OTHER_ACTORS,
      verdict: programVerdict(submit),
      async cell(key, v) {
        const user = userFor(key);
        return {
          refusal: PROGRAM_REFUSALS.forbidden,
          act: () => submitOrDm(user, submit.submission(user, key), v === 'allowed'),
          async effect(r) {
            // Saved: the editor shows its page again (it was opened on none here).
            expect(r).toMatchObject({ via: 'inline', body: { response_action: 'update' } });
            const written = submit.written(key);
            const entry = (await programEntries()).filter((e) => e.kind === written.kind).at(-1);
            expect(entry).toMatchObject({ ...written, actor: user.id });
          },
        };
      },
    }),
  ),
];

matrix('the program', PROGRAM_ROWS, async () => {
  // The AE managed the directory's partner for the commands above: a partner manager opens the partners' page.
  const cleared = await slash(h, 'partners managers Meridian Cloud Consulting | none', {
    user_id: ADMIN.id,
    team_id: TEAM,
  });
  expect(await replyAt(h, cleared)).not.toContain(people.ae.id);
  const partner = await h.database.db.transaction((tx) =>
    ensurePartner(tx, MATRIX_PARTNER.name, h.clock.now()),
  );
  matrixPartnerId = partner.id;
  const { managers, notify } = MATRIX_PARTNER;
  const written = await h.app.program.editMany([
    { actor: ADMIN.id, kind: 'pool', key: 'matrix', body: MATRIX_POOL },
    { actor: ADMIN.id, kind: 'policy', key: 'matrix', body: MATRIX_POLICY },
    { actor: ADMIN.id, kind: 'partner', key: String(partner.id), body: { managers, notify } },
  ]);
  expect(written).toMatchObject({ ok: true, changed: true });
});

// -----------------------------------------------------------------------------------------------------------------
// The matrix covers the app: a new permission, lifecycle action, id or subcommand fails here until it has a row (or,
// for an id this file does not drive, names the test file that pins who may use it and how they are refused).

/** Ids driven by other files: each is pinned there (the file must name it). */
const ELSEWHERE: Record<string, string> = {
  'ACTION_ID.packetSuggest': 'test/integration/handOffShortcut.test.ts',
  'ACTION_ID.newStepDate': 'test/integration/afterAcceptLife.test.ts',
  'ACTION_ID.handBack': 'test/integration/handBack.test.ts',
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
  'ACTION_ID.reviewKeep': 'test/integration/authorizationMatrixReviews.test.ts',
  'ACTION_ID.reviewChange': 'test/integration/authorizationMatrixReviews.test.ts',
  'ACTION_ID.value': 'test/integration/ownerActions.test.ts',
  'CALLBACK_ID.review': 'test/integration/hostile/viewSubmissions.property.test.ts',
  'CALLBACK_ID.note': 'test/integration/edit.test.ts',
  'CALLBACK_ID.nextMove': 'test/integration/heldBack.test.ts',
  'CALLBACK_ID.stepDate': 'test/integration/firstStepChecks.test.ts',
  'CALLBACK_ID.attributionReview': 'test/integration/authorizationMatrixReviews.test.ts',
  'CALLBACK_ID.crmConnect': 'test/integration/twoWorkspaces.test.ts',
  'SHORTCUT_ID.handOff': 'test/support/handOffFlow.ts',
  'lifecycle decline_report': 'test/integration/lifecycle.property.test.ts',
  'lifecycle undo_outcome': 'test/integration/lifecycle.property.test.ts',
  'lifecycle name_step': 'test/unit/domain/lifecycle.test.ts',
  'lifecycle new_step_date': 'test/integration/lifecycle.property.test.ts',
  'lifecycle hand_back': 'test/integration/lifecycle.property.test.ts',
};

const ALL_ROWS: readonly Row[] = [
  ...HANDOFF_ENTRIES.map(handoffRow_),
  ...followRows,
  ...addRows,
  ...helpRows,
  ...commandRows,
  ...homeRows,
  scoreWeightsRow,
  ...PROGRAM_ROWS,
];

describe('authorization matrix: the matrix covers the app', () => {
  // The App Home's looks (above): its period picker and the metrics.
  const covered = new Set([...ALL_ROWS.flatMap((row) => row.covers), 'ACTION_ID.homePeriod', 'metrics']);
  const outcomeSteps = HANDOFF_ENTRIES.flatMap((e) => (e.reports ? [`lifecycle ${e.policy}`] : []));
  const ids = [
    ...Object.keys(ACTION_ID).map((k) => `ACTION_ID.${k}`),
    ...Object.keys(CALLBACK_ID).map((k) => `CALLBACK_ID.${k}`),
    ...Object.keys(SHORTCUT_ID).map((k) => `SHORTCUT_ID.${k}`),
    ...SUBCOMMANDS.map((s) => `/handoff ${s.name}`),
    ...(Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[])
      .filter((e) => !TRANSITIONS[e].by.includes('app'))
      .map((e) => `lifecycle ${e}`),
    ...PERMISSION_NAMES,
  ];

  it.each(ids)('%s: has a row, or names the file that pins it', (id) => {
    const file = ELSEWHERE[id];
    if (covered.has(id) || (id === 'lifecycle report_outcome' && outcomeSteps.length > 0)) {
      expect(file, `${id} has a row here: not elsewhere`).toBeUndefined();
      return;
    }
    expect(file, `no matrix row for ${id}`).toBeDefined();
    expect(existsSync(file as string), file).toBe(true);
    const [group, key] = id.startsWith('lifecycle ') ? ['', id.slice(10)] : id.split('.');
    expect(readFileSync(file as string, 'utf8')).toContain(group ? `${group}.${key}` : key);
  });

  it('names no id that the app does not have', () => {
    expect(Object.keys(ELSEWHERE).filter((id) => !ids.includes(id))).toEqual([]);
  });

  // The permission table's reading here agrees with the app's own `may`, for every permission and path.
  it.each(PERMISSION_NAMES)('%s: whom the table grants is whom `may` allows', (permission) => {
    for (const key of OTHER_ACTORS) {
      const user = userFor(key);
      const viaInteraction = may(
        MATRIX_ROLES,
        { actor: { userId: user.id, teamId: user.team_id }, internalTeamIds: [TEAM] },
        permission,
      );
      expect(granted(permission, 'interaction').includes(key), key).toBe(viaInteraction);
      expect(granted(permission, 'userId').includes(key), key).toBe(may(MATRIX_ROLES, user.id, permission));
    }
  });
});
