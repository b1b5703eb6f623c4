import { type AllMiddlewareArgs, App, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Config } from './config.js';
import type { Replies } from './core/replies.js';
import { answerFailure, failureKind } from './handlers/failures.js';
import { type Listeners, registerHandlers } from './handlers/index.js';
import { foreignRequest, namedIds } from './handlers/installation.js';
import { tellIfLate } from './handlers/saved.js';
import { stripUnstorable } from './handlers/unstorable.js';
import { INSTALL_PATH, type Installation, type Installs, OAUTH_REDIRECT_PATH } from './install/oauth.js';
import { boltLogLevel, type Logger, slackLogger } from './logger.js';
import { type AppReceiver, createReceiver } from './receiver.js';
import type { BackgroundWork } from './runtime/background.js';
import type { SlackConnection } from './runtime/health.js';
import { processRequestClock, REQUEST_KEY, requestIn } from './runtime/lateAnswers.js';
import type { RequestActivity } from './runtime/requestActivity.js';
import type { StorageHealth } from './runtime/storageHealth.js';
import { slackClientOptions } from './slackClients.js';
import type { Startup } from './startup.js';

/** What one installation brings to the requests that are its: who it is, its settings, its listeners and client. */
export interface Served {
  config: Config;
  startup: Startup;
  listeners: Listeners;
  /** The client its listeners call Slack with: its token, its pacing, its connection's watch. */
  client: AllMiddlewareArgs['client'];
  /** Its listeners' logger: every line names its installation. */
  logger: AllMiddlewareArgs['logger'];
  replies: Pick<Replies, 'ephemeral'>;
  /** Listeners still working after their ack are tracked here, so a stop waits for them. */
  background: BackgroundWork;
  /** The installation: its bot token for every request. */
  installs: Installation;
  /** Whether the database accepts writes and Slack accepts the token (what people are told). */
  health: {
    storage: Pick<StorageHealth, 'writable' | 'fault'>;
    slack: Pick<SlackConnection, 'rejected' | 'revoked' | 'revokedNow' | 'shouldRecheck'>;
    /** Asks Slack whether it accepts the token again (auth.test); its answer updates `slack`. */
    recheckSlack: () => Promise<unknown>;
  };
}

/** The one Bolt app of a deployment: every installation's requests go through it (`serve` finds whose each is). */
export interface AppDeps {
  /** The deployment's settings: its transport, its log level, Slack's address. */
  config: Config;
  logger: Logger;
  /**
   * The installation a request is for; undefined when none served here is (the request is answered empty, and `serve`
   * says why in the log).
   */
  serve: (body: unknown) => Served | undefined | Promise<Served | undefined>;
  /** The receiver counts the requests it is answering here; the outbox gives them the CPU first. */
  activity?: RequestActivity;
  /**
   * How long a Slack request waited for its answer is measured on this (monotonic milliseconds; the process's own by
   * default): an answer that may have come too late for Slack after a save is followed by a note (handlers/saved.ts).
   */
  requestClock?: () => number;
  /** Over HTTP, the receiver (`appReceiver`); Socket Mode (SLACK_APP_TOKEN) without one. */
  receiver?: Receiver;
}

/** What /healthz reads: the database, Slack's word on the token, whether the app is stopping. */
export interface HealthDeps {
  background: Pick<BackgroundWork, 'stopping'>;
  health: {
    storage: Pick<StorageHealth, 'writable'>;
    slack: Pick<SlackConnection, 'rejected' | 'revoked' | 'revokedNow' | 'shouldRecheck'>;
    recheckSlack: () => Promise<unknown>;
  };
}

/** While Slack refuses the token, /healthz asks again at most this often (auth.test is Tier 4, but no need to hurry). */
const SLACK_RECHECK_MS = 30_000;

/**
 * `GET /healthz`: 200 while the app takes requests, its database accepts a write and Slack accepts its token; 503
 * otherwise, with what is wrong (`{ ok, database, slack }`, and `revoked`: the event in which Slack said the app was
 * uninstalled or its token revoked, when it did). `HEAD /healthz` (load balancers, uptime checkers) answers the same
 * status and headers, without the body.
 */
export function healthRoute(deps: HealthDeps): CustomRoute {
  const { health } = deps;
  return {
    path: '/healthz',
    method: ['GET', 'HEAD'],
    handler: async (req, res) => {
      if (health.slack.shouldRecheck(SLACK_RECHECK_MS)) await health.recheckSlack().catch(() => undefined);
      // Slack may have told another process on the database that the token is gone.
      await health.slack.revokedNow();
      let database: 'ok' | 'unwritable' = 'ok';
      try {
        if (!(await health.storage.writable())) database = 'unwritable';
      } catch {
        database = 'unwritable';
      }
      const slack = health.slack.rejected === undefined ? 'ok' : 'disconnected';
      const revoked = health.slack.revoked;
      const stopping = deps.background.stopping;
      const healthy = !stopping && database === 'ok' && slack === 'ok';
      const body = JSON.stringify({
        ok: healthy,
        database,
        slack,
        ...(revoked ? { revoked } : {}),
        ...(stopping ? { stopping } : {}),
      });
      res.writeHead(healthy ? 200 : 503, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}

/** /slack/install and /slack/oauth_redirect, for a reinstall (new scopes, after an uninstall) while the app runs. */
export function installRoutes(routes: Installs['routes'] | undefined): CustomRoute[] {
  if (!routes) return [];
  return [
    { path: INSTALL_PATH, method: ['GET'], handler: (req, res) => void routes.install(req, res) },
    { path: OAUTH_REDIRECT_PATH, method: ['GET'], handler: (req, res) => void routes.callback(req, res) },
  ];
}

/**
 * Bolt's receiver over HTTP (`POST /slack/events`, signatures checked here; `routes` beside it: /healthz, the OAuth
 * pages). It serves on the status server, which it takes over (compose.ts, compose/tenants.ts).
 */
export function appReceiver(
  deps: Pick<AppDeps, 'config' | 'logger' | 'activity' | 'requestClock'>,
  routes: CustomRoute[],
): AppReceiver {
  const { config, logger } = deps;
  return createReceiver({
    signingSecret: config.slack.signingSecret ?? '',
    customRoutes: routes,
    logger: logger.child({ component: 'receiver' }),
    boltLogger: slackLogger(logger, 'bolt-receiver'),
    ...(deps.activity ? { activity: deps.activity } : {}),
    ...(deps.requestClock ? { requestClock: deps.requestClock } : {}),
  });
}

/** The installation a request is for, as `serveRequests` found it (every middleware and listener reads it here). */
const servedIn = (context: Record<string, unknown>): Served => context[SERVED_KEY] as Served;
const SERVED_KEY = 'servedInstallation';

/**
 * Finds the installation each request is for before Bolt sees it (a request none served here is answered empty), and
 * wraps its ack. Returns which requests a listener answered: a failure after its answer (after its commit) must not be
 * told as a failure. And each request's record (runtime/lateAnswers.ts): a listener that saved before an answer that
 * came late has its person told it was saved. The receiver made the record when the headers came; Socket Mode's
 * requests count from here.
 */
function serveRequests(app: App, deps: AppDeps, servedBy: WeakMap<object, Served>): WeakSet<object> {
  const answered = new WeakSet<object>();
  const requestClock = deps.requestClock ?? processRequestClock;
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const request = requestIn(event.customProperties ?? {}) ?? { arrivedAt: requestClock() };
    const served = await deps.serve(event.body);
    if (!served) return event.ack();
    servedBy.set(event.body, served);
    return processEvent({
      ...event,
      customProperties: { ...event.customProperties, [REQUEST_KEY]: request, [SERVED_KEY]: served },
      ack: async (response) => {
        answered.add(event.body);
        await event.ack(response);
        const told = { replies: served.replies, logger: deps.logger, now: requestClock() };
        await tellIfLate(told, request, event.body);
      },
    });
  };
  return answered;
}

/**
 * The Bolt app: its transport, one middleware and the handlers. Everything else (clients, services, jobs) is built
 * by the composition root (compose.ts).
 */
/**
 * Bolt's authorize: the installation's identity, as its start found them, once its token can be read. The token stays
 * out of Bolt's context: given one, Bolt keeps a client of its own per workspace for good, which nothing here uses
 * (every listener is given its installation's client: slackClients.ts), at about 26 kB an installation.
 */
async function authorizeAs(served: Served | undefined) {
  if (!served) throw new Error('no installation served here is this request’s');
  const { workspace } = served.startup;
  await served.installs.tokens.current();
  return {
    botId: workspace.botId,
    botUserId: workspace.botUserId,
    teamId: workspace.teamId,
    enterpriseId: workspace.enterpriseId,
    ...(workspace.isEnterpriseInstall ? { isEnterpriseInstall: true } : {}),
  };
}

export function buildApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const servedBy = new WeakMap<object, Served>();
  const app = new App({
    // Socket Mode has no HTTP server of Bolt's: /healthz is served on HOST:PORT by the status server (compose.ts),
    // since Bolt's Socket Mode server listens on every interface whatever HOST says.
    ...(deps.receiver
      ? { receiver: deps.receiver }
      : {
          socketMode: true,
          appToken: config.slack.appToken ?? '',
          // Its apps.connections.open goes to SLACK_API_URL's Slack (GovSlack's, a test's), not always slack.com.
          installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl } },
        }),
    // The identity auth.test gave at start (startup.ts): Bolt never calls auth.test itself, nor caches a failure.
    // An OAuth install's token is the installation's, refreshed when it rotates (install/tokens.ts).
    authorize: (_source, body) => authorizeAs(servedBy.get(body as object)),
    logger: slackLogger(logger, 'bolt'),
    logLevel: boltLogLevel(config.logLevel),
    // No conversation store: nothing here keeps state per conversation in Bolt's memory, and its default store made
    // (and threw away) a "Conversation not found" error with a stack trace on every request.
    convoStore: false,
    // Listeners are given their installation's interactive client instead (slackClients.ts: one try, 1.5 s).
    clientOptions: slackClientOptions(config, logger, 'interactive'),
  });

  const answered = serveRequests(app, deps, servedBy);

  // A request Slack signed for another installation of the app (another workspace, another app): ignored, logged.
  // What is ours loses any NUL or lone surrogate before a listener reads it (Postgres refuses them:
  // handlers/unstorable.ts).
  app.use(async (args) => {
    const why = foreignRequest(args.body, servedIn(args.context).startup);
    if (why === undefined && stripUnstorable(args.body) > 0)
      logger.info('NUL characters or lone surrogates removed from a Slack request');
    if (why === undefined) return args.next();
    logger.warn(
      { ...namedIds(args.body), why },
      'a Slack request for another installation of the app: ignored',
    );
    // Events were acknowledged by Bolt already; anything else gets an empty answer, so Slack does not retry it.
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  });

  app.use(async (args) => {
    const served = servedIn(args.context);
    try {
      // Tracked, so a stop waits for listeners still working after their ack.
      await served.background.track(args.next());
    } catch (error) {
      // A listener failed, before or after its answer: an error, whatever it threw (a TypeError is a bug in the
      // listener, not bad input: the receiver refuses bodies Slack never sends). Before its answer, the person is
      // told it did not go through (never an empty ack, which Slack shows as success). A refused write also turns
      // /healthz red.
      const kind = failureKind(error, served.health.slack.rejected !== undefined);
      if (kind === 'storage') served.health.storage.fault(error, 'a Slack request');
      logger.error(
        { err: error, failure: kind, answered: answered.has(args.body) },
        'a Slack listener failed',
      );
      // Through the installation's own client: Bolt's holds no token (authorizeAs).
      await answerFailure({ ...args, client: served.client }, kind, answered.has(args.body), logger);
    }
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  registerHandlers(app, (context) => {
    const served = servedIn(context);
    return { listeners: served.listeners, client: served.client, logger: served.logger };
  });
  return app;
}
