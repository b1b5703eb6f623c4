import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ChannelAccess } from '../core/channelAccess.js';
import type { Directory } from '../core/directory.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { Surfaces } from '../core/surfaces.js';
import type { Crm } from '../crm/index.js';
import type { OwnCrm } from '../crm/ownCrm.js';
import type { CrmReadBack } from '../crm/readBack.js';
import type { AnyDb, Db } from '../db/client.js';
import type { OutboxBell } from '../db/pg/bell.js';
import type { AwayRules } from '../domain/absence.js';
import type { GuestPolicy } from '../domain/guests.js';
import type { Covers } from '../escalation/covers.js';
import type { Escalations } from '../escalation/escalations.js';
import type { FirstSteps } from '../escalation/firstSteps.js';
import type { Policies } from '../escalation/policies.js';
import type { Sweeper } from '../escalation/sweep.js';
import type { HandlerDeps } from '../handlers/index.js';
import type { Home } from '../home/home.js';
import type { Installation } from '../install/oauth.js';
import type { Logger } from '../logger.js';
import type { OutboxWorker } from '../outbox/worker.js';
import type { InternalChannels } from '../partners/internalChannels.js';
import type { PartnerText } from '../partners/partnerText.js';
import type { ProgramSeed } from '../program/importOnce.js';
import type { Program } from '../program/program.js';
import type { Settings } from '../program/settings.js';
import type { Retention } from '../retention/ageOut.js';
import type { Uninstalls } from '../retention/uninstall.js';
import type { Digest } from '../revops/digest.js';
import type { Metrics } from '../revops/metrics.js';
import type { BackgroundWork } from '../runtime/background.js';
import type { RequestActivity } from '../runtime/requestActivity.js';
import type { StorageProbe } from '../runtime/storageHealth.js';
import type { Timers } from '../runtime/timers.js';
import type { SlackClients } from '../slackClients.js';
import type { Startup } from '../startup.js';
import type { SweepLook } from './sweepLook.js';

/** What `main.ts` (or a test, the sandbox, the bench) hands the composition root. */
export interface Base {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * An installation's own CRM, its admins connect from Slack (crm/ownCrm.ts; OAuth installs). When its credentials
   * are what `config.crm` holds (`ownCrmInUse`), a refusal at start is logged, not fatal: the others go on.
   */
  ownCrm?: OwnCrm;
  ownCrmInUse?: boolean;
  /** This process, as the holder of its scheduled slots and outbox conversations (runtime/jobClaims.ts): one value. */
  holder?: string;
  /**
   * Real time for the outbox (pacing, waits, leases): the process's own by default. Tests give one of two replicas a
   * wall clock that runs ahead (test/integration/replicaClocks.test.ts).
   */
  outboxTimers?: Timers;
}

export interface StartOptions extends Omit<Base, 'db'> {
  /** The database across installations: each installation's parts get their own view of it (db/owned.ts). */
  db: AnyDb;
  /** The health check's real write, on whichever engine `db` is (db/storage.ts `AppStorage`). */
  storage: StorageProbe;
  /**
   * Postgres: rows another process queued in the outbox, heard as they commit (db/pg/bell.ts): each installation's
   * outbox wakes for its own. Without it (SQLite, one process), the outbox wakes on its own commits and its poll.
   */
  bell?: OutboxBell;
  /** The Slack clients (tests pass clients with short timeouts); built from the config otherwise. */
  clients?: SlackClients;
  /** Skips the start-time calls to Slack (the bench's in-process probe). */
  startup?: Startup;
  /** The CRMs, already checked (the sandbox's fakes); built from the settings and checked at start otherwise. */
  crm?: Crm;
  /**
   * Real time for the start's waits between its checks of Slack (startupRetry.ts) and the CRMs' rate limits (HubSpot's
   * searches a second); the process's own by default.
   */
  timers?: Timers;
  /** Told why the start is waiting (Slack unreachable …): the status server's /healthz says it. */
  onWaiting?: (reason: string) => void;
  /** How long Slack requests wait for their answers (app.ts `AppDeps`): the process's monotonic clock by default. */
  requestClock?: () => number;
  /** Told the port HOST:PORT answers on, as soon as it does (PORT=0: the system's pick), before the start waits. */
  onStatusPort?: (port: number) => void;
  /** The requests being answered, when several installations' outboxes share them (compose/tenants.ts). */
  activity?: RequestActivity;
}

export interface Services {
  outbox: OutboxWorker;
  /** The partner program as data: reread before each sweep, and every few seconds. */
  program: Program;
  /** The channels the app was removed from: what would go there waits (re-checked by a job). */
  channelAccess: ChannelAccess;
  sweeper: Sweeper;
  /** After the Accept: the first steps' checks, run with the sweep. */
  firstSteps: FirstSteps;
  /** Data retention's daily removal of what has aged out (retention/ageOut.ts). */
  retention: Retention;
  /** Uninstalled workspaces' data deleted when UNINSTALL_DELETE_AFTER_DAYS says (retention/uninstall.ts). */
  uninstalls: Uninstalls;
  metrics: Metrics;
  digest: Digest;
  home: Home;
  internalChannels: InternalChannels;
  /** Queues a republish of the RevOps Homes when a handoff changed since the last time (revops/metricsFollow.ts). */
  followMetrics: () => Promise<void>;
  /** Reads the CRM records of accepted linked handoffs for closed deals (every CRM_POLL_SECONDS). */
  crmReadBack: CrmReadBack;
  /** Partner threads whose words a passing date made untrue, brought up to date (partners/partnerText.ts). */
  partnerText: PartnerText;
  /** The escalation policies' notifications and reassignments, run after each sweep. */
  escalations: Escalations;
  policies: Policies;
  /** Polls the CRMs when CRM_POLL_SECONDS have passed on the app's clock (crm/crmFollow.ts). */
  followCrm: () => Promise<void>;
  /** What the Slack handlers use. */
  handlers: Omit<HandlerDeps, 'config' | 'startup'>;
}

/** The pieces most services share. */
export interface Shared extends Base, Pick<InstallationOptions, 'sweepLook'> {
  startup: Startup;
  clients: SlackClients;
  background: BackgroundWork;
  directory: Directory;
  windows: WindowPlanner;
  internalChannels: InternalChannels;
  onOutboxWrite: () => void;
  /** Tells the other processes on the database that this one queued outbox rows (the worker's own writes). */
  ringBell: () => void;
  /** Applies every change of a handoff after it is sent (core/lifecycle.ts). */
  lifecycle: Lifecycle;
  /** Messages about a handoff, rendered from its state (core/surfaces.ts). */
  surfaces: Surfaces;
  /** The connected CRMs (none: the CRM loop is off). */
  crm: Crm;
  /** Escalation policies (the program's, or the default from the settings). */
  policies: Policies;
  /** The partner program as data: pools, policies, roles, people's days, edited in Slack. */
  program: Program;
  /** Who answers for an AE while they are away. */
  covers: Covers;
  /** The Slack requests being answered: the outbox's deliveries wait for a quiet turn (runtime/requestActivity.ts). */
  activity: RequestActivity;
}

/** The pause of an AE's clock while their question waits, planned in their calendar. */
export const pausesOf = (s: Pick<Shared, 'program' | 'windows' | 'policies'>) => ({
  windows: s.windows,
  policies: s.policies,
  get pauseDays() {
    return s.program.settings.get('questionPauseDays');
  },
});

/** The settings' groups as the services take them, each read at each use. */
export const awayOf = (settings: Settings): AwayRules => ({
  get words() {
    return settings.get('awayWords');
  },
  get emoji() {
    return settings.get('awayEmoji');
  },
});
export const guestsOf = (settings: Settings): GuestPolicy => ({
  get authors() {
    return settings.get('allowGuestAuthors');
  },
  get aes() {
    return settings.get('allowGuestAes');
  },
});

/** The zone of RevOps' weeks and the digest: DIGEST_TIMEZONE, else the program's default zone as it is now. */
export const reportingZone = (config: Config, settings: Settings): string =>
  config.revopsReporting.digestTimeZone ?? settings.get('defaultTimeZone');

/** A logger for one component. */
export const componentLog = (logger: Logger) => (component: string) => logger.child({ component });

/** What builds one installation's parts: the start's options, with the database as that installation sees it. */
export type InstallationOptions = Omit<StartOptions, 'db'> & {
  db: Db;
  /** The installation: its token for every call, its uninstall. */
  installs: Installation;
  /** What the installation's program starts from (program/importOnce.ts): the first installation's, by default. */
  programSeed?: ProgramSeed;
  /** The process's one look at every installation's due handoffs (compose/sweepLook.ts). */
  sweepLook?: SweepLook;
};
