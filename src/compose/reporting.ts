import { pagesFor } from '../blocks/programPages.js';
import type { Config } from '../config.js';
import { createSlackFiles } from '../core/slackFiles.js';
import { offerFor } from '../domain/lifecycle.js';
import { may } from '../domain/permissions.js';
import { createAbsenceOf } from '../escalation/absence.js';
import { createHome } from '../home/home.js';
import type { Parked } from '../outbox/parked.js';
import { createProgramAdmin } from '../program/admin.js';
import { createMyDays, type MyDays } from '../program/myDays.js';
import { createDigest } from '../revops/digest.js';
import { createMetrics } from '../revops/metrics.js';
import { createMoney } from '../revops/money.js';
import { createScoreCheck } from '../revops/scoreCheck.js';
import { componentLog, type Shared } from './types.js';

/** Whose App Home shows program metrics (domain/permissions.ts). */
export const seesMetrics = (config: Config, userId: string) => may(config, userId, 'metrics');

/** Each person's own days: shown in their App Home, edited there and with `/handoff pause`. */
export function ownDaysService(s: Shared): MyDays {
  return createMyDays({
    db: s.db,
    clock: s.clock,
    logger: componentLog(s.logger)('own-days'),
    onOutboxWrite: s.onOutboxWrite,
    program: s.program,
    directory: s.directory,
    members: (pool) => s.policies.members(pool),
    internalTeamIds: () => s.startup.internalTeamIds,
    roles: s.config,
    get defaultTimeZone() {
      return s.config.calendar.defaultTimeZone;
    },
  });
}

/** The program's pages and editors in Slack: stateless, over the program. */
export const programAdminOf = (s: Shared) =>
  createProgramAdmin({
    db: s.db,
    program: s.program,
    roles: s.config,
    defaultCap: s.config.escalationPolicies.maxOpenPerAe,
    timeZone: s.config.calendar.defaultTimeZone,
    directory: s.directory,
  });

/** The score against outcomes and its weights: stateless, over the database and the program. */
export const scoreCheckOf = (s: Shared) =>
  createScoreCheck({
    db: s.db,
    clock: s.clock,
    logger: componentLog(s.logger)('score-check'),
    program: s.program,
    roles: s.config,
    get timeZone() {
      return s.config.revopsReporting.timeZone;
    },
  });

/** What a person's App Home shows of the program: the pages they may open (none: no section). */
async function programHomeOf(s: Shared, userId: string) {
  // The App Home is only opened by members of the installing workspace (as seesMetrics reads it).
  const ctx = {
    actor: { userId, teamId: s.startup.internalTeamIds[0] ?? '' },
    internalTeamIds: s.startup.internalTeamIds,
  };
  const model = await programAdminOf(s).model(ctx, 0);
  return pagesFor(model).length > 0 ? model : undefined;
}

/** RevOps: the figures, the App Home, uploads, the digest. */
export function reportingServices(s: Shared, parked: Parked, myDays?: MyDays) {
  const { config, db, clock } = s;
  const log = componentLog(s.logger);
  const reporting = config.revopsReporting;
  const files = createSlackFiles({ db, client: s.clients.files, clock, logger: log('files') });
  const metrics = createMetrics({
    db,
    clock,
    background: s.background,
    // The program's settings, read at each use (config is live: program/liveConfig.ts).
    get timeZone() {
      return reporting.timeZone;
    },
    get trendWeeks() {
      return reporting.trendWeeks;
    },
    maxWaitMs: reporting.maxWaitMs,
    logger: log('metrics'),
  });
  const money = createMoney({
    db,
    clock,
    logger: log('money'),
    connectors: s.crm?.connectors ?? [],
    reportingCurrency: () => reporting.reportingCurrency,
    timeZone: () => reporting.timeZone,
  });
  const home = createHome({
    db,
    money: money.figures,
    now: () => clock.now(),
    metrics,
    seesMetrics: (userId) => seesMetrics(config, userId),
    get trendWeeks() {
      return reporting.trendWeeks;
    },
    get timeZone() {
      return reporting.timeZone;
    },
    parkedFor: async (userId) => (may(config, userId, 'outbox') ? parked.count() : undefined),
    offer: (userId, h) => offerFor(s.surfaces.viewerFor(userId, h), h, clock.now()),
    ...(myDays ? { ownDays: myDays.ownDays } : {}),
    program: (userId) => programHomeOf(s, userId),
  });
  const digest = createDigest({
    db,
    money: money.figures,
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
    get timeZone() {
      return reporting.timeZone;
    },
    get trendWeeks() {
      return reporting.trendWeeks;
    },
    onOutboxWrite: s.onOutboxWrite,
    scoreCheck: scoreCheckOf(s).over,
    // SEND_OUTSIDE_WORKING_HOURS: the digest goes at its slot, as every scheduled message does.
    ...(config.outbox.outsideWorkingHours
      ? {}
      : { companyOpenAt: (at: Date) => s.windows.reachableAt(at, config.calendar.defaultTimeZone) }),
  });
  return { files, metrics, home, digest, money };
}
