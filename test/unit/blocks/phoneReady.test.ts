import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptModal } from '../../../src/blocks/acceptModal.js';
import { addReplies, addToHandoffModal, messageAddedModal } from '../../../src/blocks/addToHandoff.js';
import { appHomeView, withExportNotice } from '../../../src/blocks/appHome.js';
import * as asks from '../../../src/blocks/asks.js';
import { reviewDecisionModal, reviewItemBlocks } from '../../../src/blocks/attributionItems.js';
import * as channelAccess from '../../../src/blocks/channelAccess.js';
import * as coverModal from '../../../src/blocks/coverModal.js';
import { crmRecordCreated, crmRecordNotCreated } from '../../../src/blocks/crmCreated.js';
import { crmRefusedByRules } from '../../../src/blocks/crmRefused.js';
import { declineModal } from '../../../src/blocks/declineModal.js';
import { followBlocks, followNamedNotice, watcherNotice } from '../../../src/blocks/following.js';
import * as handoffList from '../../../src/blocks/handoffList.js';
import { decisionButtons, handoffMessage } from '../../../src/blocks/handoffMessage.js';
import { heldBackNotice, nextMoveModal } from '../../../src/blocks/heldBackNotice.js';
import { helpRequestModal, helpRequestPost } from '../../../src/blocks/helpRequest.js';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import { moneyBlocks } from '../../../src/blocks/money.js';
import { moreTimeMessage } from '../../../src/blocks/moreTime.js';
import { unassignedMessage } from '../../../src/blocks/moveNotices.js';
import { myDaysBlocks, myDaysModal, ownDaysNotice, ownPauseNotice } from '../../../src/blocks/myDays.js';
import * as notices from '../../../src/blocks/notices.js';
import { outcomeReportMessage, undoBlocks, undoneNotice } from '../../../src/blocks/outcomeReports.js';
import * as outcomes from '../../../src/blocks/outcomes.js';
import { extendModal, ownerActionButtons, reassignModal } from '../../../src/blocks/ownerActions.js';
import { packetLoadingModal } from '../../../src/blocks/packetLoading.js';
import { packetModal } from '../../../src/blocks/packetModal.js';
import { viewWithSuggestion } from '../../../src/blocks/packetSuggestions.js';
import { internalChannelShared, partnerChannelHeldAdmin } from '../../../src/blocks/partnerReplies.js';
import { partnerThreadParent, partnerUpdate } from '../../../src/blocks/partnerUpdate.js';
import { BUTTON_LABEL_MAX, button } from '../../../src/blocks/parts.js';
import { policyEditorModal } from '../../../src/blocks/policyEditor.js';
import * as programEditors from '../../../src/blocks/programEditors.js';
import type { ProgramModel } from '../../../src/blocks/programPages.js';
import * as programPages from '../../../src/blocks/programPages.js';
import { revopsBlocks } from '../../../src/blocks/revopsHome.js';
import * as scoreChecks from '../../../src/blocks/scoreCheck.js';
import { settingsEditorModal, settingsPageBlocks } from '../../../src/blocks/settingsEditor.js';
import * as stepChecks from '../../../src/blocks/stepChecks.js';
import * as windowNotices from '../../../src/blocks/windowNotices.js';
import type {
  HandoffRow,
  HelpRequestRow,
  OutcomeReportRow,
  OutcomeRow,
  QuestionRow,
} from '../../../src/db/schema.js';
import type { ReviewEvidence } from '../../../src/domain/attributionEvidence.js';
import { FOLLOWER_NEWS } from '../../../src/domain/following.js';
import { type LifecycleEvent, NO_OFFER, OWNER_ACTIONS, TRANSITIONS } from '../../../src/domain/lifecycle.js';
import { moneyFigures } from '../../../src/domain/moneyFigures.js';
import type { MoveFacts } from '../../../src/domain/moves.js';
import { OUTCOMES } from '../../../src/domain/outcomes.js';
import { type PartnerStage, partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';
import { type ScoredHandoff, scoreCheck } from '../../../src/domain/scoreOutcomes.js';
import { DEFAULT_WEIGHTS } from '../../../src/domain/scoreWeights.js';
import { COMPONENTS as SCORE_COMPONENTS } from '../../../src/domain/scoringModel.js';
import { SETTINGS_GROUPS, type SettingsGroup, settingsValues } from '../../../src/program/settings.js';
import { decision, handoff, handoffEvent, outcomeReport } from './fixtures.js';
import { type Obj, objects } from './limits.js';
import { EVERY_BUTTON } from './offers.js';
import { everyInternalSurface } from './surfaceModels.js';
import { digestOf, homeView } from './unitdomain-views.js';

/**
 * Over every message builder of src/blocks: every button carries an accessibility label (Slack reads
 * it instead of the button's text) of at most 75 characters that names the handoff its message is about, no two
 * buttons of one message share a label, and every notification text (`text`, all a phone's lock screen shows since
 * 2026-07) names the handoff's number, account and partner; a partner post's names the account and nothing internal.
 *
 * Every export of src/blocks/*.ts is in one of three tables: SAMPLES (a builder and sample input), INPUTS_ONLY (a
 * modal or its blocks made of inputs only: its file must have no button) or NOT_BUILDERS (strings, ids, constants and
 * pieces checked through the messages that use them). A new export in none of them fails.
 */

type Where =
  /** A DM or an internal channel post about the handoff(s) of `ids`. */
  | 'internal'
  /** A post in the partner's channel: partner-safe, from the partner's view. */
  | 'partner'
  /** A DM or internal post about no handoff (a channel, a cover, a help request). */
  | 'other'
  /** A modal, an App Home or blocks that go into one of the above: buttons only, no notification text. */
  | 'view';

interface Sample {
  label: string;
  where: Where;
  value: unknown;
  /** The handoffs (or help requests) the message is about: each button's label names one of them. */
  ids?: readonly number[];
  handoff?: HandoffRow;
}

const AT = new Date('2026-03-04T15:30:00Z');
/** The program as an admin reads it: two pools (one theirs to edit), a policy, closures, roles, history. */
const PROGRAM_LEVELS = [
  { at: '50%', action: 'remind' },
  { at: 'due', action: 'notify', to: ['manager', 'channel:C0INTERNAL'] },
  { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
];
const PROGRAM: ProgramModel = {
  pools: [
    {
      id: 'backup',
      name: 'EMEA <!here> backup',
      members: ['U0AE', 'U0AE2'],
      cap: 4,
      managers: ['U0OWNER'],
      mayEdit: true,
      picks: [{ handoffId: 4242, aeUserId: 'U0AE2', at: AT, skipped: [{ user: 'U0AE', why: 'away' }] }],
    },
    { id: 'us', name: 'US', members: undefined, usergroup: 'S0SALES', managers: [], mayEdit: true },
  ],
  policies: [
    {
      id: 'emea',
      name: 'EMEA',
      levels: PROGRAM_LEVELS,
      appliesTo: ["Meridian Cloud Consulting's handoffs"],
      version: 12,
      mayEdit: true,
    },
  ],
  partners: [
    {
      id: 7,
      name: 'Meridian <!here> Cloud',
      channels: [{ id: 'C0PARTNER', held: false }],
      managers: ['U0OWNER'],
      notify: 'decisions',
      contacts: ['Lee <!here> Park, VP Alliances', 'Ana Ruiz'],
      mayEdit: true,
    },
    { id: 8, name: 'Tailspin', channels: [], managers: [], notify: 'all', mayEdit: false },
  ],
  closures: ['2026-12-24'],
  holidays: ['US', 'DE-BY'],
  admins: ['U0ADMIN'],
  revops: ['U0REVOPS'],
  managers: { U0AE: 'U0OWNER' },
  history: [{ at: AT, actor: 'U0ADMIN', what: 'the *EMEA* escalation policy: saved', note: 'applied' }],
  settings: (Object.keys(SETTINGS_GROUPS) as SettingsGroup[]).map((group) => ({
    group,
    values: { ...settingsValues({}), escalationChannelId: 'C0INTERNAL', awayWords: 'ooo, <!here> away' },
    stored: ['escalationChannelId', 'awayWords'],
    mayEdit: group !== 'reporting',
  })),
  may: { pools: true, policies: true, program: true, partners: true },
  timeZone: 'Europe/London',
};
/** A score check over 60 packets: Partner context flagged (its sides alike), Proof separating, the rest too few. */
const SCORE_VIEW = (() => {
  const handoffs: ScoredHandoff[] = Array.from({ length: 60 }, (_, i) => ({
    handoffId: i,
    band: i % 4 === 0 ? 'fix' : 'ready',
    components: SCORE_COMPONENTS.map((id) => ({
      id,
      score: (id === 'proof' ? (i < 30 ? 2 : 1) : id === 'partner_context' ? (i % 2 ? 2 : 0) : 2) as
        | 0
        | 1
        | 2,
    })),
    accepted: i < 30 ? 1 : i % 3 === 0 ? 1 : 0,
    declined: i < 30 ? 0 : i % 3 === 0 ? 0 : 1,
    expired: i % 10 === 0 ? 1 : 0,
    meeting: i < 20,
    won: i < 10,
  }));
  return {
    period: '90d' as const,
    from: new Date('2026-01-01T00:00:00Z'),
    to: new Date('2026-04-01T00:00:00Z'),
    timeZone: 'Europe/London',
    check: scoreCheck(handoffs),
    weights: { ...DEFAULT_WEIGHTS, proof: 3 as const },
    mayWeights: true,
  };
})();
const open = handoff({ id: 4242 });
const accepted = handoff({ id: 4243, status: 'accepted', decidedAt: AT });
/** Accepted with a first step, for the messages of its checks. */
const committed = handoff({
  id: 4244,
  status: 'accepted',
  decidedAt: AT,
  firstStep: 'Intro call with Dana and their CFO',
  firstStepDue: '2026-12-02',
});
const expired = handoff({ id: 4244, status: 'expired', expiredAt: AT });
/** An account name that needs cutting, made of characters outside the Basic Multilingual Plane. */
const rocket = handoff({ id: 987_654, accountName: `${'🚀'.repeat(60)} Logistics` });

/** A sample's value, or a function that builds it (so a long builder call reads as the last argument). */
type Value = unknown | (() => unknown);
const built = (value: Value) => (typeof value === 'function' ? value() : value);

const about = (h: HandoffRow, label: string, where: Where, value: Value): Sample => ({
  label,
  where,
  value: built(value),
  ids: [h.id],
  handoff: h,
});

/** A DM or an internal post about `h`. */
const post = (h: HandoffRow, label: string, value: Value) => about(h, label, 'internal', value);
/** A modal, or blocks, about `h`. */
const view = (h: HandoffRow, label: string, value: Value) => about(h, label, 'view', value);

const sample = (where: Where, label: string, value: Value, ids?: readonly number[]): Sample => ({
  label,
  where,
  value: built(value),
  ...(ids && { ids }),
});
/** A DM or internal post about no handoff (or about each of `ids`). */
const other = (label: string, value: Value, ids?: readonly number[]) => sample('other', label, value, ids);
/** A post in the partner's channel about `accepted`, from the partner's view. */
const partnerPost = (label: string, value: Value): Sample => ({
  label,
  where: 'partner',
  value: built(value),
  handoff: accepted,
});
/** A modal, an App Home or blocks about no one handoff (or about each of `ids`). */
const screen = (label: string, value: Value, ids?: readonly number[]) => sample('view', label, value, ids);

const step = (over: Partial<OutcomeRow> = {}): OutcomeRow =>
  ({
    id: 11,
    handoffId: accepted.id,
    outcome: 'meeting_held',
    recordedByUserId: 'U0AE',
    crmOpportunity: null,
    reasonCode: null,
    note: null,
    recordedAt: AT,
    ...over,
  }) as OutcomeRow;

const report = (over: Partial<OutcomeReportRow> = {}) => outcomeReport({ handoffId: accepted.id, ...over });

const move: MoveFacts = {
  from: 'U0OLDAE',
  fromName: 'Sam Old',
  to: open.aeUserId,
  by: { kind: 'policy', policy: 'default', level: 2 },
  chosen: { kind: 'pool', pool: 'emea' },
  left: { kind: 'expired', due: AT.getTime() },
  partner: { kind: 'nothing' },
};

const helpRequest = {
  id: 77,
  accountName: 'Northwind Logistics',
  ask: 'An intro to the CIO',
  partnerOrg: null,
  requestedByUserId: 'U0AE',
  status: 'open',
  claimedByUserId: null,
} as unknown as HelpRequestRow;

/** The AE's question before deciding, waiting for the author (the clock paused), and once answered. */
const paused = handoff({
  id: 4246,
  questionAssignment: 1,
  questionOpen: true,
  pausedAt: AT,
  pauseEndsAt: new Date(AT.getTime() + 2 * 86_400_000),
  moreTime: 'asked',
  moreTimeDays: 2,
});
const question = (over: Partial<QuestionRow> = {}): QuestionRow => ({
  id: 31,
  handoffId: paused.id,
  assignment: 1,
  askedByUserId: paused.aeUserId,
  askedAt: AT,
  text: 'Who signs off on carrier <!channel> invoices?',
  pausedAt: AT,
  pauseEndedAt: null,
  answer: null,
  answeredByUserId: null,
  answeredAt: null,
  ...over,
});
const answered = question({
  answer: 'The CFO & the ops director.',
  answeredByUserId: 'U0AUTHOR',
  answeredAt: AT,
});

const partnerStages: PartnerStage[] = ['considering', 'accepted', 'declined', 'withdrawn', ...OUTCOMES];

/** The author's last packet for the partner, as a new packet offers it. */
const SUGGESTIONS = {
  handoffId: 7,
  partnerOrg: 'Meridian & Co',
  values: {
    partnerContactName: 'Dana Reyes, Alliances lead',
    jointValue: 'We run the <reconciliation> workflow; Meridian implements it.',
    warmPath: 'Dana meets the ops team monthly.',
  },
  others: { warmPath: ['Northwind & Sons'] },
};

/** What the read-back found for a "Review attribution" item. */
const REVIEW_EVIDENCE: ReviewEvidence = {
  crm: 'Salesforce',
  system: 'salesforce',
  recordId: '006000000000001AAA',
  recordName: 'Litware <!here> renewal',
  createdOn: '2026-10-26',
  touchOn: '2026-11-03',
  ruleClass: 'partner_influenced',
  ambiguous: false,
  classification: 'partner_sourced',
  setBy: 'rule',
  key: 'salesforce:006000000000001AAA|2026-10-26..2026-10-26|2026-11-03..2026-11-03|partner_sourced',
};
const REVIEW_ROW = (id: number, handoffId: number) => ({
  id,
  handoffId,
  evidence: REVIEW_EVIDENCE as unknown as Record<string, unknown>,
  status: 'open' as const,
  openedAt: AT,
  decidedBy: null,
  decidedAt: null,
  note: null,
});

const SAMPLES: Record<string, Sample | Sample[]> = {
  // "Add to handoff": the pick, what it says once added, the note when :memo: was skipped.
  'addToHandoff:addToHandoffModal': [
    screen('add to handoff', () =>
      addToHandoffModal([open, accepted], {
        excerpt: 'Dana: can we move the <!here> workshop to Thursday?',
        matched: 1,
        metadata: '{}',
      }),
    ),
  ],
  'addToHandoff:messageAddedModal': [
    view(accepted, 'message added', messageAddedModal(accepted, { already: false })),
    view(accepted, 'message already added', messageAddedModal(accepted, { already: true })),
  ],
  'addToHandoff:addReplies': [
    post(accepted, 'not marked, not in', addReplies.notMarked(accepted, 'not_in_channel')),
    post(accepted, 'not marked, failed', addReplies.notMarked(accepted, 'failed')),
  ],
  'appHome:appHomeView': [
    screen(
      'an App Home with every list full and every button offered',
      appHomeView({
        awaiting: [open, rocket],
        deals: [accepted],
        sent: [open, accepted, expired, rocket],
        owned: [open, expired, rocket],
        offer: (h) => ({ ...EVERY_BUTTON, outcomes: h.status === 'accepted' ? OUTCOMES : [] }),
        revops: { period: '30d', metrics: null, trend: [], trendWeeks: 12 },
        questions: [{ question: question(), handoff: paused }],
      }),
      [open, accepted, expired, rocket, paused].map((h) => h.id),
    ),
  ],
  'appHome:withExportNotice': [
    screen('the RevOps Home with its export line', () =>
      withExportNotice(
        homeView({
          offer: () => NO_OFFER,
          revops: { period: '7d', metrics: null, trend: [], trendWeeks: 12 },
        }),
        'On its way.',
      ),
    ),
  ],
  'channelAccess:appRemovedFromChannel': [
    other('removed', channelAccess.appRemovedFromChannel('C0INTERNAL', [], { how: 'refused' }, 2)),
  ],
  'channelAccess:appBackInChannel': other('back', channelAccess.appBackInChannel('C0INTERNAL', AT, 'UTC', 2)),
  'channelAccess:partnerUpdateReleased': [
    post(open, 'released', channelAccess.partnerUpdateReleased(open, 'C0PARTNER', AT, 'UTC', true)),
  ],
  'coverModal:coverModal': [screen('cover modal', coverModal.coverModal({}))],
  'coverModal:coverNamedMessage': [
    other('cover named', () =>
      coverModal.coverNamedMessage({
        aeUserId: 'U0AE',
        coverUserId: 'U0COVER',
        from: '2026-03-04',
        until: '2026-03-09',
      }),
    ),
  ],
  'coverModal:coverEndedMessage': [
    other('cover ended', coverModal.coverEndedMessage({ aeUserId: 'U0AE', until: '2026-03-09' })),
  ],
  // The AE back from an absence reads of the handoffs that went to their cover, each with View.
  'coverModal:whileAwayMessage': [
    sample(
      'other',
      'while you were away',
      coverModal.whileAwayMessage(
        [
          { h: open, cover: 'U0COVER', at: AT },
          { h: accepted, cover: 'U0COVER', at: AT },
        ],
        'UTC',
      ),
      [open.id, accepted.id],
    ),
  ],
  // Each person's own days (App Home section, modal, the pool manager's notice).
  // RevOps in money: a figure in two currencies, one without a rate, a partner's name with mrkdwn in it.
  // The App Home's RevOps section while its figures are computed (the computed ones: the appHome samples).
  'revopsHome:revopsBlocks': [
    screen('revops computing', {
      blocks: revopsBlocks({ period: '90d', metrics: null, trend: [], trendWeeks: 12 }),
    }),
  ],
  'money:moneyBlocks': [
    screen('money', {
      blocks: moneyBlocks(
        moneyFigures({
          rows: [
            {
              handoffId: 1,
              partner: 'Meridian <!here> *Cloud*',
              classification: 'partner_sourced',
              scoreBand: 'ready',
              sentAt: AT,
              system: 'salesforce',
              recordId: '006A',
              amount: 120_000,
              currency: 'EUR',
              amountCorporate: null,
              closed: false,
              won: false,
              closeDate: '2026-04-30',
              readAt: AT,
            },
          ],
          currencies: new Map([['salesforce', { corporate: 'USD', rates: [] }]]),
          reporting: 'USD',
          period: { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-05T00:00:00Z') },
          days: { first: '2026-02-01', last: '2026-03-04' },
          today: '2026-03-04',
          closedDeals: null,
          afterAccept: { toMeeting: [3], toOpportunity: [] },
          systems: ['salesforce'],
        }),
        'America/New_York',
      ),
    }),
  ],
  'myDays:myDaysBlocks': [
    screen('your days', {
      blocks: myDaysBlocks({
        workingDays: [1, 2, 4],
        holidays: { kind: 'zone', regions: ['DE'], timeZone: 'Europe/Berlin' },
        paused: '2026-12-03',
        pools: [{ id: 'emea', name: 'EMEA <!here> backup', managers: ['U0OWNER'] }],
        byGroup: true,
      }),
    }),
    screen('your days, your own week and hours', {
      blocks: myDaysBlocks({
        workingDays: [7, 1, 2, 3, 4],
        hours: { start: '08:00', end: '16:00' },
        timeZone: 'Asia/Jerusalem',
        holidays: { kind: 'own', regions: ['IL'] },
        pools: [],
        byGroup: false,
      }),
    }),
  ],
  // "Review attribution": RevOps' open items, and the modal that asks why.
  'attributionItems:reviewItemBlocks': [
    screen(
      'review attribution items',
      {
        blocks: reviewItemBlocks(
          {
            items: [
              { review: REVIEW_ROW(1, open.id), handoff: open },
              { review: REVIEW_ROW(2, accepted.id), handoff: accepted },
            ],
            total: 3,
          },
          100,
        ),
      },
      [open.id, accepted.id],
    ),
  ],
  'attributionItems:reviewDecisionModal': [
    screen('keep', reviewDecisionModal(open, { id: 1 }, REVIEW_EVIDENCE, 'keep')),
    screen('change', reviewDecisionModal(open, { id: 1 }, REVIEW_EVIDENCE, 'change')),
  ],
  // The score against outcomes (one component flagged, the others too few), its weights, its digest lines.
  'scoreCheck:scoreCheckModal': [
    screen('the score view', scoreChecks.scoreCheckModal(SCORE_VIEW)),
    screen('the score view (AE-less)', scoreChecks.scoreCheckModal({ ...SCORE_VIEW, mayWeights: false })),
  ],
  'scoreCheck:scoreWeightsModal': [
    screen('the weights', scoreChecks.scoreWeightsModal({ ...DEFAULT_WEIGHTS, proof: 3, owner: 0 })),
  ],
  'scoreCheck:scoreCheckButton': [
    screen('the button', { blocks: [{ type: 'actions', elements: [scoreChecks.scoreCheckButton()] }] }),
  ],
  'scoreCheck:scoreCheckDigestBlocks': [
    screen('last month', { blocks: scoreChecks.scoreCheckDigestBlocks(SCORE_VIEW.check, 'November 2026') }),
  ],
  'myDays:myDaysModal': [
    screen('your days modal', myDaysModal({ regions: ['US'], paused: 'until_resumed' }, 'until_resumed')),
    screen('your days modal, your own week and hours', () =>
      myDaysModal({ workingDays: [7, 1, 2, 3, 4], hours: { start: '08:00', end: '16:00' } }, undefined, {
        start: '09:00',
        end: '17:00',
      }),
    ),
  ],
  'myDays:ownDaysNotice': [
    other('paused', ownDaysNotice({ person: 'U0AE', pools: ['EMEA'], paused: '2026-12-03' })),
    other('back', ownDaysNotice({ person: 'U0AE', pools: ['EMEA', 'US'] })),
  ],
  // To the person an admin paused or resumed.
  'myDays:ownPauseNotice': [
    other('paused', ownPauseNotice({ by: 'U0ADMIN', pools: ['EMEA'], paused: '2026-12-18' })),
    other('back', ownPauseNotice({ by: 'U0ADMIN', pools: [] })),
  ],
  // The program in Slack: the App Home's section, its pages and each part's editor.
  'programPages:programHomeBlocks': screen('the program (admin)', {
    blocks: programPages.programHomeBlocks(PROGRAM),
  }),
  'programPages:programPageModal': programPages.PROGRAM_PAGES.map((page) =>
    screen(`the ${page} page`, programPages.programPageModal(page, PROGRAM)),
  ),
  'settingsEditor:settingsPageBlocks': [
    screen('the settings', { blocks: settingsPageBlocks(PROGRAM.settings) }),
  ],
  'settingsEditor:settingsEditorModal': (Object.keys(SETTINGS_GROUPS) as SettingsGroup[]).map((group) =>
    screen(`the ${group} settings' editor`, () =>
      settingsEditorModal(group, { ...settingsValues({}), partnerHelpChannelId: 'C0HELP' }),
    ),
  ),
  'policyEditor:policyEditorModal': [
    screen('an edited policy', () =>
      policyEditorModal({
        id: 'emea',
        name: 'EMEA <!here>',
        levels: PROGRAM_LEVELS,
        pools: [{ id: 'backup', name: 'EMEA backup' }],
        partners: ['Meridian Cloud Consulting', 'Tailspin'],
        routedPartners: ['Meridian Cloud Consulting'],
        routedPools: [],
        openCount: 3,
      }),
    ),
    screen('a new policy', () =>
      policyEditorModal({
        name: '',
        levels: [],
        pools: [],
        partners: [],
        routedPartners: [],
        routedPools: [],
        openCount: 0,
      }),
    ),
  ],
  'programEditors:poolEditorModal': [
    screen('a pool, by an admin', () =>
      programEditors.poolEditorModal({
        id: 'backup',
        name: 'EMEA backup',
        members: ['U0AE', 'U0AE2'],
        cap: 4,
        defaultCap: 10,
        managers: ['U0OWNER'],
        weights: { U0AE: 2 },
        sharing: 'week',
        admin: true,
      }),
    ),
    screen("a user group's pool, by its manager", () =>
      programEditors.poolEditorModal({
        id: 'us',
        name: 'US',
        members: undefined,
        usergroup: 'S0SALES',
        defaultCap: 10,
        managers: ['U0OWNER'],
        admin: false,
      }),
    ),
    screen('a new pool', () =>
      programEditors.poolEditorModal({ name: '', members: [], defaultCap: 10, managers: [], admin: true }),
    ),
  ],
  'programEditors:calendarEditorModal': [
    screen('closures and regions', () =>
      programEditors.calendarEditorModal({
        closures: ['2026-12-24', '2026-12-31'],
        holidays: ['US', 'DE-BY'],
      }),
    ),
    screen('by time zone', programEditors.calendarEditorModal({ closures: [], holidays: 'by_zone' })),
  ],
  'programEditors:rolesEditorModal': [
    screen('roles', () =>
      programEditors.rolesEditorModal({
        admins: ['U0ADMIN'],
        revops: ['U0REVOPS'],
        adminGroup: 'S0ADMINS',
        revopsGroup: 'S0REVOPS',
        usergroups: [
          { id: 'S0ADMINS', name: 'Program admins', handle: 'program-admins' },
          { id: 'S0OTHER', name: 'Sales <!here> leads', handle: 'sales-leads' },
        ],
      }),
    ),
    screen('roles, user groups not read', () =>
      programEditors.rolesEditorModal({ admins: [], revops: [], adminGroup: 'S0ADMINS' }),
    ),
  ],
  'programEditors:partnerEditorModal': [
    screen('a partner, by RevOps', () =>
      programEditors.partnerEditorModal({
        id: 7,
        name: 'Meridian <!here> Cloud',
        managers: ['U0OWNER'],
        notify: 'decisions',
        contacts: ['Lee <!here> Park, VP Alliances & Channels', 'Ana Ruiz'],
        mayManagers: true,
      }),
    ),
    screen('a partner, by its manager', () =>
      programEditors.partnerEditorModal({
        id: 7,
        name: 'Meridian',
        managers: ['U0OWNER'],
        notify: 'all',
        contacts: [],
        mayManagers: false,
      }),
    ),
  ],
  'programEditors:managersEditorModal': [
    screen('managers', programEditors.managersEditorModal({ U0AE: 'U0OWNER' })),
    screen('no managers', programEditors.managersEditorModal({})),
  ],
  'declineModal:declineModal': [view(open, 'decline modal', declineModal(open))],
  'acceptModal:acceptModal': [
    view(open, 'accept modal', acceptModal(open, '2026-12-02')),
    view(open, 'accept modal with CRMs (link or create)', () =>
      acceptModal(open, '2026-12-02', { crms: ['salesforce', 'hubspot'] }),
    ),
  ],
  'stepChecks:stepCheckMessage': (['reminder', 'check_in', 'owner', 'moved'] as const).map((kind) =>
    post(committed, `first step (${kind})`, () =>
      stepChecks.stepCheckMessage(committed, {
        kind,
        due: '2026-12-02',
        from: '2026-11-30',
        takeBackAt: Date.parse('2026-12-07T16:00:00Z'),
        takeBackTo: 'Enterprise backup AEs',
      }),
    ),
  ),
  // A deal handed back, or taken back by the policy (the pool had nobody), to the owner and the AE.
  'stepChecks:takenBackNotice': ([true, false] as const).flatMap((handedBack) =>
    ['U0OWNER', committed.aeUserId].map((reader) =>
      post(committed, `taken back (${handedBack ? 'handed back' : 'silence'}, ${reader})`, () =>
        stepChecks.takenBackNotice(
          committed,
          {
            handedBack,
            step: committed.firstStep ?? '',
            stepDue: '2026-12-02',
            ...(handedBack ? {} : { days: 3, unassigned: 'pool' as const, poolName: 'Backup AEs' }),
          },
          committed.aeUserId,
          reader,
        ),
      ),
    ),
  ),
  // A deal back with its owner and given to nobody, the owner's morning reminder and their manager's.
  'stepChecks:stillWaitingNotice': [committed.ownerUserId, 'U0MANAGER'].map((reader) =>
    post(committed, `still waits for an AE (${reader})`, () =>
      stepChecks.stillWaitingNotice(committed, { since: 0, sinceDay: '2026-11-30', days: 2 }, reader),
    ),
  ),
  'stepChecks:stepDateModal': view(
    committed,
    'new date modal',
    stepChecks.stepDateModal(committed, '2026-12-03'),
  ),
  'digest:weeklyDigest': [
    other('digest', () =>
      digestOf({ atRisk: { dueSoon: [open], unanswered: [expired], stalled: [accepted] } }),
    ),
  ],
  'handoffList:handoffButtons': [
    view(open, 'View, Edit', handoffList.handoffButtons(open, { editable: true })),
    view(accepted, 'View, Note', handoffList.handoffButtons(accepted, { editable: false, notable: true })),
  ],
  'handoffList:noteModal': [view(accepted, 'note modal', handoffList.noteModal(accepted))],
  'handoffList:noteSentModal': [view(accepted, 'note sent', handoffList.noteSentModal(accepted))],
  'handoffList:handoffList': [
    screen(
      '/handoff list',
      handoffList.handoffList([open, accepted, expired, rocket], {
        all: true,
        total: 4,
        now: AT,
        timeZone: 'UTC',
      }),
      [open, accepted, expired, rocket].map((h) => h.id),
    ),
  ],
  'handoffList:handoffViewModal': [
    view(open, 'View', () =>
      handoffList.handoffViewModal(open, handoffMessage(open, { offer: NO_OFFER }), [], {
        editable: true,
        notable: false,
      }),
    ),
    view(accepted, 'View, followed', () =>
      handoffList.handoffViewModal(accepted, handoffMessage(accepted, { offer: NO_OFFER }), [], {
        editable: false,
        notable: true,
        following: 'all',
      }),
    ),
  ],
  'following:followBlocks': ([null, 'all', 'decisions'] as const).map((following) =>
    view(open, `follow row (${following ?? 'not following'})`, followBlocks(open, following)),
  ),
  // To someone an admin named to follow a handoff, or took off.
  'following:followNamedNotice': (['decisions', null] as const).map((following) =>
    post(accepted, `named a follower (${following ?? 'taken off'})`, () =>
      followNamedNotice({ by: 'U0ADMIN', handoff: accepted, following }),
    ),
  ),
  'following:watcherNotice': (Object.keys(FOLLOWER_NEWS) as LifecycleEvent[]).flatMap((event) =>
    (
      [
        { kind: 'follower', choice: 'decisions' },
        { kind: 'partner_manager', choice: 'all' },
      ] as const
    ).map((why) =>
      post(accepted, `${event} to a ${why.kind}`, () =>
        watcherNotice(
          {
            event,
            handoff: accepted,
            // The touch log's row of the change, as the watchers read it (the history's words).
            logged: handoffEvent({
              ...{ handoffId: accepted.id, type: TRANSITIONS[event].logAs, toStatus: 'accepted' },
              ...{ actorUserId: 'U0OWNER', aeUserId: accepted.aeUserId, at: AT },
              detail: { previousAeUserId: 'U0OLDAE' },
            }),
          },
          why,
        ),
      ),
    ),
  ),
  'handoffMessage:handoffMessage': [
    post(open, 'the packet, open', handoffMessage(open, { offer: { ...NO_OFFER, decide: true } })),
    post(open, "the packet, the CRM's owner, from a message", () =>
      handoffMessage(
        {
          ...open,
          routingReason: 'Jordan Seller owns Northwind & Co in Salesforce',
          sourceUrl: 'https://acme.slack.com/archives/C0PARTNER/p1795442400000100',
        },
        { offer: { ...NO_OFFER, decide: true } },
      ),
    ),
    post(rocket, 'the packet, long name', handoffMessage(rocket, { offer: { ...NO_OFFER, decide: true } })),
    post(accepted, 'the packet, accepted', handoffMessage(accepted, { offer: EVERY_BUTTON })),
    post(open, 'the packet, moved away', handoffMessage(open, { offer: NO_OFFER, movedTo: 'U0NEW' })),
  ],
  'handoffMessage:decisionButtons': [view(open, 'Accept, Decline', decisionButtons(open))],
  'heldBackNotice:heldBackNotice': (['open', 'confirmed'] as const).map((outcome) =>
    post(accepted, `held back (${outcome})`, () =>
      heldBackNotice(
        accepted,
        {
          ask: { reason: 'date_passed', move: 'Dana books it', date: '2026-03-01', version: 'v1' },
          outcome,
          heldNow: false,
          by: 'U0AUTHOR',
        },
        'U0AUTHOR',
      ),
    ),
  ),
  'heldBackNotice:nextMoveModal': view(accepted, 'next move', nextMoveModal(accepted, 'v1', '2026-03-04')),
  'helpRequest:helpRequestModal': [screen('help modal', helpRequestModal())],
  'helpRequest:helpRequestPost': other('help request', helpRequestPost(helpRequest), [helpRequest.id]),
  'moveNotices:unassignedMessage': [
    post(open, 'unassigned', () =>
      unassignedMessage(open, { policy: 'default', level: 2, why: 'limit', limit: 2 }),
    ),
  ],
  'notices:sentConfirmation': [post(open, 'sent', notices.sentConfirmation(open))],
  'notices:ownerAssigned': [post(open, 'owner', notices.ownerAssigned(open))],
  'notices:decisionNotice': [
    post(accepted, 'accepted', notices.decisionNotice(accepted, decision({ handoffId: accepted.id }))),
    post(
      open,
      'declined',
      notices.decisionNotice(open, decision({ decision: 'declined', reasonCode: 'timing' })),
    ),
  ],
  'crmCreated:crmRecordCreated': [
    post(accepted, 'opportunity created', () =>
      crmRecordCreated(
        accepted,
        { label: 'Salesforce', record: 'opportunity' },
        {
          id: '006Hs00000000AAIAA',
          name: 'Northwind – co-sell with Meridian',
          url: 'https://acme.my.salesforce.com/lightning/r/Opportunity/006Hs00000000AAIAA/view',
        },
      ),
    ),
  ],
  'crmCreated:crmRecordNotCreated': [
    post(accepted, 'opportunity not created', () =>
      crmRecordNotCreated(
        accepted,
        { label: 'HubSpot', record: 'deal' },
        'HubSpot: the service key lacks a scope (it needs crm.objects.deals.write): This app hasn’t been granted all required scopes.',
      ),
    ),
  ],
  'crmRefused:crmRefusedByRules': [
    post(accepted, 'refused by a rule', () =>
      crmRefusedByRules(
        accepted,
        "HubSpot refused the deal update: the 'Deal type' property is required by your HubSpot admin's rules.",
        34,
      ),
    ),
  ],
  'notices:partnerChannelBlocked': [
    post(accepted, 'held', notices.partnerChannelBlocked(accepted, 'partner_channel_held')),
    post(accepted, 'not in', notices.partnerChannelBlocked(accepted, 'not_in_channel')),
  ],
  'outcomeReports:outcomeReportMessage': [
    post(accepted, 'report to the AE', outcomeReportMessage(accepted, report(), accepted.aeUserId)),
    post(accepted, 'report to the reporter', outcomeReportMessage(accepted, report(), 'U0AUTHOR')),
  ],
  'outcomeReports:undoBlocks': [view(accepted, 'Undo', undoBlocks(accepted, step(), AT, 'UTC'))],
  'outcomeReports:undoneNotice': post(accepted, 'undone', undoneNotice(accepted, 'won', 'U0AE', 'U0AE')),
  'outcomes:outcomeButtons': [view(accepted, 'steps', outcomes.outcomeButtons(accepted, OUTCOMES))],
  'outcomes:reportButtons': [view(accepted, 'reports', outcomes.reportButtons(accepted, OUTCOMES))],
  'outcomes:opportunityModal': [view(accepted, 'opportunity', outcomes.opportunityModal(accepted))],
  'outcomes:lostModal': [view(accepted, 'lost', outcomes.lostModal(accepted, 'report'))],
  'outcomes:outcomeNotice': [
    post(accepted, 'outcome with Undo', () =>
      outcomes.outcomeNotice(accepted, step(), 'U0AE', { until: AT, timeZone: 'UTC' }),
    ),
  ],
  'outcomes:stallNudge': [post(accepted, 'nudge', outcomes.stallNudge(accepted, AT))],
  'ownerActions:ownerActionButtons': [
    view(expired, 'owner actions', ownerActionButtons(expired, OWNER_ACTIONS)),
    view(rocket, 'owner actions, long name', ownerActionButtons(rocket, OWNER_ACTIONS)),
  ],
  'ownerActions:reassignModal': [view(expired, 'reassign', reassignModal(expired))],
  'ownerActions:extendModal': [view(expired, 'extend', extendModal(expired))],
  'packetModal:packetModal': [
    screen('packet', packetModal({ authorUserId: 'U0AUTHOR' })),
    screen('packet prefilled from a message', () =>
      packetModal({
        authorUserId: 'U0AUTHOR',
        prefill: {
          accountName: 'Northwind & Co',
          aeUserId: 'U0AE',
          customerTrigger: 'Dana: <!here> they move in March',
        },
        sources: {
          accountName: 'From Salesforce: matched by northwind.example.',
          aeUserId: 'From Salesforce: Jordan owns it.',
        },
        notes: [
          ':speech_balloon: Started from Dana’s message (<https://acme.slack.com/archives/C1/p1|open it>).',
        ],
        source: 'https://acme.slack.com/archives/C1/p1',
        suggestions: SUGGESTIONS,
      }),
    ),
  ],
  'packetSuggestions:viewWithSuggestion': [
    screen('packet with a suggestion used', () =>
      viewWithSuggestion(
        packetModal({ authorUserId: 'U0AUTHOR', suggestions: SUGGESTIONS }) as Parameters<
          typeof viewWithSuggestion
        >[0],
        SUGGESTIONS,
        'warmPath',
        [],
      ),
    ),
  ],
  'packetLoading:packetLoadingModal': [screen('loading', packetLoadingModal())],
  'partnerReplies:partnerChannelHeldAdmin': [
    other('held', partnerChannelHeldAdmin('C0PARTNER', 'Meridian', 'Contoso')),
  ],
  'partnerReplies:internalChannelShared': other('shared', internalChannelShared('C0INTERNAL', [])),
  'partnerUpdate:partnerUpdate': [
    ...partnerStages.map((stage) =>
      partnerPost(`reply (${stage})`, () =>
        partnerUpdate(partnerSafeUpdate(accepted, stage, 'timing', 'no_budget')),
      ),
    ),
    partnerPost('reply (accepted, with the first step)', () =>
      partnerUpdate({
        ...partnerSafeUpdate(accepted, 'accepted'),
        nextStep: { text: 'Intro call with Dana and their CFO', due: '2026-12-02' },
      }),
    ),
  ],
  'partnerUpdate:partnerThreadParent': partnerStages.map((stage) =>
    partnerPost(`parent (${stage})`, () =>
      partnerThreadParent(partnerSafeUpdate(accepted, stage, 'timing', 'no_budget')),
    ),
  ),
  'parts:button': [
    view(open, 'a button', button({ text: 'View', actionId: 'x', value: '1' }, open)),
    screen('a button on no handoff', button({ text: 'Go', actionId: 'x', value: '1' }, 'Go there')),
  ],
  'asks:questionModal': [view(paused, 'question modal', asks.questionModal(paused, 2))],
  'asks:questionSentModal': [view(paused, 'question sent', asks.questionSentModal(paused))],
  'asks:answerModal': [view(paused, 'answer modal', asks.answerModal(paused, question()))],
  'asks:answerSentModal': [view(paused, 'answer sent', asks.answerSentModal(paused, answered))],
  'asks:answerButton': [view(paused, 'Answer', asks.answerButton(paused, question()))],
  'asks:packetQuestion': view(
    paused,
    'question on the packet',
    asks.packetQuestion(paused, answered, 'U0AE'),
  ),
  'asks:questionMessage': ['U0AUTHOR', 'U0AE', 'U0OWNER'].flatMap((reader) => [
    post(paused, `question to ${reader}`, asks.questionMessage(paused, question(), reader, true)),
    post(paused, `answer to ${reader}`, asks.questionMessage(paused, answered, reader, false)),
  ]),
  'moreTime:moreTimeMessage': [
    post(paused, 'more time asked', () =>
      moreTimeMessage(paused, { role: 'owner', reader: 'U0AUTHOR' }, 2, undefined),
    ),
    post(open, 'more time given', () =>
      moreTimeMessage({ ...open, moreTime: 'granted', moreTimeDays: 2 }, { role: 'ae', reader: 'U0AE' }, 2, {
        by: 'U0AUTHOR',
        at: AT,
      }),
    ),
  ],
  'surfaces:renderSurface': [
    open,
    accepted,
    expired,
    handoff({ id: 4245, status: 'withdrawn', withdrawnAt: AT, assignment: 2 }),
    paused,
  ].flatMap((h) =>
    everyInternalSurface(h, {
      decision: decision({ handoffId: h.id }),
      currentDecision: decision({ handoffId: h.id }),
      step: step({ handoffId: h.id }),
      question: question({ handoffId: h.id }),
      grant: { by: 'U0OWNER', at: AT },
    }).map(({ label, message }) => post(h, `${h.status} ${label}`, message)),
  ),
  'windowNotices:reminderMessage': [post(open, 'reminder', windowNotices.reminderMessage(open, AT))],
  'windowNotices:expiredOwnerNotice': [
    post(expired, 'expired', windowNotices.expiredOwnerNotice(expired)),
    post(expired, 'expired away', windowNotices.expiredOwnerNotice(expired, { status: 'Vacation' })),
  ],
  'windowNotices:expiredMovedNotice': [
    post(open, 'expired, moved', () =>
      windowNotices.expiredMovedNotice(open, { ae: 'U0OLDAE', due: AT.getTime() }, move, 'U0AUTHOR'),
    ),
  ],
  'windowNotices:escalationMessage': [post(expired, 'escalation', windowNotices.escalationMessage(expired))],
  'windowNotices:waitingMessage': [post(open, 'waiting', windowNotices.waitingMessage(open))],
  'windowNotices:awayMessage': [
    post(open, 'away', windowNotices.awayMessage(open, ':palm_tree: Vacation', AT.getTime(), 'U0COVER')),
  ],
  'windowNotices:reassignedOwnerNotice': [
    post(open, 'reassigned', windowNotices.reassignedOwnerNotice(open, 'U0OLDAE', move, 'U0AUTHOR')),
  ],
  'windowNotices:extendedOwnerNotice': [post(open, 'extended', windowNotices.extendedOwnerNotice(open))],
  'windowNotices:extendedAeNotice': [post(open, 'more time', windowNotices.extendedAeNotice(open))],
  'windowNotices:withdrawnOwnerNotice': [
    post(open, 'withdrawn', windowNotices.withdrawnOwnerNotice(handoff({ id: 4242, status: 'withdrawn' }))),
  ],
};

/** Modals, and their blocks, made of inputs only: their files must show no button (checked below). */
const INPUTS_ONLY: Record<string, string> = {
  'reviewModal:reviewModal': 'the review before Send: inputs and text',
  'attributionReview:crmAttributionBlocks': "the review's attribution inputs",
  'reviewPartnerPreview:partnerPreview': 'what the partner will read, inside the review',
  'poolWeights:poolSharingInputs': "the pool editor's weights and sharing inputs",
  'crmConnect:crmConnectModal': "a workspace's own CRM: its credentials' inputs",
  'crmConnect:crmConnectedView': 'the CRM form once connected: text and Done',
};

/** Exports that build no message: strings and replies, ids, constants, and pieces checked through their messages. */
const NOT_BUILDERS = new Set(
  (
    [
      // The packet's verdict in words: checked through the review header and the AE's packet.
      ['scoreVerdict', 'verdictText'],
      // How many partners the money section names: a number.
      ['money', 'MONEY_PARTNERS_SHOWN'],
      // The score against outcomes' words: checked through its view and the digest.
      ['scoreCheck', 'groupWords flagLine componentLine weightsWords summaryLine'],
      // A pool's weights and sharing in words: checked through the pool editor and the pools page.
      ['poolWeights', 'weightRowCount weightedMember groupWeights sharingWords'],
      ['packetSuggestions', 'suggestionBlocks alreadyThere suggestActionId parseSuggestionValue'],
      ['packetSuggestions', 'suggestionValue usedFields SUGGESTIONS_BLOCK_ID'],
      ['packetModalOptions', 'sourcedHint noteBlocks INTRO'],
      ['packetOrigin', 'originBlocks'],
      ['reviewOwner', 'ownerBlocks'],
      ['addToHandoff', 'addRefusalText PICK_MAX'],
      ['appHome', 'HOME_LIMITS homePeriodFrom'],
      ['attributionItems', 'REVIEW_ITEMS_SHOWN HOME_BLOCKS_MAX reviewItemText'],
      ['channelAccess', 'whatIPostThere'],
      ['commandReplies', 'roleNames commandReply editRefusal noteRefusal'],
      // `/handoff crm`'s answers: strings about no handoff.
      ['crmConnect', 'crmReplies'],
      ['coverModal', 'COVER_MEANS coverWhenText'],
      ['myDays', 'TIME_OFF_LINE holidaysLine poolsLine myDaysReplies'],
      ['programPages', 'PROGRAM_PAGES pagesFor'],
      ['settingsEditor', 'settingWords'],
      ['programEditors', 'NO_USERGROUP'],
      ['policyEditor', 'LEVEL_ROWS_MAX REMOVE_LEVEL'],
      ['following', 'followReplies'],
      ['ephemerals', 'refusalMessage refusalPlain ephemeral failureText ownerRefusalMessage'],
      ['ephemerals', 'ownerRefusalPlain outcomeRefusalMessage outcomeRefusalPlain'],
      ['handoffList', 'standing'],
      ['asks', 'deadlineFor pausedLine dueOrPaused'],
      ['askReplies', 'askRefusalMessage askRefusalPlain'],
      ['history', 'historyLine historyWords'],
      ['handoffMessage', 'field windowDaysText decisionValue'],
      ['packetFindings', 'findingsSection'],
      ['heldBackNotice', 'heldBackValue'],
      ['helpRequest', 'helpReplies'],
      ['metrics', 'percent hours ofWhole headline afterAcceptSection groupSection trendTable chartImage'],
      ['metrics', 'chartMissing'],
      ['moveNotices', 'triggerWords policyRule PolicyRuleSubject moverText leftText partnerSoFarText'],
      ['moveNotices', 'movedToYouBlock moveWhyLine movedByPast packetNamesBlock unassignedText'],
      ['moveNotices', 'unassignedPast plannedMoveText gaveItText partnerSoFarLine'],
      ['notices', 'PARTNER_CHANNEL_HELD'],
      ['outcomeReplies', 'reportAnswerReply undoReply'],
      ['outcomeReports', 'reportState'],
      ['outcomes', 'outcomeLine firstStepLine estimatedValueLine CRM_RECORDERS'],
      ['declineModal', 'decisionMetadata'],
      ['stepChecks', 'newStepDateButton stepButtons stepRefusal handBackButton handBackRefusal stepsReply'],
      ['partnerUpdate', 'nextStepLine partnerMoveText'],
      ['packetErrors', 'SUMMARY_BLOCK withErrorSummary'],
      ['partnerReplies', 'partnerReply'],
      ['parts', 'pt section context handoffTitle notifyText buttonLabel BUTTON_LABEL_MAX ON_NEWEST'],
      ['reviewPartnerPreview', 'linesWithin'],
      ['surfaces', 'readerOf nowLine PERMALINK_TOKEN'],
      ['windowNotices', 'PERMALINK_TOKEN timeLeft awayWhy expiredMovedPast backDay'],
    ] as const
  ).flatMap(([file, names]) => names.split(' ').map((name) => `${file}:${name}`)),
);
/** Whole files of strings, ids and text helpers. */
const TEXT_FILES = new Set(['ids', 'mrkdwn', 'message', 'packetReplies', 'revopsReplies', 'savedNotes']);

const BLOCKS = join(import.meta.dirname, '../../../src/blocks');
const files = readdirSync(BLOCKS)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const modules = await Promise.all(
  files.map(
    async (file) => [file, (await import(join(BLOCKS, `${file}.ts`))) as Record<string, unknown>] as const,
  ),
);

const buttonsOf = (value: unknown) => [...objects(value)].filter((o) => o.type === 'button');
const samples = Object.entries(SAMPLES).flatMap(([builder, made]) =>
  [made].flat().map((s) => ({ ...s, builder, name: `${builder}: ${s.label}` })),
);

describe('every message builder is accessible and phone-ready', () => {
  it('knows every export of src/blocks: a new builder needs a sample here', () => {
    const unknown: string[] = [];
    for (const [file, exports] of modules) {
      if (TEXT_FILES.has(file)) continue;
      for (const name of Object.keys(exports)) {
        const key = `${file}:${name}`;
        if (!(key in SAMPLES) && !(key in INPUTS_ONLY) && !NOT_BUILDERS.has(key)) unknown.push(key);
      }
    }
    expect(unknown).toEqual([]);
    // And no entry names something that is not there any more.
    const exported = new Set(
      modules.flatMap(([file, exports]) => Object.keys(exports).map((n) => `${file}:${n}`)),
    );
    const stale = [...Object.keys(SAMPLES), ...Object.keys(INPUTS_ONLY), ...NOT_BUILDERS].filter(
      (key) => !exported.has(key),
    );
    expect(stale).toEqual([]);
  });

  it('keeps buttons out of the builders said to hold inputs only', () => {
    for (const key of Object.keys(INPUTS_ONLY)) {
      const source = readFileSync(join(BLOCKS, `${key.split(':')[0]}.ts`), 'utf8');
      expect(source, key).not.toMatch(/type: 'button'|\bbutton\(|accessibility_label/);
    }
  });

  it('labels every button with its action and handoff, within 75 characters, once per message', () => {
    let checked = 0;
    for (const s of samples) {
      const buttons = buttonsOf(s.value);
      const labels = buttons.map((b) => b.accessibility_label);
      for (const [index, label] of labels.entries()) {
        const text = (buttons[index]?.text as Obj | undefined)?.text;
        expect(typeof label, `${s.name}: "${String(text)}" has no accessibility_label`).toBe('string');
        const value = label as string;
        expect(value.length, `${s.name}: ${value}`).toBeLessThanOrEqual(BUTTON_LABEL_MAX);
        // Cut on a code-point boundary: no lone surrogate.
        expect(value, `${s.name}: ${value}`).not.toMatch(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
        // The App Home's Export acts on no handoff: its label says what it exports.
        if (
          s.ids &&
          buttons[index]?.action_id !== ACTION_ID.homeExport &&
          buttons[index]?.action_id !== ACTION_ID.scoreCheck &&
          buttons[index]?.action_id !== ACTION_ID.scoreWeights
        ) {
          expect(
            s.ids.some((id) => value.includes(`#${id},`)),
            `${s.name}: "${value}" names none of ${s.ids.join(', ')}`,
          ).toBe(true);
        }
        checked++;
      }
      expect(new Set(labels).size, `${s.name}: two buttons share a label: ${labels.join(' | ')}`).toBe(
        labels.length,
      );
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('names the handoff, account and partner in the notification text of every message about one', () => {
    for (const s of samples.filter((x) => x.where === 'internal')) {
      const text = (s.value as { text?: unknown }).text;
      const h = s.handoff as HandoffRow;
      expect(typeof text, s.name).toBe('string');
      expect(text, s.name).toMatch(new RegExp(`^Handoff #${h.id} · `));
      expect(text, s.name).toContain(h.accountName.slice(0, 20));
      expect(text, s.name).toContain(`(${h.partnerOrg})`);
      expect((text as string).length, s.name).toBeLessThanOrEqual(600);
    }
  });

  it('says what is due in the notification of a message that asks for an answer', () => {
    const asks = samples.filter((s) =>
      ['the packet, open', 'reminder', 'sent', 'owner', 'waiting', 'more time', 'reassigned'].includes(
        s.label,
      ),
    );
    expect(asks.length).toBe(7);
    for (const s of asks) expect((s.value as { text: string }).text, s.name).toContain('Thu 5 Mar');
  });

  it("keeps a partner post's notification partner-safe: the account, never an internal field", () => {
    const internal = (h: HandoffRow) => [
      `#${h.id}`,
      h.riskNote ?? '',
      h.crmOpportunity ?? '',
      h.evidenceUrl ?? '',
      h.aeUserId,
      h.ownerUserId,
      h.customerTrigger,
      '/18',
    ];
    for (const s of samples.filter((x) => x.where === 'partner')) {
      const { text } = s.value as { text: string };
      const h = s.handoff as HandoffRow;
      expect(text, s.name).toContain(h.accountName);
      for (const secret of internal(h)) expect(text, `${s.name}: ${secret}`).not.toContain(secret);
      // Our AE is named only once they accepted.
      if (['considering', 'declined', 'withdrawn'].some((stage) => s.label.includes(`(${stage})`)))
        expect(text, s.name).not.toContain(h.aeName);
      expect(buttonsOf(s.value), s.name).toEqual([]);
    }
  });
});
