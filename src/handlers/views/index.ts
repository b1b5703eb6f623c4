import { CALLBACK_ID } from '../../blocks/ids.js';
import { nextMoveSubmit } from '../actions/heldBack.js';
import type { HandlerDeps } from '../deps.js';
import type { ViewListener } from '../routes.js';
import { acceptSubmit } from './acceptSubmit.js';
import { addToHandoffSubmit } from './addToHandoffSubmit.js';
import { answerSubmit, questionSubmit } from './askSubmit.js';
import { attributionReviewSubmit } from './attributionReviewSubmit.js';
import { coverSubmit } from './coverSubmit.js';
import { crmConnectSubmit } from './crmConnectSubmit.js';
import { declineSubmit } from './declineSubmit.js';
import { helpRequestSubmit } from './helpRequestSubmit.js';
import { myDaysSubmit } from './myDaysSubmit.js';
import { noteSubmit } from './noteSubmit.js';
import { lostSubmit, opportunitySubmit } from './outcomeSubmit.js';
import { extendSubmit, reassignSubmit } from './ownerSubmit.js';
import { packetSubmit } from './packetSubmit.js';
import { programPartSubmit } from './programSubmit.js';
import { reviewSubmit } from './reviewSubmit.js';
import { scoreWeightsSubmit } from './scoreWeightsSubmit.js';
import { stepDateSubmit } from './stepDateSubmit.js';

/** The submit listener of each modal, by its name in CALLBACK_ID: a modal without one is a compile error. */
export function viewTable(deps: HandlerDeps): Record<string, ViewListener> {
  const modals: Record<keyof typeof CALLBACK_ID, ViewListener> = {
    packet: packetSubmit(deps),
    review: reviewSubmit(deps),
    decline: declineSubmit(deps),
    accept: acceptSubmit(deps),
    stepDate: stepDateSubmit(deps),
    reassign: reassignSubmit(deps),
    extend: extendSubmit(deps),
    opportunity: opportunitySubmit(deps),
    lost: lostSubmit(deps),
    helpRequest: helpRequestSubmit(deps),
    note: noteSubmit(deps),
    cover: coverSubmit(deps),
    nextMove: nextMoveSubmit(deps),
    question: questionSubmit(deps),
    answer: answerSubmit(deps),
    addToHandoff: addToHandoffSubmit(deps),
    myDays: myDaysSubmit(deps),
    programPart: programPartSubmit(deps),
    scoreWeights: scoreWeightsSubmit(deps),
    attributionReview: attributionReviewSubmit(deps),
    crmConnect: crmConnectSubmit(deps),
  };
  return Object.fromEntries(
    Object.entries(modals).map(([name, listener]) => [CALLBACK_ID[name as keyof typeof modals], listener]),
  );
}
