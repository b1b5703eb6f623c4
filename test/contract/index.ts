import type { ENGINE_NEUTRAL } from '../../src/db/engine.js';
import { changesContract } from './changes.contract.js';
import { channelAccessNoticesContract } from './channelAccessNotices.contract.js';
import { chartFilesContract } from './chartFiles.contract.js';
import { checksContract } from './checks.contract.js';
import { coversContract } from './covers.contract.js';
import { crmContract } from './crm.contract.js';
import { digestContract } from './digest.contract.js';
import { dueTimesContract } from './dueTimes.contract.js';
import type { Engine } from './engine.js';
import { erasureContract } from './erasure.contract.js';
import { escalationContract } from './escalation.contract.js';
import { eventsContract } from './events.contract.js';
import { exportRowsContract } from './exportRows.contract.js';
import { followersContract } from './followers.contract.js';
import { handoffListsContract } from './handoffLists.contract.js';
import { handoffsContract } from './handoffs.contract.js';
import { helpRequestsContract } from './helpRequests.contract.js';
import { homeViewsContract } from './homeViews.contract.js';
import { installationsContract } from './installations.contract.js';
import { internalChannelsContract } from './internalChannels.contract.js';
import { jobClaimsContract } from './jobClaims.contract.js';
import { lookupContract } from './lookup.contract.js';
import { metricsContract } from './metrics.contract.js';
import { moneyContract } from './money.contract.js';
import { outboxContract } from './outbox.contract.js';
import { outboxAttemptsContract } from './outboxAttempts.contract.js';
import { outboxChannelsContract } from './outboxChannels.contract.js';
import { outboxInsertContract } from './outboxInsert.contract.js';
import { outboxLeasesContract } from './outboxLeases.contract.js';
import { outboxParkedContract } from './outboxParked.contract.js';
import { outcomeHoldsContract } from './outcomeHolds.contract.js';
import { outcomeReportsContract } from './outcomeReports.contract.js';
import { packetsContract } from './packets.contract.js';
import { partnersContract } from './partners.contract.js';
import { partnerThreadsContract } from './partnerThreads.contract.js';
import { postedMessagesContract } from './postedMessages.contract.js';
import { programContract } from './program.contract.js';
import { questionsContract } from './questions.contract.js';
import { removedChannelsContract } from './removedChannels.contract.js';
import { retentionContract } from './retention.contract.js';
import { scoreOutcomesContract } from './scoreOutcomes.contract.js';
import { slackEventsContract } from './slackEvents.contract.js';
import { slackRevocationsContract } from './slackRevocations.contract.js';
import { surfacesContract } from './surfaces.contract.js';
import { uninstallsContract } from './uninstalls.contract.js';

/** One contract per repository file written for both engines: a file listed in ENGINE_NEUTRAL without one does not compile. */
export const CONTRACTS: Record<(typeof ENGINE_NEUTRAL)[number], (engine: Engine) => void> = {
  changes: changesContract,
  channelAccessNotices: channelAccessNoticesContract,
  chartFiles: chartFilesContract,
  checks: checksContract,
  covers: coversContract,
  crm: crmContract,
  digest: digestContract,
  dueTimes: dueTimesContract,
  erasure: erasureContract,
  escalation: escalationContract,
  events: eventsContract,
  exportRows: exportRowsContract,
  followers: followersContract,
  handoffLists: handoffListsContract,
  handoffs: handoffsContract,
  helpRequests: helpRequestsContract,
  homeViews: homeViewsContract,
  installations: installationsContract,
  internalChannels: internalChannelsContract,
  jobClaims: jobClaimsContract,
  lookup: lookupContract,
  metrics: metricsContract,
  money: moneyContract,
  outbox: outboxContract,
  outboxAttempts: outboxAttemptsContract,
  outboxChannels: outboxChannelsContract,
  outboxInsert: outboxInsertContract,
  outboxLeases: outboxLeasesContract,
  outboxParked: outboxParkedContract,
  outcomeHolds: outcomeHoldsContract,
  outcomeReports: outcomeReportsContract,
  packets: packetsContract,
  partnerThreads: partnerThreadsContract,
  partners: partnersContract,
  postedMessages: postedMessagesContract,
  program: programContract,
  questions: questionsContract,
  removedChannels: removedChannelsContract,
  retention: retentionContract,
  scoreOutcomes: scoreOutcomesContract,
  slackEvents: slackEventsContract,
  slackRevocations: slackRevocationsContract,
  surfaces: surfacesContract,
  uninstalls: uninstallsContract,
};
