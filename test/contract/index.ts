import type { ENGINE_NEUTRAL } from '../../src/db/engine.js';
import { channelAccessNoticesContract } from './channelAccessNotices.contract.js';
import { chartFilesContract } from './chartFiles.contract.js';
import { checksContract } from './checks.contract.js';
import { coversContract } from './covers.contract.js';
import { crmContract } from './crm.contract.js';
import { digestContract } from './digest.contract.js';
import { dueTimesContract } from './dueTimes.contract.js';
import type { Engine } from './engine.js';
import { escalationContract } from './escalation.contract.js';
import { exportRowsContract } from './exportRows.contract.js';
import { helpRequestsContract } from './helpRequests.contract.js';
import { internalChannelsContract } from './internalChannels.contract.js';
import { jobClaimsContract } from './jobClaims.contract.js';
import { lookupContract } from './lookup.contract.js';
import { outboxChannelsContract } from './outboxChannels.contract.js';
import { outboxParkedContract } from './outboxParked.contract.js';
import { packetsContract } from './packets.contract.js';
import { partnersContract } from './partners.contract.js';
import { postedMessagesContract } from './postedMessages.contract.js';
import { removedChannelsContract } from './removedChannels.contract.js';
import { slackEventsContract } from './slackEvents.contract.js';

/** One contract per repository file written for both engines: a file listed in ENGINE_NEUTRAL without one does not compile. */
export const CONTRACTS: Record<(typeof ENGINE_NEUTRAL)[number], (engine: Engine) => void> = {
  channelAccessNotices: channelAccessNoticesContract,
  chartFiles: chartFilesContract,
  checks: checksContract,
  covers: coversContract,
  crm: crmContract,
  digest: digestContract,
  dueTimes: dueTimesContract,
  escalation: escalationContract,
  exportRows: exportRowsContract,
  helpRequests: helpRequestsContract,
  internalChannels: internalChannelsContract,
  jobClaims: jobClaimsContract,
  lookup: lookupContract,
  outboxChannels: outboxChannelsContract,
  outboxParked: outboxParkedContract,
  packets: packetsContract,
  partners: partnersContract,
  postedMessages: postedMessagesContract,
  removedChannels: removedChannelsContract,
  slackEvents: slackEventsContract,
};
