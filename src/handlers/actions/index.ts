import { ACTION_ID, OUTCOME_ACTION_PREFIX } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import type { ActionListener, ActionTable } from '../routes.js';
import { acceptAction } from './accept.js';
import { askActions } from './asks.js';
import { reviewDecisionAction } from './attributionReview.js';
import { declineAction } from './decline.js';
import { declineReasonAction } from './declineReason.js';
import { editAction, noteAction } from './editHandoff.js';
import { followAction } from './follow.js';
import { handBackAction } from './handBack.js';
import { heldBackActions } from './heldBack.js';
import { helpClaimAction } from './helpClaim.js';
import { homeExportAction, homePeriodAction } from './homeRefresh.js';
import { myDaysAction } from './myDays.js';
import { outcomeAnswerActions } from './outcomeAnswers.js';
import { outcomeButton } from './outcomeButtons.js';
import { ownerModalButton, withdrawButton } from './ownerButtons.js';
import { packetSuggestAction } from './packetSuggest.js';
import { programEditAction, programOpenAction } from './program.js';
import { scoreCheckAction, scoreCheckPeriodAction, scoreWeightsAction } from './scoreCheck.js';
import { newStepDateAction } from './stepDate.js';
import { viewAction } from './viewHandoff.js';

/** Every button the app shows, by its name in ACTION_ID (the input elements' `value` is no button). */
type Buttons = Record<Exclude<keyof typeof ACTION_ID, 'value'>, ActionListener>;

/** The listener of each button: a button of ACTION_ID without one is a compile error. */
export function actionTable(deps: HandlerDeps): ActionTable {
  const buttons: Buttons = {
    accept: acceptAction(deps),
    packetSuggest: packetSuggestAction(deps),
    decline: declineAction(deps),
    declineReason: declineReasonAction(deps),
    reassign: ownerModalButton(deps, 'reassign'),
    extend: ownerModalButton(deps, 'extend'),
    withdraw: withdrawButton(deps),
    helpClaim: helpClaimAction(deps),
    homePeriod: homePeriodAction(deps),
    homeExport: homeExportAction(deps),
    view: viewAction(deps),
    follow: followAction(deps, 'all'),
    followDecisions: followAction(deps, 'decisions'),
    unfollow: followAction(deps, 'unfollow'),
    edit: editAction(deps),
    note: noteAction(deps),
    newStepDate: newStepDateAction(deps),
    handBack: handBackAction(deps),
    myDays: myDaysAction(deps),
    programOpen: programOpenAction(deps),
    programEdit: programEditAction(deps),
    scoreCheck: scoreCheckAction(deps),
    scoreCheckPeriod: scoreCheckPeriodAction(deps),
    scoreWeights: scoreWeightsAction(deps),
    reviewKeep: reviewDecisionAction(deps, 'keep'),
    reviewChange: reviewDecisionAction(deps, 'change'),
    ...heldBackActions(deps),
    ...outcomeAnswerActions(deps),
    ...askActions(deps),
  };
  const exact = Object.fromEntries(
    Object.entries(buttons).map(([name, listener]) => [ACTION_ID[name as keyof Buttons], listener]),
  );
  return {
    exact,
    prefixed: {
      [OUTCOME_ACTION_PREFIX]: outcomeButton(deps),
      // One action id per suggestion button (packet_suggest:<field>), as Slack wants them unique in a block.
      [`${ACTION_ID.packetSuggest}:`]: buttons.packetSuggest,
      // One action id per program page button (program_open:<page>), as Slack wants them unique in a block.
      [`${ACTION_ID.programOpen}:`]: buttons.programOpen,
    },
  };
}
