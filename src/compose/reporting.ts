import { pagesFor } from '../blocks/programPages.js';
import { createSlackFiles } from '../core/slackFiles.js';
import { offerFor } from '../domain/lifecycle.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import { createAbsenceOf } from '../escalation/absence.js';
import { createHome } from '../home/home.js';
import type { Parked } from '../outbox/parked.js';
import { createProgramAdmin } from '../program/admin.js';
import { createMyDays, type MyDays } from '../program/myDays.js';
import { createDigest } from '../revops/digest.js';
import { createMetrics } from '../revops/metrics.js';
import { createMoney } from '../revops/money.js';
import { createScoreCheck } from '../revops/scoreCheck.js';
import { awayOf, componentLog, reportingZone, type Shared } from './types.js';

/** Whose App Home shows program metrics (domain/permissions.ts). */
export const seesMetrics = (roles: ProgramRoles, userId: string) => may(roles, userId, 'metrics');

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
    roles: s.program,
    get defaultTimeZone() {
      return s.program.settings.get('defaultTimeZone');
    },
  });
}

/** The program's pages and editors in Slack: stateless, over the program. */
export const programAdminOf = (s: Shared) =>
  createProgramAdmin({
    db: s.db,
    program: s.program,
    roles: s.program,
    // Read at each use: the pages follow an edit of the settings at once.
    get defaultCap() {
      return s.program.settings.get('poolMaxOpen');
    },
    get timeZone() {
      return s.program.settings.get('defaultTimeZone');
    },
    directory: s.directory,
  });

/** The score against outcomes and its weights: stateless, over the database and the program. */
export const scoreCheckOf = (s: Shared) =>
  createScoreCheck({
    db: s.db,
    clock: s.clock,
    logger: componentLog(s.logger)('score-check'),
    program: s.program,
    roles: s.program,
    get timeZone() {
      return reportingZone(s.config, s.program.settings);
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
  const { config, db, clock, program } = s;
  const { settings } = program;
  const log = componentLog(s.logger);
  const reporting = config.revopsReporting;
  const zone = () => reportingZone(config, settings);
  const files = createSlackFiles({ db, client: s.clients.files, clock, logger: log('files') });
  const metrics = createMetrics({
    db,
    clock,
    background: s.background,
    get timeZone() {
      return zone();
    },
    get trendWeeks() {
      return settings.get('trendWeeks');
    },
    maxWaitMs: reporting.maxWaitMs,
    logger: log('metrics'),
  });
  const money = createMoney({
    db,
    clock,
    logger: log('money'),
    connectors: s.crm?.connectors ?? [],
    reportingCurrency: () => settings.get('reportingCurrency'),
    timeZone: zone,
  });
  const home = createHome({
    db,
    money: money.figures,
    now: () => clock.now(),
    metrics,
    seesMetrics: (userId) => seesMetrics(program, userId),
    get trendWeeks() {
      return settings.get('trendWeeks');
    },
    get timeZone() {
      return zone();
    },
    parkedFor: async (userId) => (may(program, userId, 'outbox') ? parked.count() : undefined),
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
      away: awayOf(settings),
      covers: s.covers,
    }),
    get timeZone() {
      return zone();
    },
    get trendWeeks() {
      return settings.get('trendWeeks');
    },
    onOutboxWrite: s.onOutboxWrite,
    scoreCheck: scoreCheckOf(s).over,
    // SEND_OUTSIDE_WORKING_HOURS: the digest goes at its slot, as every scheduled message does.
    ...(config.outbox.outsideWorkingHours
      ? {}
      : { companyOpenAt: (at: Date) => s.windows.reachableAt(at, settings.get('defaultTimeZone')) }),
  });
  return { files, metrics, home, digest, money };
}
