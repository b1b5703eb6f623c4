import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRefusalText, addReplies } from '../../src/blocks/addToHandoff.js';
import { askRefusalMessage, askRefusalPlain } from '../../src/blocks/askReplies.js';
import { commandReply } from '../../src/blocks/commandReplies.js';
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
import { can, type PersonAction } from '../../src/domain/lifecycle.js';
import { addMessageVerdict } from '../../src/domain/messageLinks.js';
import type { Outcome } from '../../src/domain/outcomes.js';
import { may, PERMISSION_NAMES, PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { DEFAULT_WEIGHTS } from '../../src/domain/scoreWeights.js';
import { SCORE_REFUSALS } from '../../src/handlers/actions/scoreCheck.js';
import { helpFor } from '../../src/handlers/commands/subcommands.js';
import { SETTINGS_GROUPS, type SettingsGroup, settingsValues } from '../../src/program/settings.js';
import { addSubmission, storedMessage, useShortcut } from '../support/addToHandoffFlow.js';
import { answerSubmission, questionSubmission } from '../support/askFlow.js';
import { dbSnapshot as snapshot } from '../support/dbSnapshot.js';
import { type Harness, waitFor } from '../support/harness.js';
import {
  ACTOR_KEYS,
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
 * Who may do what, cell by cell: every action against every kind of actor, through the real app as Slack sends the
 * requests. An allowed cell checks the effect (the tables and what the actor sees); a refused cell checks the
 * refusal the actor sees and that no table changed (outbox rows aside from the refusal reply included).
 *
 * Spec (docs/lifecycle.md "Who may act", owner actions, outcomes, "RevOps"):
 * - Accept, the accept modal, Decline, the decline modal: the AE only (same user id and team id), while open.
 * - Reassign, Extend (buttons and modals), Withdraw: the owner or an admin (internal).
 * - Outcomes (meeting held, won, opportunity and lost modals): recorded by the AE or an admin (internal), accepted;
 *   the owner or the author reports one instead (stored for the AE to confirm; nothing recorded, the partner not told).
 * - Before deciding (issue 51): Ask the author, its modal and Need more time: the AE only, while open; Answer and its
 *   modal: the author only, while the AE's question waits; Give more time: the owner or an admin, once asked.
 * - "I'll take it", the partner-help shortcut and modal: any internal member.
 * - "Add to handoff" (issue 52 item 5): the message shortcut, any internal member; Add on its modal, the AE, the owner,
 *   the author or an admin, while the handoff is open.
 * - Export (command, App Home button): RevOps or admins (internal). classify, reseller add/remove: RevOps or admins;
 *   reseller list: any internal member. outbox, outbox retry: admins. Any command by an external user: refused.
 * - The partner directory (`/handoff partners`): RevOps or admins; its channels (`partners channel|confirm`): admins.
 * - Partner managers (issue 53 item 6): `partners managers`, RevOps or admins; `partners notify`, they and the
 *   partner's own managers. Follow, Follow decisions only, Unfollow: whoever may view the handoff (as View), never
 *   anyone outside.
 * - `/handoff view <#>`: whoever wrote, owns or answers the handoff (or had it go to their cover while away), and
 *   RevOps or admins.
 * - App Home "Program metrics": RevOps and admins only.
 * Each program-level permission (src/domain/permissions.ts) has a case here: "the permission table" below fails for one
 * without, and for a case that allows other people than the table grants.
 */

/**
 * Cells where the app does not do what the spec says: run with `it.fails` (so the suite stays green while the
 * deviation stands) and listed in the report. Key: `<family> / <action> / <actor key>`.
 */
const DEVIATIONS = new Map<string, string>();

function cell(family: string, action: string, key: ActorKey) {
  return DEVIATIONS.has(`${family} / ${action} / ${key}`) ? it.fails : it;
}

/** Not one of ours by the interaction's own user.team_id. */
const INTERACTION_EXTERNAL: readonly ActorKey[] = ['external', 'aeForeignTeam', 'noTeamId'];
const isExternalInteraction = (key: ActorKey) => INTERACTION_EXTERNAL.includes(key);

interface Seen {
  opens: number;
  uploads: number;
  ownerDm: number;
}

/** The actors whose command names another workspace than ours, or none. */
const FOREIGN_COMMAND: readonly ActorKey[] = ['external', 'aeForeignTeam', 'noTeamId'];

interface CellPlan {
  allowed: boolean;
  act(seen: Seen): Promise<Reply>;
  /** The refusal this actor would get. */
  refusal: string;
  /** When allowed: waits for the effect and checks it (tables and what the actor sees). */
  effect(reply: Reply, seen: Seen): Promise<void>;
  /** Allowed, and yet nothing to store: a modal opens or an answer is shown. */
  readOnly?: boolean;
  /** A button in a message: allowed, it answers with no ephemeral at all. */
  silentWhenAllowed?: boolean;
  /**
   * Not this installation's request (issue 50 item 24): a command naming no workspace of ours is acknowledged and
   * ignored before any listener, so nobody is answered and nothing is stored.
   */
  ignored?: boolean;
}

const uploadStarts = (h: Harness) => h.slack.calls.filter((c) => c.method === 'files.getUploadURLExternal');
const completions = (h: Harness) => h.slack.callsTo('files.completeUploadExternal');

async function runCell(h: Harness, plan: CellPlan): Promise<void> {
  await settled(h);
  const before = await snapshot(h);
  const seen: Seen = {
    opens: h.slack.callsTo('views.open').length,
    uploads: uploadStarts(h).length,
    ownerDm: 0,
  };
  const reply = await plan.act(seen);
  if (plan.allowed) {
    await plan.effect(reply, seen);
    await settled(h);
    if (plan.readOnly) expect(await snapshot(h)).toEqual(before);
    if (plan.silentWhenAllowed && reply.via === 'response_url') {
      expect(h.slack.responses.filter((r) => r.url === reply.url)).toEqual([]);
    }
    expectNotRefused(h, reply, plan.refusal);
  } else if (plan.ignored) {
    await settled(h);
    if (reply.via === 'response_url')
      expect(h.slack.responses.filter((r) => r.url === reply.url)).toEqual([]);
    expect(await snapshot(h)).toEqual(before);
    expect(h.slack.callsTo('views.open')).toHaveLength(seen.opens);
    expect(uploadStarts(h)).toHaveLength(seen.uploads);
  } else {
    expect(await refusalText(h, reply)).toBe(plan.refusal);
    await settled(h);
    expect(await snapshot(h)).toEqual(before);
    expect(h.slack.callsTo('views.open')).toHaveLength(seen.opens);
    expect(uploadStarts(h)).toHaveLength(seen.uploads);
  }
}

// -----------------------------------------------------------------------------------------------------------------
// Actions on a handoff.

const eventsOf = async (h: Harness, handoffId: number) =>
  await h.database.db
    .select()
    .from(h.tables.handoffEvents)
    .where(eq(h.tables.handoffEvents.handoffId, handoffId))
    .orderBy(h.tables.handoffEvents.id);

/** A state change by `user`: one touch-log row of that type with them as the actor, and the owner told by DM. */
async function changed(h: Harness, handoff: HandoffRow, user: SlackUser, seen: Seen, type: string) {
  const events = await waitFor(
    async () => {
      const found = (await eventsOf(h, handoff.id)).filter((e) => e.type === type);
      return found.length > 0 && found;
    },
    4000,
    `the ${type} event`,
  );
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actorUserId: user.id, actorTeamId: TEAM });
  await waitFor(
    () =>
      dmOf(h, handoff.ownerUserId)
        .slice(seen.ownerDm)
        .some((m) => shown(m).includes(handoff.accountName)),
    8000,
    'the owner told',
  );
}

async function modalFor(h: Harness, handoff: HandoffRow, seen: Seen, callbackId: string) {
  const view = await openedView(h, seen.opens, callbackId);
  expect(JSON.parse(view.private_metadata)).toMatchObject({ handoffId: handoff.id });
}

interface HandoffAction {
  name: string;
  /** The lifecycle action the policy (`can`) decides for it: the same table the handlers and renderers use. */
  policy: PersonAction;
  state: PoolState;
  allowed: readonly ActorKey[];
  /** Accept and decline: the payload without user.team_id carries the AE's own id. */
  aeOnly?: boolean;
  /** A button that opens a modal: allowed, it changes nothing yet. */
  opensModal?: boolean;
  /**
   * Outcomes: these actors may not record the step (`policy`) but report it (`report_outcome`): their click is
   * accepted and stores a report for the AE to confirm (`reportEffect`), nothing the partner reads.
   */
  reportedBy?: readonly ActorKey[];
  reportEffect?(h: Harness, handoff: HandoffRow, user: SlackUser, seen: Seen): Promise<void>;
  act(h: Harness, handoff: HandoffRow, user: SlackUser): Promise<Reply>;
  refusal(handoff: HandoffRow, external: boolean): string;
  effect(h: Harness, handoff: HandoffRow, user: SlackUser, seen: Seen): Promise<void>;
}

const AE_ONLY: readonly ActorKey[] = ['ae'];
const OWNER_OR_ADMIN: readonly ActorKey[] = ['ownerAuthor', 'ownerNotAuthor', 'admin'];
const AE_OR_ADMIN: readonly ActorKey[] = ['ae', 'admin'];
/** Owners and authors report an outcome for the AE to confirm. */
const REPORTERS: readonly ActorKey[] = ['ownerAuthor', 'ownerNotAuthor', 'authorNotOwner'];

/** A report stored by `user`, waiting for the AE: no step recorded, the AE asked by DM, the partner not told. */
async function reported(h: Harness, handoff: HandoffRow, user: SlackUser, outcome: Outcome) {
  const events = await waitFor(
    async () => {
      // The pool hands the same accepted handoff to the next reporter (a report leaves it as it is): this one's.
      const found = (await eventsOf(h, handoff.id)).filter(
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
  expect(
    await h.database.db.select().from(h.tables.outcomes).where(eq(h.tables.outcomes.handoffId, handoff.id)),
  ).toEqual([]);
  // One report waits per handoff: this one; an earlier reporter's was replaced by it.
  const waiting = await h.database.db
    .select()
    .from(h.tables.outcomeReports)
    .where(
      and(eq(h.tables.outcomeReports.handoffId, handoff.id), eq(h.tables.outcomeReports.status, 'pending')),
    );
  expect(waiting).toEqual([expect.objectContaining({ outcome, reportedByUserId: user.id })]);
  await waitFor(
    () =>
      dmOf(h, handoff.aeUserId).some(
        (m) => shown(m).includes(`Handoff #${handoff.id} `) && shown(m).includes('reports *'),
      ),
    8000,
    'the AE asked to confirm',
  );
}

const decisionRefusal = (handoff: HandoffRow, external: boolean) =>
  refusalMessage(external ? { kind: 'external' } : { kind: 'not_ae', handoff });
const decisionRefusalInline = (handoff: HandoffRow, external: boolean) =>
  refusalPlain(external ? { kind: 'external' } : { kind: 'not_ae', handoff });
const ownerRefusal = (handoff: HandoffRow, external: boolean) =>
  ownerRefusalMessage(external ? { kind: 'external' } : { kind: 'not_owner', handoff });
const ownerRefusalInline = (handoff: HandoffRow, external: boolean) =>
  ownerRefusalPlain(external ? { kind: 'external' } : { kind: 'not_owner', handoff });
const outcomeRefusal = (handoff: HandoffRow, external: boolean) =>
  outcomeRefusalMessage(external ? { kind: 'external' } : { kind: 'not_allowed', handoff });
/** The modal shows it as plain text: no mention, no bold (src/handlers/views/outcomeSubmit.ts). */
const outcomeRefusalInline = (handoff: HandoffRow, external: boolean) =>
  outcomeRefusal(handoff, external)
    .replace(/ \(<@[A-Z0-9]+>\)/g, '')
    .replace(/\*/g, '');

function outcomeClick(outcome: Outcome): HandoffAction {
  return {
    name: `${outcome === 'meeting_held' ? 'Meeting held' : 'Won'} button`,
    policy: outcome,
    state: 'accepted',
    allowed: AE_OR_ADMIN,
    reportedBy: REPORTERS,
    reportEffect: (h, handoff, user) => reported(h, handoff, user, outcome),
    act: (h, handoff, user) => click(h, outcomeAction(outcome), String(handoff.id), user),
    refusal: outcomeRefusal,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, outcome);
      expect((await handoffRow(h, handoff.id)).outcome).toBe(outcome);
      const steps = await h.database.db
        .select()
        .from(h.tables.outcomes)
        .where(eq(h.tables.outcomes.handoffId, handoff.id))
        .orderBy(h.tables.outcomes.id);
      expect(steps).toEqual([expect.objectContaining({ outcome, recordedByUserId: user.id })]);
    },
  };
}

function outcomeModalButton(outcome: 'opportunity_created' | 'lost'): HandoffAction {
  return {
    name: `${outcome === 'lost' ? 'Closed lost' : 'Opportunity created'} button (opens the modal)`,
    policy: outcome,
    state: 'accepted',
    allowed: AE_OR_ADMIN,
    reportedBy: REPORTERS,
    // The same modal opens for a report (it says the AE confirms it first).
    reportEffect: (h, handoff, _user, seen) =>
      modalFor(h, handoff, seen, outcome === 'lost' ? CALLBACK_ID.lost : CALLBACK_ID.opportunity),
    opensModal: true,
    act: (h, handoff, user) => click(h, outcomeAction(outcome), String(handoff.id), user),
    refusal: outcomeRefusal,
    effect: (h, handoff, _user, seen) =>
      modalFor(h, handoff, seen, outcome === 'lost' ? CALLBACK_ID.lost : CALLBACK_ID.opportunity),
  };
}

/** The authors of a handoff: the owner who wrote it, or the author who made someone else owner. */
const AUTHORS: readonly ActorKey[] = ['ownerAuthor', 'authorNotOwner'];

const askRefusal =
  (action: 'ask_question' | 'ask_more_time' | 'answer_question') =>
  (handoff: HandoffRow, external: boolean) =>
    askRefusalMessage(external ? { kind: 'external' } : { kind: 'not_allowed', handoff, action });
const askRefusalInline =
  (action: 'ask_question' | 'answer_question') => (handoff: HandoffRow, external: boolean) =>
    askRefusalPlain(external ? { kind: 'external' } : { kind: 'not_allowed', handoff, action });

/** The question the AE of this handoff asked (the `asked` pool state has one). */
async function questionIdOf(h: Harness, handoff: HandoffRow): Promise<number> {
  const [question] = await h.database.db
    .select()
    .from(h.tables.questions)
    .where(eq(h.tables.questions.handoffId, handoff.id));
  return question?.id ?? 0;
}

/** A touch-log row of `type` by `user`, and the AE told by DM: the owner may hear nothing new (their notice updates). */
async function toldTheAe(h: Harness, handoff: HandoffRow, user: SlackUser, type: string, needle: string) {
  const events = await waitFor(
    async () => {
      const found = (await eventsOf(h, handoff.id)).filter((e) => e.type === type);
      return found.length > 0 && found;
    },
    4000,
    `the ${type} event`,
  );
  expect(events).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
  await waitFor(
    () =>
      dmOf(h, people.ae.id).some((m) => shown(m).includes(`#${handoff.id} `) && shown(m).includes(needle)),
    8000,
    'the AE told',
  );
}

/** Before deciding (issue 51): the AE asks the author or asks for more time; the author answers; the owner gives. */
const ASK_ACTIONS: readonly HandoffAction[] = [
  {
    name: 'Ask the author button (opens the modal)',
    policy: 'ask_question',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    opensModal: true,
    act: (h, handoff, user) => click(h, ACTION_ID.askQuestion, String(handoff.id), user),
    refusal: askRefusal('ask_question'),
    effect: (h, handoff, _user, seen) => modalFor(h, handoff, seen, CALLBACK_ID.question),
  },
  {
    name: 'question modal submit',
    policy: 'ask_question',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    act: (h, handoff, user) => submitView(h, questionSubmission(handoff.id, 'Who signs?', user)),
    refusal: askRefusalInline('ask_question'),
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'question_asked');
      expect(await handoffRow(h, handoff.id)).toMatchObject({ questionOpen: true, pausedAt: h.clock.now() });
    },
  },
  {
    name: 'Need more time button',
    policy: 'ask_more_time',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    act: (h, handoff, user) => click(h, ACTION_ID.askMoreTime, String(handoff.id), user),
    refusal: askRefusal('ask_more_time'),
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'more_time_asked');
      expect((await handoffRow(h, handoff.id)).moreTime).toBe('asked');
    },
  },
  {
    name: 'Answer button (opens the modal)',
    policy: 'answer_question',
    state: 'asked',
    allowed: AUTHORS,
    opensModal: true,
    act: async (h, handoff, user) =>
      click(h, ACTION_ID.answerQuestion, String(await questionIdOf(h, handoff)), user),
    refusal: askRefusal('answer_question'),
    effect: async (h, handoff, _user, seen) => {
      const view = await openedView(h, seen.opens, CALLBACK_ID.answer);
      expect(JSON.parse(view.private_metadata)).toEqual({ questionId: await questionIdOf(h, handoff) });
    },
  },
  {
    name: 'answer modal submit',
    policy: 'answer_question',
    state: 'asked',
    allowed: AUTHORS,
    act: async (h, handoff, user) =>
      submitView(h, answerSubmission(await questionIdOf(h, handoff), 'The CFO.', user)),
    refusal: askRefusalInline('answer_question'),
    async effect(h, handoff, user) {
      await toldTheAe(h, handoff, user, 'question_answered', 'The CFO.');
      expect(await handoffRow(h, handoff.id)).toMatchObject({ questionOpen: false, pausedAt: null });
    },
  },
  {
    name: 'Give more time button',
    policy: 'grant_more_time',
    state: 'more_time',
    allowed: OWNER_OR_ADMIN,
    act: (h, handoff, user) => click(h, ACTION_ID.grantMoreTime, String(handoff.id), user),
    refusal: ownerRefusal,
    async effect(h, handoff, user) {
      await toldTheAe(h, handoff, user, 'more_time_granted', 'gave you');
      const after = await handoffRow(h, handoff.id);
      expect(after.moreTime).toBe('granted');
      expect(after.dueAt.getTime()).toBeGreaterThan(handoff.dueAt.getTime());
    },
  },
];

const HANDOFF_ACTIONS: readonly HandoffAction[] = [
  {
    // Issue 51 item 1: Accept opens the accept modal (the first step, its date, an estimated value); its submission
    // records the accept. The click is still the AE's alone: anyone else is refused at once, and no modal opens.
    name: 'Accept button (opens the modal)',
    policy: 'accept',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    opensModal: true,
    act: (h, handoff, user) => click(h, ACTION_ID.accept, String(handoff.id), user),
    refusal: decisionRefusal,
    effect: (h, handoff, _user, seen) => modalFor(h, handoff, seen, CALLBACK_ID.accept),
  },
  {
    name: 'accept modal submit',
    policy: 'accept',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    act: (h, handoff, user) => submitView(h, acceptSubmission(h, handoff, user)),
    refusal: decisionRefusalInline,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'accepted');
      expect(await handoffRow(h, handoff.id)).toMatchObject({
        status: 'accepted',
        firstStep: 'Accept the introduction and bring the demo',
        firstStepDue: isoDateIn(h.clock.now(), handoff.aeTimeZone),
        estimatedValue: null,
      });
      expect(
        await h.database.db
          .select()
          .from(h.tables.decisions)
          .where(eq(h.tables.decisions.handoffId, handoff.id))
          .orderBy(h.tables.decisions.id),
      ).toEqual([
        expect.objectContaining({ decision: 'accepted', decidedByUserId: user.id, decidedByTeamId: TEAM }),
      ]);
      // The AE's copy of the packet says so, in place.
      await waitFor(
        () =>
          dmOf(h, people.ae.id).some(
            (m) => shown(m).includes(`Handoff #${handoff.id} `) && shown(m).includes('*Accepted*'),
          ),
        8000,
        'the AE DM updated',
      );
    },
  },
  {
    name: 'Decline button (opens the modal)',
    policy: 'decline',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    opensModal: true,
    act: (h, handoff, user) => click(h, ACTION_ID.decline, String(handoff.id), user),
    refusal: decisionRefusal,
    effect: (h, handoff, _user, seen) => modalFor(h, handoff, seen, CALLBACK_ID.decline),
  },
  {
    name: 'decline modal submit',
    policy: 'decline',
    state: 'sent',
    allowed: AE_ONLY,
    aeOnly: true,
    act: (h, handoff, user) =>
      submitView(h, declineSubmission({ handoffId: handoff.id, reason: 'timing', user })),
    refusal: decisionRefusalInline,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'declined');
      expect((await handoffRow(h, handoff.id)).status).toBe('declined');
      expect(
        await h.database.db
          .select()
          .from(h.tables.decisions)
          .where(eq(h.tables.decisions.handoffId, handoff.id))
          .orderBy(h.tables.decisions.id),
      ).toEqual([
        expect.objectContaining({ decision: 'declined', reasonCode: 'timing', decidedByUserId: user.id }),
      ]);
    },
  },
  {
    name: 'Reassign button (opens the modal)',
    policy: 'reassign',
    state: 'sent',
    allowed: OWNER_OR_ADMIN,
    opensModal: true,
    act: (h, handoff, user) => click(h, ACTION_ID.reassign, String(handoff.id), user),
    refusal: ownerRefusal,
    effect: (h, handoff, _user, seen) => modalFor(h, handoff, seen, CALLBACK_ID.reassign),
  },
  {
    name: 'reassign modal submit',
    policy: 'reassign',
    state: 'sent',
    allowed: OWNER_OR_ADMIN,
    act: (h, handoff, user) =>
      submitView(
        h,
        reassignSubmission({
          privateMetadata: metadataFor(handoff),
          newAeUserId: people.otherAe.id,
          days: '3',
          user,
        }),
      ),
    refusal: ownerRefusalInline,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'reassigned');
      expect(await handoffRow(h, handoff.id)).toMatchObject({
        status: 'sent',
        aeUserId: people.otherAe.id,
        assignment: handoff.assignment + 1,
      });
      await waitFor(
        () => dmOf(h, people.otherAe.id).some((m) => shown(m).includes(`Handoff #${handoff.id} `)),
        8000,
        'the new AE DM',
      );
    },
  },
  {
    name: 'Extend button (opens the modal)',
    policy: 'extend',
    state: 'sent',
    allowed: OWNER_OR_ADMIN,
    opensModal: true,
    act: (h, handoff, user) => click(h, ACTION_ID.extend, String(handoff.id), user),
    refusal: ownerRefusal,
    effect: (h, handoff, _user, seen) => modalFor(h, handoff, seen, CALLBACK_ID.extend),
  },
  {
    name: 'extend modal submit',
    policy: 'extend',
    state: 'sent',
    allowed: OWNER_OR_ADMIN,
    act: (h, handoff, user) =>
      submitView(h, extendSubmission({ privateMetadata: metadataFor(handoff), days: '2', user })),
    refusal: ownerRefusalInline,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'extended');
      const after = await handoffRow(h, handoff.id);
      expect(after.status).toBe('sent');
      expect(after.dueAt.getTime()).toBeGreaterThan(handoff.dueAt.getTime());
    },
  },
  {
    name: 'Withdraw button',
    policy: 'withdraw',
    state: 'sent',
    allowed: OWNER_OR_ADMIN,
    act: (h, handoff, user) => click(h, ACTION_ID.withdraw, `${handoff.id}:${handoff.cycle}`, user),
    refusal: ownerRefusal,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'withdrawn');
      expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    },
  },
  outcomeClick('meeting_held'),
  outcomeClick('won'),
  outcomeModalButton('opportunity_created'),
  outcomeModalButton('lost'),
  {
    name: 'opportunity modal submit',
    policy: 'opportunity_created',
    state: 'accepted',
    allowed: AE_OR_ADMIN,
    reportedBy: REPORTERS,
    reportEffect: (h, handoff, user) => reported(h, handoff, user, 'opportunity_created'),
    act: (h, handoff, user) =>
      submitView(h, opportunitySubmission({ handoffId: handoff.id, crm: 'OPP-MATRIX-1', user })),
    refusal: outcomeRefusalInline,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'opportunity_created');
      expect((await handoffRow(h, handoff.id)).outcome).toBe('opportunity_created');
      expect(
        await h.database.db
          .select()
          .from(h.tables.outcomes)
          .where(eq(h.tables.outcomes.handoffId, handoff.id))
          .orderBy(h.tables.outcomes.id),
      ).toEqual([expect.objectContaining({ crmOpportunity: 'OPP-MATRIX-1', recordedByUserId: user.id })]);
    },
  },
  {
    name: 'lost modal submit',
    policy: 'lost',
    state: 'accepted',
    allowed: AE_OR_ADMIN,
    reportedBy: REPORTERS,
    reportEffect: (h, handoff, user) => reported(h, handoff, user, 'lost'),
    act: (h, handoff, user) =>
      submitView(h, lostSubmission({ handoffId: handoff.id, reason: 'timing', note: null, user })),
    refusal: outcomeRefusalInline,
    async effect(h, handoff, user, seen) {
      await changed(h, handoff, user, seen, 'lost');
      expect((await handoffRow(h, handoff.id)).outcome).toBe('lost');
      expect(
        await h.database.db
          .select()
          .from(h.tables.outcomes)
          .where(eq(h.tables.outcomes.handoffId, handoff.id))
          .orderBy(h.tables.outcomes.id),
      ).toEqual([
        expect.objectContaining({ outcome: 'lost', reasonCode: 'timing', recordedByUserId: user.id }),
      ]);
    },
  },
  ...ASK_ACTIONS,
];

describe('authorization matrix: actions on a handoff', () => {
  let h: Harness;
  let pool: HandoffPool;
  beforeAll(async () => {
    h = await startMatrixHarness();
    pool = new HandoffPool(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  for (const action of HANDOFF_ACTIONS) {
    const reporters = action.reportedBy ?? [];
    const who = `allowed for ${action.allowed.join(', ')}${reporters.length > 0 ? `; reported by ${reporters.join(', ')}` : ''}`;
    describe(`${action.name} (${action.state}): ${who}`, () => {
      for (const key of HANDOFF_ACTORS) {
        const reports = reporters.includes(key);
        const allowed = action.allowed.includes(key) || reports;
        cell(
          'handoff',
          action.name,
          key,
        )(
          `${HANDOFF_ACTOR_LABEL[key]}: ${reports ? 'reported' : allowed ? 'allowed' : 'refused'}`,
          async () => {
            const handoff = await pool.get(action.state, ownerFor(key));
            // A handoff whose AE asked before deciding still waits for them.
            expect(handoff.status).toBe(action.state === 'accepted' ? 'accepted' : 'sent');
            const user = userFor(key, action.aeOnly ? people.ae.id : ADMIN.id);
            // The one policy says the same as the matrix, for this very handoff and person: what the handler does
            // below, and whether any message or App Home offers this person the button.
            const viewer = {
              actor: { userId: user.id, teamId: user.team_id },
              internalTeamIds: h.app.startup.internalTeamIds,
              adminUserIds: h.config.adminUserIds,
            };
            expect(can(viewer, action.policy, handoff, h.clock.now())).toBe(allowed && !reports);
            if (action.reportedBy)
              expect(can(viewer, 'report_outcome', handoff, h.clock.now())).toBe(reports);
            await runCell(h, {
              allowed,
              refusal: action.refusal(handoff, isExternalInteraction(key)),
              readOnly: action.opensModal,
              silentWhenAllowed: true,
              act(seen) {
                seen.ownerDm = dmOf(h, handoff.ownerUserId).length;
                return action.act(h, handoff, user);
              },
              effect: (_reply, seen) =>
                reports && action.reportEffect
                  ? action.reportEffect(h, handoff, user, seen)
                  : action.effect(h, handoff, user, seen),
            });
          },
        );
      }
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// Following a handoff (issue 53 item 6): whoever may view it (`/handoff view`'s rules), and nobody outside.

/** By the click's own user.team_id: the AE, its owner and author, RevOps and admins. */
const FOLLOW_ALLOWED: readonly ActorKey[] = [
  'ae',
  'ownerAuthor',
  'ownerNotAuthor',
  'authorNotOwner',
  'admin',
  'revops',
];

const FOLLOW_BUTTONS = [
  { name: 'Follow button', actionId: ACTION_ID.follow, choice: 'all' },
  { name: 'Follow decisions only button', actionId: ACTION_ID.followDecisions, choice: 'decisions' },
  { name: 'Unfollow button', actionId: ACTION_ID.unfollow, choice: null },
] as const;

describe('authorization matrix: following a handoff', () => {
  let h: Harness;
  let pool: HandoffPool;
  beforeAll(async () => {
    h = await startMatrixHarness();
    pool = new HandoffPool(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  for (const button of FOLLOW_BUTTONS) {
    describe(`${button.name}: allowed for ${FOLLOW_ALLOWED.join(', ')}`, () => {
      for (const key of HANDOFF_ACTORS) {
        const allowed = FOLLOW_ALLOWED.includes(key);
        cell(
          'follow',
          button.name,
          key,
        )(`${HANDOFF_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          const handoff = await pool.get('sent', ownerFor(key));
          const user = userFor(key);
          const rowOf = async () =>
            (
              await h.database.db
                .select()
                .from(h.tables.handoffFollowers)
                .where(eq(h.tables.handoffFollowers.handoffId, handoff.id))
            ).find((r) => r.userId === user.id);
          await runCell(h, {
            allowed,
            refusal: isExternalInteraction(key)
              ? followReplies.external()
              : commandReply.notFound(handoff.id),
            act: () => click(h, button.actionId, String(handoff.id), user),
            async effect(reply) {
              expect(await replyAt(h, reply)).toBe(followReplies.done(handoff.id, button.choice));
              expect((await rowOf())?.notify ?? null).toBe(button.choice);
            },
          });
        });
      }
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// Partner-help requests: "I'll take it", the shortcut and the request modal.

const ANY_INTERNAL: readonly ActorKey[] = [
  'ae',
  'ownerAuthor',
  'ownerNotAuthor',
  'member',
  'admin',
  'revops',
];

describe('authorization matrix: partner-help requests', () => {
  let h: Harness;
  let pool: HelpPool;
  let asked = 0;
  beforeAll(async () => {
    h = await startMatrixHarness();
    pool = new HelpPool(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const rowOf = async (id: number) =>
    (
      await h.database.db
        .select()
        .from(h.tables.helpRequests)
        .where(eq(h.tables.helpRequests.id, id))
        .orderBy(h.tables.helpRequests.id)
    )[0];

  const ROWS: readonly {
    name: string;
    plan(key: ActorKey, user: SlackUser, allowed: boolean): Promise<CellPlan>;
  }[] = [
    {
      name: '"I\'ll take it" button',
      async plan(_key, user, allowed) {
        const request = await pool.get();
        return {
          allowed,
          refusal: commandReply.external(),
          silentWhenAllowed: true,
          act: () => click(h, ACTION_ID.helpClaim, String(request.id), user, HELP_CHANNEL),
          async effect() {
            await waitFor(
              async () => (await rowOf(request.id))?.status === 'claimed',
              4000,
              'the request taken',
            );
            expect(await rowOf(request.id)).toMatchObject({ claimedByUserId: user.id });
            const taken = await rowOf(request.id);
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
      async plan(_key, user, allowed) {
        return {
          allowed,
          refusal: commandReply.external(),
          readOnly: true,
          act: () => globalShortcut(h, SHORTCUT_ID.helpRequest, user),
          effect: async (_reply, seen) => {
            await openedView(h, seen.opens, CALLBACK_ID.helpRequest);
          },
        };
      },
    },
    {
      name: 'partner-help request modal submit',
      async plan(_key, user, allowed) {
        asked += 1;
        const account = `Asked Account ${asked}`;
        return {
          allowed,
          refusal: 'Partner-help requests are for the team that runs this app.',
          act: () => submitView(h, helpSubmission(user, account)),
          async effect() {
            const row = (
              await h.database.db.select().from(h.tables.helpRequests).orderBy(h.tables.helpRequests.id)
            ).find((r) => r.accountName === account);
            expect(row).toMatchObject({
              status: 'open',
              requestedByUserId: user.id,
              requestedByTeamId: TEAM,
            });
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

  for (const row of ROWS) {
    describe(`${row.name}: allowed for any internal member`, () => {
      for (const key of OTHER_ACTORS) {
        const allowed = ANY_INTERNAL.includes(key);
        cell(
          'help',
          row.name,
          key,
        )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          await runCell(h, await row.plan(key, userFor(key), allowed));
        });
      }
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// "Add to handoff" (issue 52 item 5): the message shortcut, and Add on its modal (domain/messageLinks.ts: the AE, the
// owner, the author or an admin, while the handoff is open; the shortcut itself, any internal member).

const ADD_ALLOWED: readonly ActorKey[] = ['ae', 'ownerAuthor', 'ownerNotAuthor', 'authorNotOwner', 'admin'];

describe('authorization matrix: Add to handoff', () => {
  let h: Harness;
  let pool: HandoffPool;
  beforeAll(async () => {
    h = await startMatrixHarness();
    pool = new HandoffPool(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A partner's message in their channel, of its own for each cell: what is added. */
  const partnerMessage = (text: string) =>
    storedMessage(
      h,
      channels.partner.id,
      h.slack.postAsPerson({ channel: channels.partner.id, user: people.partner.id, text }),
    );

  describe(`Add to handoff modal submit (sent): allowed for ${ADD_ALLOWED.join(', ')}`, () => {
    for (const key of HANDOFF_ACTORS) {
      const allowed = ADD_ALLOWED.includes(key);
      cell(
        'handoff',
        'Add to handoff modal submit',
        key,
      )(`${HANDOFF_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const handoff = await pool.get('sent', ownerFor(key));
        const user = userFor(key);
        const text = `Matrix message for ${key}`;
        const message = partnerMessage(text);
        const viewer = {
          actor: { userId: user.id, teamId: user.team_id },
          internalTeamIds: h.app.startup.internalTeamIds,
          adminUserIds: h.config.adminUserIds,
        };
        expect(addMessageVerdict(viewer, handoff) === 'ok').toBe(allowed);
        const metadata = JSON.stringify({ c: channels.partner.id, ts: message.ts, x: text });
        await runCell(h, {
          allowed,
          refusal: addRefusalText(isExternalInteraction(key) ? 'external' : 'not_allowed', handoff.id),
          act: () => submitView(h, addSubmission({ metadata, handoffId: handoff.id, user })),
          async effect() {
            const mine = (await eventsOf(h, handoff.id)).filter(
              (e) => e.type === 'message_added' && e.detail?.excerpt === text,
            );
            expect(mine).toEqual([expect.objectContaining({ actorUserId: user.id, actorTeamId: TEAM })]);
          },
        });
      });
    }
  });

  describe('Add to handoff shortcut: allowed for any internal member (the modal, or "no open handoff")', () => {
    for (const key of OTHER_ACTORS) {
      const allowed = ANY_INTERNAL.includes(key);
      cell(
        'handoff',
        'Add to handoff shortcut',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const message = partnerMessage(`Matrix shortcut for ${key}`);
        let triggerId = '';
        await runCell(h, {
          allowed,
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
        });
      });
    }
  });
});

// -----------------------------------------------------------------------------------------------------------------
// Slash commands: the app asks users.info who typed it (a command carries no user.team_id).

/** The partner parts of the program (issue 53 item 6), oldest first. */
const partnerEntries = (h: Harness) =>
  h.database.db
    .select()
    .from(h.tables.programLog)
    .where(eq(h.tables.programLog.kind, 'partner'))
    .orderBy(h.tables.programLog.id);

/** By users.info: the AE's id typed "from" another team is still the AE; the admin's id without team_id is the admin. */
const COMMAND_ALLOWED = {
  revopsOrAdmin: ['revops', 'admin', 'noTeamId'],
  admin: ['admin', 'noTeamId'],
  anyInternal: ACTOR_KEYS.filter((k) => k !== 'external'),
} satisfies Record<string, readonly ActorKey[]>;

interface CommandRow {
  name: string;
  allowed: readonly ActorKey[];
  /** The program-level permission it needs (src/domain/permissions.ts), if any. */
  permission?: Permission;
  /** Allowed for another reason than the permission (their own handoff). */
  alsoAllowed?: readonly ActorKey[];
  /** The refusal for an internal member without the role (every external user gets `commandReply.external()`). */
  forbidden?: string;
  readOnly?: boolean;
  /** Sets up what the command needs; returns its text, the check of an allowed run, and a refusal naming it. */
  prepare(
    h: Harness,
    pool: HandoffPool,
  ): Promise<{
    text: string;
    effect(reply: Reply, seen: Seen, user: SlackUser): Promise<void>;
    forbidden?: string;
  }>;
}

const COMMANDS: readonly CommandRow[] = [
  {
    name: '/handoff export',
    allowed: COMMAND_ALLOWED.revopsOrAdmin,
    permission: 'export',
    forbidden: commandReply.forbidden('export'),
    readOnly: true,
    async prepare(h) {
      const before = completions(h).length;
      return {
        text: 'export',
        async effect(reply, _seen, user) {
          expect(await replyAt(h, reply)).toMatch(/^Preparing the touch log for handoffs sent from /);
          const done = await waitFor(() => completions(h)[before], 8000, 'the CSV upload');
          expect(done.args.channel_id).toBe(h.slack.dmChannelFor(user.id));
        },
      };
    },
  },
  {
    name: '/handoff classify <#> sourced <why>',
    allowed: COMMAND_ALLOWED.revopsOrAdmin,
    permission: 'classify',
    forbidden: commandReply.forbidden('classify'),
    async prepare(h, pool) {
      const handoff = await pool.get('sent', people.author.id);
      expect(handoff.classification).toBe('partner_influenced');
      return {
        text: `classify ${handoff.id} sourced the partner found it`,
        async effect(reply, _seen, user) {
          expect(await replyAt(h, reply)).toBe(
            commandReply.corrected(handoff.id, 'partner_influenced', 'partner_sourced'),
          );
          expect((await handoffRow(h, handoff.id)).classification).toBe('partner_sourced');
          expect(
            await h.database.db
              .select()
              .from(h.tables.classificationCorrections)
              .where(eq(h.tables.classificationCorrections.handoffId, handoff.id))
              .orderBy(h.tables.classificationCorrections.id),
          ).toEqual([
            expect.objectContaining({ correctedByUserId: user.id, reason: 'the partner found it' }),
          ]);
          expect(
            (await eventsOf(h, handoff.id)).filter((e) => e.type === 'classification_corrected'),
          ).toEqual([expect.objectContaining({ actorUserId: user.id })]);
        },
      };
    },
  },
  {
    name: '/handoff reseller add',
    allowed: COMMAND_ALLOWED.revopsOrAdmin,
    permission: 'resellers',
    forbidden: commandReply.forbidden('resellers'),
    async prepare(h) {
      const { account, reseller } = nextResellerNames();
      return {
        text: `reseller add ${account} | ${reseller}`,
        async effect(reply, _seen, user) {
          expect(await replyAt(h, reply)).toBe(commandReply.resellerAdded(account, reseller, true));
          expect(await resellerRow(h, account, reseller)).toMatchObject({ addedByUserId: user.id });
        },
      };
    },
  },
  {
    name: '/handoff reseller remove',
    allowed: COMMAND_ALLOWED.revopsOrAdmin,
    permission: 'resellers',
    forbidden: commandReply.forbidden('resellers'),
    async prepare(h) {
      const { account, reseller } = await registerReseller(h);
      return {
        text: `reseller remove ${account} | ${reseller}`,
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(commandReply.resellerRemoved(account, reseller, true));
          expect(await resellerRow(h, account, reseller)).toBeUndefined();
        },
      };
    },
  },
  {
    name: '/handoff reseller list',
    allowed: COMMAND_ALLOWED.anyInternal,
    readOnly: true,
    async prepare(h) {
      const { account, reseller } = await registerReseller(h);
      return {
        text: `reseller list ${account}`,
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(`• *${account}*: ${reseller}`);
        },
      };
    },
  },
  {
    name: '/handoff outbox',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'outbox',
    forbidden: parkedReplies.forbidden('outbox'),
    readOnly: true,
    async prepare(h) {
      const id = await ensureParked(h);
      return {
        text: 'outbox',
        async effect(reply) {
          const text = await replyAt(h, reply);
          expect(text).toContain('*1 parked message*');
          expect(text).toContain(`#${id}: chat.postMessage`);
        },
      };
    },
  },
  {
    name: '/handoff outbox retry all',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'outboxRetry',
    forbidden: parkedReplies.forbidden('outboxRetry'),
    async prepare(h) {
      const id = await ensureParked(h);
      return {
        text: 'outbox retry all',
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(parkedReplies.requeued(1));
          await waitFor(
            async () => (await outboxRow(h, id))?.status === 'delivered',
            8000,
            'the parked message sent again',
          );
        },
      };
    },
  },
  {
    // Issue 51: deals accepted before first steps (none in the matrix's pool: every accept names a step).
    name: '/handoff steps',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'firstSteps',
    forbidden: commandReply.forbidden('firstSteps'),
    readOnly: true,
    async prepare(h) {
      return {
        text: 'steps',
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(
            'Every accepted deal with no outcome yet has a first step. Nothing to ask.',
          );
        },
      };
    },
  },
  {
    // Issue 55: which CRM serves the workspace, and connecting its own (the matrix runs on an OAuth install).
    name: '/handoff crm',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'crm',
    forbidden: commandReply.forbidden('crm'),
    readOnly: true,
    async prepare(h) {
      return {
        text: 'crm',
        async effect(reply) {
          expect(await replyAt(h, reply)).toContain('*No CRM is connected for this workspace:*');
        },
      };
    },
  },
  {
    // Issue 57: the list of where a person appears (read-only); the erasure itself is the same permission.
    name: '/handoff erase',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'erase',
    forbidden: commandReply.forbidden('erase'),
    readOnly: true,
    async prepare(h) {
      return {
        text: 'erase Nobody Matrixperson',
        async effect(reply) {
          const text = await replyAt(h, reply);
          expect(text).toContain('Erasure of a person named by a name: 0 row(s) name them.');
          expect(text).toContain('Nothing changed.');
        },
      };
    },
  },
  {
    name: '/handoff <account> (opens the packet)',
    allowed: COMMAND_ALLOWED.anyInternal,
    readOnly: true,
    async prepare(h) {
      return {
        text: 'Matrix Packet Account',
        async effect(_reply, seen) {
          await openedView(h, seen.opens, CALLBACK_ID.packet);
        },
      };
    },
  },
  {
    name: '/handoff partners',
    allowed: COMMAND_ALLOWED.revopsOrAdmin,
    permission: 'partners',
    forbidden: commandReply.forbidden('partners'),
    readOnly: true,
    async prepare(h, pool) {
      // A handoff sent with a partner: the directory lists it.
      await pool.get('sent', people.author.id);
      return {
        text: 'partners',
        async effect(reply) {
          expect(await replyAt(h, reply)).toContain('*Meridian Cloud Consulting*');
        },
      };
    },
  },
  {
    // Allowed: past the check, the channel is not one the directory knows (nothing to change).
    name: '/handoff partners confirm #channel',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'partnerChannels',
    forbidden: commandReply.forbidden('partnerChannels'),
    readOnly: true,
    async prepare(h) {
      return {
        text: 'partners confirm <#C0MATRIXNONE|nowhere>',
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(
            partnerReply.invalid('That is not a partner channel the directory knows. Name it as #channel.'),
          );
        },
      };
    },
  },
  {
    // Issue 53 item 6: a partner's managers, named by RevOps or admins.
    name: '/handoff partners managers <partner> | @someone',
    allowed: COMMAND_ALLOWED.revopsOrAdmin,
    permission: 'partners',
    forbidden: commandReply.forbidden('partners'),
    async prepare(h, pool) {
      await pool.get('sent', people.author.id);
      return {
        text: `partners managers Meridian Cloud Consulting | <@${people.otherAe.id}|sam>`,
        async effect(reply) {
          expect(await replyAt(h, reply)).toContain(`partner manager <@${people.otherAe.id}>`);
          expect((await partnerEntries(h)).at(-1)?.body).toEqual({ managers: [people.otherAe.id] });
        },
      };
    },
  },
  {
    // What they are told: RevOps or admins, and the partner's own managers (Jordan, named here first).
    name: '/handoff partners notify <partner> | decisions',
    allowed: ['ae', ...COMMAND_ALLOWED.revopsOrAdmin],
    permission: 'partners',
    alsoAllowed: ['ae'],
    forbidden: commandReply.forbidden('partners'),
    async prepare(h, pool) {
      await pool.get('sent', people.author.id);
      const named = await slash(h, `partners managers Meridian Cloud Consulting | ${people.ae.id}`, {
        user_id: ADMIN.id,
        team_id: TEAM,
      });
      expect(await replyAt(h, named)).toContain(`<@${people.ae.id}>`);
      await settled(h);
      return {
        text: 'partners notify Meridian Cloud Consulting | decisions',
        async effect(reply) {
          expect(await replyAt(h, reply)).toContain('(told of decisions only)');
          expect((await partnerEntries(h)).at(-1)?.body).toEqual({
            managers: [people.ae.id],
            notify: 'decisions',
          });
        },
      };
    },
  },
  {
    // By users.info, the AE's id typed "from" another team is still the AE.
    name: "/handoff view <#> (someone else's handoff)",
    allowed: ['ae', 'ownerAuthor', 'aeForeignTeam', ...COMMAND_ALLOWED.revopsOrAdmin],
    permission: 'viewAny',
    alsoAllowed: ['ae', 'ownerAuthor', 'aeForeignTeam'],
    readOnly: true,
    async prepare(h, pool) {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `view ${handoff.id}`,
        forbidden: commandReply.notFound(handoff.id),
        async effect(_reply, seen) {
          const calls = await waitFor(
            () => h.slack.callsTo('views.open').length > seen.opens && h.slack.callsTo('views.open'),
            4000,
            'the view modal',
          );
          const view = calls[seen.opens]?.args.view as { title: { text: string } };
          expect(view.title.text).toBe(`Handoff #${handoff.id}`);
        },
      };
    },
  },
  {
    name: '/handoff help',
    allowed: COMMAND_ALLOWED.anyInternal,
    readOnly: true,
    async prepare(h) {
      return {
        text: 'help',
        async effect(reply, _seen, user) {
          // Each person is offered the commands they may use: RevOps' and admins' only to them.
          const role = {
            revops: h.config.revopsUserIds.includes(user.id),
            admin: h.config.adminUserIds.includes(user.id),
          };
          const text = await replyAt(h, reply);
          expect(text).toBe(helpFor(h.config, user.id));
          expect(text.includes('/handoff export')).toBe(role.revops || role.admin);
          expect(text.includes('*For RevOps:*')).toBe(role.revops || role.admin);
          expect(text.includes('/handoff partners channel')).toBe(role.admin);
          expect(text.includes('/handoff outbox')).toBe(role.admin);
          // The matrix runs on an OAuth install, where a workspace connects its own CRM.
          expect(text.includes('/handoff crm')).toBe(role.admin);
          expect(text.includes('*For admins:*')).toBe(role.admin);
          // Admins are pointed to where the program is edited (issue 77 item 12), and to pausing someone.
          expect(text.includes('*App Home → The program*')).toBe(role.admin);
          expect(text.includes('/handoff pause @person')).toBe(role.admin);
          expect(text.includes('/handoff follow <#> @person')).toBe(role.admin);
          expect(text.includes('/handoff follow <#>`')).toBe(true);
          expect(text.includes('and the trust metrics')).toBe(role.revops || role.admin);
        },
      };
    },
  },
  {
    name: '/handoff ask (opens the request modal)',
    allowed: COMMAND_ALLOWED.anyInternal,
    readOnly: true,
    async prepare(h) {
      return {
        text: 'ask Matrix Ask Account',
        async effect(_reply, seen) {
          await openedView(h, seen.opens, CALLBACK_ID.helpRequest);
        },
      };
    },
  },
  {
    // Issue 53: anyone of ours pauses their own pools (none here: it is noted all the same).
    name: '/handoff pause',
    allowed: COMMAND_ALLOWED.anyInternal,
    async prepare(h) {
      return {
        text: 'pause',
        async effect(reply, _seen, user) {
          expect(await replyAt(h, reply)).toContain('You are in no pool now');
          expect((await personEntries(h, user.id)).at(-1)).toMatchObject({
            actor: user.id,
            body: { paused: 'until_resumed' },
          });
        },
      };
    },
  },
  {
    name: '/handoff resume',
    allowed: COMMAND_ALLOWED.anyInternal,
    async prepare(h) {
      return {
        text: 'resume',
        async effect(reply, _seen, user) {
          // Paused by the row above, or never: either way, not paused now.
          expect([myDaysReplies.resumed([], false), myDaysReplies.notPaused()]).toContain(
            await replyAt(h, reply),
          );
          expect((await personEntries(h, user.id)).at(-1)?.body ?? null).toBeNull();
        },
      };
    },
  },
  {
    // Issue 77 item 12: an admin names someone else (Sam) to follow a handoff; Sam is told.
    name: '/handoff follow <#> @person',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'followersFor',
    forbidden: commandReply.forbidden('followersFor'),
    async prepare(h, pool) {
      const handoff = await pool.get('sent', people.author.id);
      return {
        text: `follow ${handoff.id} <@${people.otherAe.id}|sam> decisions`,
        async effect(reply) {
          expect(await replyAt(h, reply)).toBe(
            followReplies.named(handoff.id, people.otherAe.id, 'decisions'),
          );
          const rows = await h.database.db
            .select()
            .from(h.tables.handoffFollowers)
            .where(eq(h.tables.handoffFollowers.handoffId, handoff.id));
          expect(rows.map((r) => [r.userId, r.notify])).toContainEqual([people.otherAe.id, 'decisions']);
        },
      };
    },
  },
  {
    // Issue 77 item 12: an admin pauses someone else (Sam, in no pool here: noted all the same, Sam told).
    name: '/handoff pause @person',
    allowed: COMMAND_ALLOWED.admin,
    permission: 'pauseOthers',
    forbidden: commandReply.forbidden('pauseOthers'),
    async prepare(h) {
      return {
        text: `pause <@${people.otherAe.id}|sam> until 2099-12-18`,
        async effect(reply, _seen, user) {
          expect(await replyAt(h, reply)).toBe(
            myDaysReplies.pausedOther(people.otherAe.id, '2099-12-18', [], false),
          );
          expect((await personEntries(h, people.otherAe.id)).at(-1)).toMatchObject({
            actor: user.id,
            body: { paused: '2099-12-18' },
          });
        },
      };
    },
  },
];

describe('authorization matrix: slash commands', () => {
  let h: Harness;
  let pool: HandoffPool;
  beforeAll(async () => {
    h = await startMatrixHarness();
    pool = new HandoffPool(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  for (const row of COMMANDS) {
    describe(`${row.name}: allowed for ${row.allowed.join(', ')}`, () => {
      for (const key of OTHER_ACTORS) {
        // Slack sends a command with the workspace it was typed in; people of another organization cannot run ours.
        // One that names another workspace, or none, is another installation's: ignored (item 24).
        const ignored = FOREIGN_COMMAND.includes(key);
        const allowed = !ignored && row.allowed.includes(key);
        cell(
          'command',
          row.name,
          key,
        )(`${OTHER_ACTOR_LABEL[key]}: ${ignored ? 'ignored' : allowed ? 'allowed' : 'refused'}`, async () => {
          const { text, effect, forbidden } = await row.prepare(h, pool);
          const fields = commandFieldsFor(key);
          await runCell(h, {
            allowed,
            ignored,
            refusal:
              key === 'external'
                ? commandReply.external()
                : (forbidden ?? row.forbidden ?? commandReply.external()),
            ...(row.readOnly ? { readOnly: true } : {}),
            act: () => slash(h, text, fields),
            effect: (reply, seen) => effect(reply, seen, { id: fields.user_id }),
          });
        });
      }
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// The App Home: the export button, and who sees the program metrics.

/** The Export button is an interaction: by its user.team_id, the no-team-id payload is nobody's. */
const EXPORT_ALLOWED: readonly ActorKey[] = ['revops', 'admin'];
/**
 * app_home_opened names only the user (no user.team_id): the metrics go by user id. The event of the external user
 * and of the AE's id "from" another team comes with the partner's team id; the no-team-id cell is the admin's id.
 */
const METRICS_ALLOWED: readonly ActorKey[] = ['revops', 'admin', 'noTeamId'];

describe('authorization matrix: App Home', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startMatrixHarness();
    // Something to measure.
    await new HandoffPool(h).get('accepted', people.author.id);
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe(`App Home Export button: allowed for ${EXPORT_ALLOWED.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = EXPORT_ALLOWED.includes(key);
      cell(
        'home',
        'export button',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const user = userFor(key);
        const before = completions(h).length;
        await runCell(h, {
          allowed,
          refusal: exportReplies.forbidden(),
          readOnly: true,
          act: () => homeClick(h, ACTION_ID.homeExport, '30d', user),
          async effect() {
            const done = await waitFor(() => completions(h)[before], 8000, 'the CSV upload');
            expect(done.args.channel_id).toBe(h.slack.dmChannelFor(user.id));
          },
        });
      });
    }
  });

  describe(`App Home "Program metrics": shown to ${METRICS_ALLOWED.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = METRICS_ALLOWED.includes(key);
      cell(
        'home',
        'program metrics',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'shown' : 'not shown'}`, async () => {
        const user = userFor(key);
        await settled(h);
        const before = await snapshot(h);
        const call = await openHome(h, user.id, user.team_id ?? TEAM);
        const blocks = JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
        if (allowed) {
          expect(blocks).toContain('*Program metrics*');
          expect(blocks).toContain(ACTION_ID.homeExport);
        } else {
          expect(blocks).not.toContain('Program metrics');
          expect(blocks).not.toContain(ACTION_ID.homeExport);
          expect(blocks).not.toContain(ACTION_ID.homePeriod);
        }
        await settled(h);
        expect(await snapshot(h)).toEqual(before);
      });
    }
  });
  /**
   * The period picker refreshes the Home tab of whoever sent it, by user id, like app_home_opened: a forged pick by
   * someone without the role must not reveal the metrics. (The no-team-id payload carries the admin's id: see the
   * report, this one goes by id too.)
   */
  describe(`App Home period picker (forged by anyone): metrics shown to ${METRICS_ALLOWED.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = METRICS_ALLOWED.includes(key);
      cell(
        'home',
        'period picker',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'shown' : 'not shown'}`, async () => {
        const user = userFor(key);
        await settled(h);
        const before = await snapshot(h);
        const call = await homePeriodPick(h, '90d', user);
        const blocks = JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
        if (allowed) {
          expect(blocks).toContain('*Program metrics*');
          expect(blocks).toContain('"value":"90d"');
        } else {
          expect(blocks).not.toContain('Program metrics');
          expect(blocks).not.toContain(ACTION_ID.homeExport);
        }
        await settled(h);
        expect(await snapshot(h)).toEqual(before);
      });
    }
  });
});

// -----------------------------------------------------------------------------------------------------------------
// "Your days" (issue 53): each person's own, from their App Home. Anyone of ours edits their own (the key is always the
// submitter's id); a request by user.team_id not ours is refused. The Home shows it to everyone of ours, by user id.

describe('authorization matrix: your days', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startMatrixHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe(`Edit my days button (App Home): allowed for ${ANY_INTERNAL.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = ANY_INTERNAL.includes(key);
      cell(
        'days',
        'Edit my days',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        await runCell(h, {
          allowed,
          refusal: myDaysReplies.external(),
          readOnly: true,
          act: () => homeClick(h, ACTION_ID.myDays, 'edit', userFor(key)),
          effect: async (_reply, seen) => {
            await openedView(h, seen.opens, CALLBACK_ID.myDays);
          },
        });
      });
    }
  });

  describe(`"Your days" modal submit: allowed for ${ANY_INTERNAL.join(', ')}, each their own`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = ANY_INTERNAL.includes(key);
      cell(
        'days',
        'Your days submit',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const user = userFor(key);
        await runCell(h, {
          allowed,
          refusal: myDaysReplies.external(),
          act: () => submitView(h, myDaysSubmission(user, [1, 2, 4])),
          async effect() {
            expect((await personEntries(h, user.id)).at(-1)).toMatchObject({
              actor: user.id,
              body: { workingDays: [1, 2, 4] },
            });
          },
        });
      });
    }
  });

  describe('App Home "Your days": shown to everyone of ours (by user id)', () => {
    for (const key of OTHER_ACTORS) {
      const shownTo = key !== 'external';
      cell(
        'days',
        'App Home your days',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${shownTo ? 'shown' : 'not shown'}`, async () => {
        const user = userFor(key);
        const call = await openHome(h, user.id, user.team_id ?? TEAM);
        const blocks = JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
        expect(blocks.includes('*Your days*')).toBe(shownTo);
        expect(blocks.includes(ACTION_ID.myDays)).toBe(shownTo);
      });
    }
  });
});

// -----------------------------------------------------------------------------------------------------------------
// The score against outcomes (issue 54): App Home → "Score against outcomes" opens the view, and its weights editor
// saves the score's weights, for RevOps and admins, by the interaction's user.team_id. Refusals come by DM.

const SCORE_ALLOWED: readonly ActorKey[] = ['revops', 'admin'];

describe('authorization matrix: the score against outcomes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startMatrixHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe(`App Home "Score against outcomes": allowed for ${SCORE_ALLOWED.join(', ')}`, () => {
    for (const key of OTHER_ACTORS) {
      const allowed = SCORE_ALLOWED.includes(key);
      cell(
        'home',
        'score view',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        await runCell(h, {
          allowed,
          refusal: SCORE_REFUSALS.view,
          readOnly: true,
          act: () => homeClick(h, ACTION_ID.scoreCheck, '90d', userFor(key)),
          async effect(_reply, seen) {
            const opened = await waitFor(
              () => h.slack.callsTo('views.open')[seen.opens],
              4000,
              'the score view',
            );
            expect((opened.args.view as { title: { text: string } }).title.text).toBe(
              'Score against outcomes',
            );
          },
        });
      });
    }
  });

  describe(`The score's weights, saved: allowed for ${SCORE_ALLOWED.join(', ')}`, () => {
    for (const [n, key] of OTHER_ACTORS.entries()) {
      const allowed = SCORE_ALLOWED.includes(key);
      cell(
        'home',
        'score weights',
        key,
      )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const user = userFor(key);
        // A weight of its own per cell: an allowed save always changes the part.
        const weights = { ...DEFAULT_WEIGHTS, proof: ((n % 3) + 1) as 1 | 2 | 3, owner: 2 as const };
        await runCell(h, {
          allowed,
          refusal: `${SCORE_REFUSALS.weights} Nothing was saved.`,
          async act() {
            const dms = dmOf(h, user.id).length;
            const reply = await submitView(h, editorSubmission(user, scoreWeightsModal(weights)));
            if (allowed) return reply;
            expect(reply).toEqual({ via: 'inline', body: {} });
            return { via: 'dm', userId: user.id, before: dms };
          },
          async effect(reply) {
            expect(reply).toEqual({ via: 'inline', body: {} });
            const entry = (await programEntries(h)).filter((e) => e.kind === 'scoring').at(-1);
            expect(entry).toMatchObject({ kind: 'scoring', actor: user.id, body: { weights } });
          },
        });
      });
    }
  });
});

// -----------------------------------------------------------------------------------------------------------------
// The program's pages and editors (issue 53): App Home → "The program". Admins open and edit every part, RevOps the
// policies (and the history), and a pool's own managers their pool: here Mo (`member`, no role) manages the matrix
// pool; a new pool is the admins' alone. By the interaction's user.team_id: anyone not of ours opens and edits
// nothing. Refusals come by DM (the App Home and a modal give no response_url); a refused submission closes the modal.

/** Mo, an internal member with no role, manages the `matrix` pool. */
const POOL_MANAGER: ActorKey = 'member';
const PROGRAM_ADMIN: readonly ActorKey[] = ['admin'];
const PROGRAM_POLICIES: readonly ActorKey[] = ['revops', 'admin'];
const PROGRAM_POOL: readonly ActorKey[] = ['admin', POOL_MANAGER];
/** Olu (`ownerNotAuthor`, no role) manages the matrix partner: they choose what its managers hear. */
const PARTNER_MANAGER: ActorKey = 'ownerNotAuthor';
const PROGRAM_PARTNER: readonly ActorKey[] = ['revops', 'admin', PARTNER_MANAGER];
/** The matrix partner's id in the directory (known once beforeAll made it); `partner:matrix` in a row stands for it. */
let matrixPartnerId = 0;
const editValue = (value: string) => (value === 'partner:matrix' ? `partner:${matrixPartnerId}` : value);

interface ProgramRow {
  name: string;
  permission: Permission;
  allowed: readonly ActorKey[];
  /** Allowed by something else than the table: a pool's own managers. */
  also?: readonly ActorKey[];
}

/** The pages of App Home → The program: each opens (views.open) for whom may read it. */
const PROGRAM_PAGE_ROWS: readonly (ProgramRow & { page: string; title: string })[] = [
  {
    name: 'pools',
    page: 'pools',
    title: 'Pools',
    permission: 'pools',
    allowed: PROGRAM_POOL,
    also: [POOL_MANAGER],
  },
  {
    name: 'policies',
    page: 'policies',
    title: 'Escalation policies',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
  },
  {
    name: 'history',
    page: 'history',
    title: 'Program history',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
  },
  {
    name: 'partners',
    page: 'partners',
    title: 'Partners',
    permission: 'partners',
    allowed: PROGRAM_PARTNER,
    also: [PARTNER_MANAGER],
  },
  {
    name: 'calendar',
    page: 'calendar',
    title: 'Closures and holidays',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
  },
  {
    name: 'roles',
    page: 'roles',
    title: 'Roles and managers',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
  },
  {
    // Admins and RevOps read every group (RevOps edit the packets' and the reporting's).
    name: 'settings',
    page: 'settings',
    title: 'Settings',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
  },
];

/** Each group of settings has its editor, for whom its row names (src/domain/settingRows.ts). */
const SETTINGS_ALLOWED = { program: PROGRAM_ADMIN, policies: PROGRAM_POLICIES } as const;
const settingsEditRow = (group: SettingsGroup) => {
  const { short, permission } = SETTINGS_GROUPS[group];
  return {
    name: `the settings "${group}"`,
    value: `settings:${group}`,
    title: short,
    permission,
    allowed: SETTINGS_ALLOWED[permission],
  };
};

/** Edit (or New) on a page: the part's editor is pushed (views.push) for whom may edit it. */
const PROGRAM_EDIT_ROWS: readonly (ProgramRow & { value: string; title: string })[] = [
  {
    name: 'a pool',
    value: 'pool:matrix',
    title: 'Edit pool',
    permission: 'pools',
    allowed: PROGRAM_POOL,
    also: [POOL_MANAGER],
  },
  { name: 'a new pool', value: 'pool:', title: 'New pool', permission: 'pools', allowed: PROGRAM_ADMIN },
  {
    name: 'a policy',
    value: 'policy:matrix',
    title: 'Edit policy',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
  },
  {
    name: 'a new policy',
    value: 'policy:',
    title: 'New policy',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
  },
  {
    name: 'the calendar',
    value: 'calendar:-',
    title: 'Closures and holidays',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
  },
  { name: 'the roles', value: 'roles:-', title: 'Roles', permission: 'program', allowed: PROGRAM_ADMIN },
  {
    name: 'a partner',
    value: 'partner:matrix',
    title: 'Partner',
    permission: 'partners',
    allowed: PROGRAM_PARTNER,
    also: [PARTNER_MANAGER],
  },
  {
    name: 'the managers',
    value: 'managers:-',
    title: 'Managers',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
  },
  settingsEditRow('window'),
  settingsEditRow('packets'),
  settingsEditRow('decisions'),
  settingsEditRow('pools'),
  settingsEditRow('reporting'),
];

const MATRIX_POOL = { name: 'Matrix pool', users: [people.otherAe.id], managers: [people.member.id] };
const MATRIX_POLICY = { name: 'Matrix', levels: [{ at: 'due', action: 'notify', to: ['manager'] }] };
/** A number of days of each actor's own (none a default): an allowed settings cell writes something new. */
const SETTING_DAYS = Object.fromEntries(OTHER_ACTORS.map((key, i) => [key, 11 + i])) as Record<
  ActorKey,
  number
>;

/**
 * An editor's submission: the editor as the app builds it, with answers of this actor's own (an allowed cell writes
 * something new), and what the program's log holds after it.
 */
const PROGRAM_SUBMIT_ROWS: readonly (ProgramRow & {
  submission(user: SlackUser, key: ActorKey): unknown;
  written(key: ActorKey): { kind: string; key: string; body: unknown };
})[] = [
  {
    name: 'a pool',
    permission: 'pools',
    allowed: PROGRAM_POOL,
    also: [POOL_MANAGER],
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
    name: 'a new pool',
    permission: 'pools',
    allowed: PROGRAM_ADMIN,
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
    name: 'a policy',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
    submission: (user, key) =>
      editorSubmission(
        user,
        policyEditorModal({
          id: 'matrix',
          name: MATRIX_POLICY.name,
          levels: MATRIX_POLICY.levels,
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
    name: 'the calendar',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
    submission: (user) =>
      editorSubmission(user, calendarEditorModal({ closures: [], holidays: 'by_zone' }), {
        [PROGRAM_BLOCK_ID.closures]: '2026-12-24',
      }),
    written: () => ({ kind: 'closures', key: '-', body: ['2026-12-24'] }),
  },
  {
    name: 'the roles',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
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
    name: 'the managers',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
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
    name: 'a partner',
    permission: 'partners',
    allowed: PROGRAM_PARTNER,
    also: [PARTNER_MANAGER],
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
  // A group's editor (the settings are one part): the others the program sets (OUTCOME_UNDO_SECONDS, read in at the
  // harness's start) are kept, so the body is matched on the group's setting alone.
  {
    name: 'the settings "window"',
    permission: 'program',
    allowed: PROGRAM_ADMIN,
    submission: (user, key) =>
      editorSubmission(user, settingsEditorModal('window', settingsValues({})), {
        [settingBlockId('stallBusinessDays')]: String(SETTING_DAYS[key]),
      }),
    written: (key) => ({
      kind: 'settings',
      key: '-',
      body: expect.objectContaining({ stallBusinessDays: SETTING_DAYS[key] }),
    }),
  },
  {
    name: 'the settings "packets"',
    permission: 'policies',
    allowed: PROGRAM_POLICIES,
    submission: (user, key) =>
      editorSubmission(user, settingsEditorModal('packets', settingsValues({})), {
        [settingBlockId('conflictLookbackDays')]: String(30 + SETTING_DAYS[key]),
      }),
    written: (key) => ({
      kind: 'settings',
      key: '-',
      body: expect.objectContaining({ conflictLookbackDays: 30 + SETTING_DAYS[key] }),
    }),
  },
];

/** The matrix partner's part at start: Olu manages it, and hears nothing. */
const MATRIX_PARTNER = { name: 'Matrix Partners', managers: [people.owner.id], notify: 'off' as const };

/** The program's log, newest last. */
const programEntries = (h: Harness) =>
  h.database.db.select().from(h.tables.programLog).orderBy(h.tables.programLog.id);

describe('authorization matrix: the program', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startMatrixHarness();
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
  afterAll(async () => {
    await h?.stop();
  });

  /** Refused: told by DM; no view opened or pushed (runCell checks the tables and views.open). */
  const pushes = () => h.slack.callsTo('views.push').length;

  for (const row of PROGRAM_PAGE_ROWS) {
    describe(`Program page "${row.name}" (App Home button): allowed for ${row.allowed.join(', ')}`, () => {
      for (const key of OTHER_ACTORS) {
        const allowed = row.allowed.includes(key);
        cell(
          'program',
          `page ${row.name}`,
          key,
        )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          await runCell(h, {
            allowed,
            refusal: PROGRAM_REFUSALS.notYours,
            readOnly: true,
            act: () => homeClick(h, `${ACTION_ID.programOpen}:${row.page}`, row.page, userFor(key)),
            async effect(_reply, seen) {
              const opened = await waitFor(
                () => h.slack.callsTo('views.open')[seen.opens],
                4000,
                `the ${row.page} page`,
              );
              expect((opened.args.view as { title: { text: string } }).title.text).toBe(row.title);
            },
          });
        });
      }
    });
  }

  for (const row of PROGRAM_EDIT_ROWS) {
    describe(`Program Edit ${row.name} (${row.value}, on a page): allowed for ${row.allowed.join(', ')}`, () => {
      for (const key of OTHER_ACTORS) {
        const allowed = row.allowed.includes(key);
        cell(
          'program',
          `edit ${row.name}`,
          key,
        )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          const user = userFor(key);
          const before = pushes();
          // A trigger of the page the button is on (a modal the fake does not hold: the editor starts a stack).
          const triggerId = h.slack.issueTriggerId({ viewId: 'V0PROGRAMPAGE' });
          await runCell(h, {
            allowed,
            refusal: PROGRAM_REFUSALS.notYours,
            readOnly: true,
            async act() {
              const dms = dmOf(h, user.id).length;
              const response = await h.interact(
                modalClick({ actionId: ACTION_ID.programEdit, value: editValue(row.value), user, triggerId }),
              );
              expect(response.status).toBe(200);
              return { via: 'dm', userId: user.id, before: dms };
            },
            async effect() {
              const view = await viewOpenedBy(h, 'views.push', triggerId);
              expect(view).toMatchObject({
                callback_id: CALLBACK_ID.programPart,
                title: { text: row.title },
              });
            },
          });
          if (!allowed) expect(pushes()).toBe(before);
        });
      }
    });
  }

  for (const row of PROGRAM_SUBMIT_ROWS) {
    describe(`Program editor submit, ${row.name}: allowed for ${row.allowed.join(', ')}`, () => {
      for (const key of OTHER_ACTORS) {
        const allowed = row.allowed.includes(key);
        cell(
          'program',
          `submit ${row.name}`,
          key,
        )(`${OTHER_ACTOR_LABEL[key]}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          const user = userFor(key);
          await runCell(h, {
            allowed,
            refusal: PROGRAM_REFUSALS.forbidden,
            async act() {
              const dms = dmOf(h, user.id).length;
              const reply = await submitView(h, row.submission(user, key));
              if (allowed) return reply;
              // Refused: the modal closes (nothing to correct on it), and the person is told by DM.
              expect(reply).toEqual({ via: 'inline', body: {} });
              return { via: 'dm', userId: user.id, before: dms };
            },
            async effect(reply) {
              // Saved: the editor shows its page again (it was opened on none here).
              expect(reply).toMatchObject({ via: 'inline', body: { response_action: 'update' } });
              const written = row.written(key);
              const entry = (await programEntries(h)).filter((e) => e.kind === written.kind).at(-1);
              expect(entry).toMatchObject({ ...written, actor: user.id });
            },
          });
        });
      }
    });
  }
});

/** The program's permission cases: every page, editor and submission, by the interaction's user.team_id. */
const PROGRAM_CASES: readonly PermissionCase[] = [
  ...PROGRAM_PAGE_ROWS.map((r) => ({ ...r, name: `Program page ${r.name}` })),
  ...PROGRAM_EDIT_ROWS.map((r) => ({ ...r, name: `Program Edit ${r.name}` })),
  ...PROGRAM_SUBMIT_ROWS.map((r) => ({ ...r, name: `Program editor submit, ${r.name}` })),
].map(
  ({ name, permission, allowed, also }): PermissionCase => ({
    name,
    permission,
    path: 'interaction',
    allowed,
    also: also ?? [],
  }),
);

// -----------------------------------------------------------------------------------------------------------------
// The permission table (src/domain/permissions.ts): every permission has a case above, and each case allows exactly
// whom the table grants (plus, for a handoff, whoever it is theirs).

/** How the app knows who acts: a slash command asks users.info; a button goes by its user.team_id; the App Home by id. */
type Path = 'command' | 'interaction' | 'userId';

const MATRIX_ROLES = { revopsUserIds: [REVOPS.id], adminUserIds: [ADMIN.id] };

function granted(permission: Permission, path: Path): ActorKey[] {
  return OTHER_ACTORS.filter((key) => {
    const user = userFor(key);
    if (path === 'userId') return may(MATRIX_ROLES, user.id, permission);
    // users.info answers for our members only: a partner's user is refused before any role is looked at.
    if (path === 'command') return key !== 'external' && may(MATRIX_ROLES, user.id, permission);
    return may(
      MATRIX_ROLES,
      { actor: { userId: user.id, teamId: user.team_id }, internalTeamIds: [TEAM] },
      permission,
    );
  });
}

interface PermissionCase {
  name: string;
  permission: Permission;
  path: Path;
  allowed: readonly ActorKey[];
  also: readonly ActorKey[];
}

const PERMISSION_CASES: readonly PermissionCase[] = [
  ...COMMANDS.flatMap((row): PermissionCase[] =>
    row.permission
      ? [
          {
            name: row.name,
            permission: row.permission,
            path: 'command',
            allowed: row.allowed,
            also: row.alsoAllowed ?? [],
          },
        ]
      : [],
  ),
  {
    name: 'App Home Export button',
    permission: 'export',
    path: 'interaction',
    allowed: EXPORT_ALLOWED,
    also: [],
  },
  {
    name: 'App Home "Program metrics"',
    permission: 'metrics',
    path: 'userId',
    allowed: METRICS_ALLOWED,
    also: [],
  },
  ...PROGRAM_CASES,
  {
    name: 'App Home "Score against outcomes"',
    permission: 'scoreCheck',
    path: 'interaction',
    allowed: SCORE_ALLOWED,
    also: [],
  },
  {
    name: "The score's weights, saved",
    permission: 'scoreWeights',
    path: 'interaction',
    allowed: SCORE_ALLOWED,
    also: [],
  },
];

describe('authorization matrix: the permission table', () => {
  for (const permission of PERMISSION_NAMES) {
    it(`${permission} (${PERMISSIONS[permission].join(', ')}): has a case, which allows whom the table grants`, () => {
      const cases = PERMISSION_CASES.filter((c) => c.permission === permission);
      expect(
        cases.map((c) => c.name),
        `no matrix case for the permission ${permission}`,
      ).not.toEqual([]);
      for (const c of cases) {
        expect([...c.allowed].sort(), c.name).toEqual(
          [...new Set([...granted(permission, c.path), ...c.also])].sort(),
        );
      }
    });
  }
});
