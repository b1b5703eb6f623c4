import type { Config } from '../config.js';
import { offerFor } from '../domain/lifecycle.js';
import { may } from '../domain/permissions.js';
import { createAbsenceOf } from '../escalation/absence.js';
import { createDigest } from '../services/digest.js';
import { createHome } from '../services/home.js';
import { createMetrics } from '../services/metrics.js';
import type { Parked } from '../services/parked.js';
import { createSlackFiles } from '../services/slackFiles.js';
import { componentLog, type Shared } from './types.js';

/** Whose App Home shows program metrics (domain/permissions.ts). */
export const seesMetrics = (config: Config, userId: string) => may(config, userId, 'metrics');

/** RevOps: the figures, the App Home, uploads, the digest. */
export function reportingServices(s: Shared, parked: Parked) {
  const { config, db, clock } = s;
  const log = componentLog(s.logger);
  const reporting = config.revopsReporting;
  const files = createSlackFiles({ db, client: s.clients.files, clock, logger: log('files') });
  const metrics = createMetrics({
    db,
    clock,
    background: s.background,
    timeZone: reporting.timeZone,
    trendWeeks: reporting.trendWeeks,
    maxWaitMs: reporting.maxWaitMs,
    logger: log('metrics'),
  });
  const home = createHome({
    db,
    now: () => clock.now(),
    metrics,
    seesMetrics: (userId) => seesMetrics(config, userId),
    trendWeeks: reporting.trendWeeks,
    timeZone: reporting.timeZone,
    parkedFor: async (userId) => (may(config, userId, 'outbox') ? parked.count() : undefined),
    offer: (userId, h) => offerFor(s.surfaces.viewerFor(userId, h), h, clock.now()),
  });
  const digest = createDigest({
    db,
    clock,
    logger: log('digest'),
    metrics,
    files,
    channelId: () => s.internalChannels.channelId('digest'),
    absenceOf: createAbsenceOf({
      clock,
      directory: s.directory,
      away: config.escalationPolicies.away,
      covers: s.covers,
    }),
    timeZone: reporting.timeZone,
    trendWeeks: reporting.trendWeeks,
    onOutboxWrite: s.onOutboxWrite,
  });
  return { files, metrics, home, digest };
}
