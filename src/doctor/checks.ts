import { crmCheck } from './crm.js';
import { databaseCheck } from './database.js';
import { holidaysCheck } from './holidays.js';
import { internalChannelsCheck } from './internalChannels.js';
import { partnerChannelsCheck } from './partnerChannels.js';
import { peopleCheck } from './people.js';
import { policyFileCheck } from './policyFile.js';
import { programCheck } from './program.js';
import { retentionCheck } from './retention.js';
import { settingsCheck } from './settings.js';
import { slackTokenCheck } from './slackToken.js';
import type { Check } from './types.js';

/**
 * The doctor's checks, in the order they run and are printed. Each hands on what it learned (types.ts's
 * DoctorContext) to those after it, and says what it needs: a check whose needs are not met is skipped, saying why.
 * A new check is one module and one entry here.
 */
export const CHECKS: readonly Check[] = [
  settingsCheck,
  // The database before the token: an OAuth install's token is in it.
  databaseCheck,
  slackTokenCheck,
  policyFileCheck,
  programCheck,
  internalChannelsCheck,
  partnerChannelsCheck,
  peopleCheck,
  crmCheck,
  holidaysCheck,
  retentionCheck,
];
