import type { App } from '@slack/bolt';
import { appReceiver, buildApp, healthRoute, installRoutes } from '../app.js';
import { createInstalls, INSTALL_PATH, type Installs, OAUTH_REDIRECT_PATH } from '../install/oauth.js';
import { tokenKeys } from '../install/seal.js';
import { resealUnderNewKey } from '../install/store.js';
import { createTokenInstalls } from '../install/token.js';
import { PROGRAM_FOLLOW_MS } from '../program/program.js';
import { createBackgroundWork } from '../runtime/background.js';
import { createTickHub } from '../runtime/cronTicks.js';
import { heapWatch } from '../runtime/heapRoom.js';
import { processHolder } from '../runtime/jobClaims.js';
import { RequestActivity } from '../runtime/requestActivity.js';
import type { StatusServer } from '../runtime/statusServer.js';
import { realTimers } from '../runtime/timers.js';
import { sharedEvents } from './sharedEvents.js';
import { createSharedLooks } from './sharedLooks.js';
import { createSweepLook } from './sweepLook.js';
import { makeTenant, type RunningApp, runningOf, type Tenant } from './tenant.js';
import { adopterOf, servingOf, TenantMap, tenantRouter } from './tenantRouting.js';
import type { StartOptions } from './types.js';

/**
 * Every installation in force is served through one Bolt app and one receiver (or Socket Mode): /slack/events checks
 * each request's signature, and the app finds the installation it is for (install/routing.ts) and hands it to that
 * installation's tenant (tenant.ts): its rows (its own view of the database, db/owned.ts), its bot token, its clients
 * (so its pacing and its 429 holds are its token's), its start-time answers, its program, its listeners, its outbox and
 * its jobs. A request no installation in force claims is ignored and logged. An OAuth install's installations are those
 * stored by /slack/oauth_redirect (install/oauth.ts): an install while the app runs starts its tenant, an uninstall
 * stops it, and the others go on. A token deployment is one installation seeded from SLACK_BOT_TOKEN (install/token.ts).
 */
function installsOf(given: StartOptions, status: StatusServer) {
  const onWaiting = (reason: string) => {
    status.waiting(reason);
    given.onWaiting?.(reason);
  };
  const installs = given.config.slack.oauth
    ? createInstalls(given)
    : createTokenInstalls({ ...given, onWaiting });
  return { installs, onWaiting };
}

/**
 * Waits until the app is installed somewhere: an OAuth install serves /slack/install and its redirect on the status
 * server meanwhile; a token deployment records the workspace its token names.
 */
async function firstInstall(installs: Installs, status: StatusServer, onWaiting: (reason: string) => void) {
  const { routes } = installs;
  if (routes) {
    status.route(INSTALL_PATH, routes.install);
    status.route(OAUTH_REDIRECT_PATH, routes.callback);
    onWaiting(`not installed: open ${INSTALL_PATH} on this server in a browser to install the app in Slack`);
  }
  await installs.installed();
}

/** The tenants of an install, by installation key: started when installed, stopped when uninstalled. */
function tenantRegistry(given: StartOptions, installs: Installs, holder: string, status: StatusServer) {
  const { logger } = given;
  // The requests being answered, across installations: every tenant's outbox gives them the CPU first.
  const activity = new RequestActivity();
  // Every installation's jobs tick on one heartbeat, one wait per schedule and second of the minute.
  const ticks = createTickHub({ timers: given.timers ?? realTimers, logger });
  // Every installation's sweep tick reads one look a minute at which installations have a handoff due.
  const sweepLook = createSweepLook({ db: given.db, clock: given.clock });
  const tenants = new TenantMap();
  const router = tenantRouter(tenants);
  const starting = new Map<string, Promise<void>>();
  const lifecycle = createBackgroundWork(logger);
  const retire = async (installKey: string) => {
    const tenant = tenants.get(installKey);
    if (!tenant) return;
    tenants.delete(installKey);
    await tenant.stop();
    logger.info({ installation: installKey }, 'no longer serving an installation: it was uninstalled');
  };
  const key = given.config.slack.oauth ? tokenKeys(given.config.slack.oauth) : undefined;
  // Built again when its admins connect or disconnect its own CRM: one at a time per installation.
  const rebuilds = new Map<string, Promise<void>>();
  const crmChanged = (installKey: string) => () => {
    const next = (rebuilds.get(installKey) ?? Promise.resolve()).then(() => rebuild(installKey));
    rebuilds.set(installKey, next);
    lifecycle.run(`the tenant of ${installKey} built again with its CRM`, () => next);
  };
  const make = (installKey: string, startup?: Tenant['wired']['startup']) =>
    makeTenant(given, installs.of(installKey), installKey, {
      ...(startup ? { startup } : {}),
      key,
      activity,
      sweepLook,
      made: { holder, status, shared: true, ticks },
      crmChanged: crmChanged(installKey),
      // Slack said the app was uninstalled there: its tenant stops once this request is done.
      uninstalled: () =>
        lifecycle.run(`the tenant of ${installKey} stopped after its uninstall`, () => retire(installKey)),
    });
  const heapCheck = heapWatch(logger);
  const build = async (installKey: string) => {
    const tenant = await make(installKey);
    tenants.set(installKey, tenant);
    await tenant.run();
    logger.info({ installation: installKey }, 'serving an installation');
    heapCheck(tenants.size);
  };
  // The new tenant takes the requests from now on; the old one finishes its work, then the new one's starts.
  async function rebuild(installKey: string) {
    const old = tenants.get(installKey);
    if (!old) return;
    const tenant = await make(installKey, old.wired.startup);
    if (tenants.get(installKey) !== old) return tenant.stop(); // uninstalled meanwhile
    tenants.set(installKey, tenant);
    await old.stop();
    // Uninstalled while the old one finished: retire stopped the new one, which must not start now.
    if (tenants.get(installKey) !== tenant) return;
    await tenant.run();
    logger.info({ installation: installKey }, 'serving an installation with its CRM as it is now');
  }
  const start = (installKey: string): Promise<void> => {
    const already = starting.get(installKey);
    if (already) return already;
    const started = build(installKey).finally(() => starting.delete(installKey));
    starting.set(installKey, started);
    return started;
  };
  // An install while the app runs (another workspace, or a reinstall after an uninstall) is served at once.
  installs.onStored((installKey) => {
    if (!tenants.has(installKey))
      lifecycle.run(`the tenant of ${installKey} started after its install`, () => start(installKey));
  });
  const serving = servingOf(router, adopterOf(given, tenants, start), logger);
  return { tenants, router, activity, lifecycle, start, serving };
}

/** How many installations start at once: each start mostly waits on the database and Slack, little on the CPU. */
const STARTS_AT_ONCE = 16;

/**
 * Starts the installations' tenants. The app serves as soon as one has started (a process that can serve none fails
 * its start, as a single installation's does); the others start after it, `STARTS_AT_ONCE` at a time, while it serves:
 * a request for one not started yet starts it first (tenantRouting.ts `adopterOf`). One that cannot start (Slack
 * refuses its token: it was revoked while the app was down, so Slack's word never reached it) is logged and left out;
 * a reinstall starts it. Returns the start of the others, which settles once each was tried (or the app stops).
 */
export async function startEach(
  installKeys: string[],
  start: (installKey: string) => Promise<void>,
  logger: StartOptions['logger'],
  stopping: () => boolean,
): Promise<{ others: Promise<void> }> {
  // Uninstalled between the wait for an install and this read: nothing to serve, and the next start waits again.
  if (installKeys.length === 0)
    throw new Error('no installation is in force: the app was uninstalled while it started; start it again');
  const startOne = async (installKey: string) => {
    try {
      await start(installKey);
      return undefined;
    } catch (error) {
      if (installKeys.length > 1)
        logger.error(
          { err: error, installation: installKey },
          'an installation could not be served: the others are; installing the app there again serves it',
        );
      return { error };
    }
  };
  // One first, in order: the app serves once one has started.
  let next = 0;
  let first: { error: unknown } | undefined;
  let serving = false;
  while (!serving && next < installKeys.length) {
    const failed = await startOne(installKeys[next++] as string);
    first ??= failed;
    serving = failed === undefined;
  }
  if (!serving && first) throw first.error;
  const worker = async () => {
    while (next < installKeys.length && !stopping()) await startOne(installKeys[next++] as string);
  };
  const workers = Math.min(STARTS_AT_ONCE, installKeys.length - next);
  return { others: Promise.all(Array.from({ length: workers }, worker)).then(() => undefined) };
}

export async function startInstalls(given: StartOptions, status: StatusServer): Promise<RunningApp> {
  const { config, logger } = given;
  // A key rotation: what the previous key sealed is sealed again under the new one before anything opens it.
  if (config.slack.oauth) await resealUnderNewKey(given.db, tokenKeys(config.slack.oauth), logger);
  const { installs, onWaiting } = installsOf(given, status);
  await firstInstall(installs, status, onWaiting);
  const registry = tenantRegistry(given, installs, given.holder ?? processHolder(), status);
  const { tenants, lifecycle } = registry;
  // One look at the outboxes and the programs for every installation, not one per installation: from the first one
  // started (a thousand take their time to start).
  const looks = createSharedLooks({
    db: given.db,
    clock: given.clock,
    timers: given.timers ?? realTimers,
    logger: logger.child({ component: 'shared-looks' }),
    tenants: () => tenants.values(),
    pollMs: config.outbox.pollIntervalMs,
    programMs: PROGRAM_FOLLOW_MS,
  });
  looks.start();
  const inForce = await installs.inForce();
  const startedAt = given.clock.now().getTime();
  const { others } = await startEach(inForce, registry.start, logger, () => lifecycle.stopping).catch(
    (error: unknown) => {
      looks.stop();
      throw error;
    },
  );
  // Tracked, so a stop waits for the starts in flight (and starts no more).
  const started = lifecycle.track(
    others.then(() => {
      if (inForce.length > 1)
        logger.info(
          { installations: tenants.size, of: inForce.length, ms: given.clock.now().getTime() - startedAt },
          'every installation started',
        );
    }),
  );
  const front = {
    config,
    logger,
    activity: registry.activity,
    ...(given.requestClock ? { requestClock: given.requestClock } : {}),
  };
  const health = frontHealth(tenants);
  // Socket Mode (SLACK_APP_TOKEN): Bolt's own connection, and the status server keeps serving /healthz on HOST:PORT.
  const socketMode = Boolean(config.slack.appToken);
  const receiver = socketMode ? undefined : appReceiver(front, [health, ...installRoutes(installs.routes)]);
  const app = oneApp(given, registry, front, receiver);
  // The app takes the status server over: the port never stops answering (the first install's redirect included).
  if (receiver) status.handOver(receiver.handle);
  else {
    const { handler } = health;
    status.serve((req, res) => handler(req as Parameters<typeof handler>[0], res));
    await app.start();
  }
  const { port } = status;
  logger.info(
    { port, host: config.host ?? 'every interface', mode: socketMode ? 'socket' : 'http' },
    'handoff app listening',
  );
  const first = [...tenants.values()][0] as Tenant;
  // Once: a second stop (a caller's cleanup after its own) waits for the first.
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      // No new requests, no new ticks; then every listener still working, every upload, computation and job run.
      lifecycle.close();
      looks.stop();
      if (socketMode) await app.stop();
      await status.close();
      await lifecycle.drain();
      for (const tenant of tenants.values()) await tenant.stop();
      logger.info('handoff app stopped');
    })();
    return stopped;
  };
  return runningOf(app, first, { port, stop, started, tenants: () => [...tenants.values()] });
}

/**
 * The one app for every installation: each request is served by the tenant of the installation it is for, and an event
 * in a channel several installations see is then handed on to the others (`sharedEvents`).
 */
function oneApp(
  given: StartOptions,
  registry: ReturnType<typeof tenantRegistry>,
  front: Parameters<typeof appReceiver>[0],
  receiver: ReturnType<typeof appReceiver> | undefined,
): App {
  const tenantOf = new WeakMap<object, Tenant>();
  // An event handed on to another installation that sees it (sharedEvents) is served by that one's tenant.
  const handedTo = new WeakMap<object, Tenant>();
  const app = buildApp({
    ...front,
    ...(receiver ? { receiver } : {}),
    serve: async (body) => {
      const tenant = handedTo.get(body as object) ?? (await registry.serving(body));
      if (tenant) tenantOf.set(body as object, tenant);
      return tenant?.served;
    },
  });
  const processEvent = app.processEvent.bind(app);
  const shared = sharedEvents(given, registry, registry.lifecycle, (tenant, event) => {
    handedTo.set(event.body, tenant);
    return processEvent(event);
  });
  app.processEvent = async (event) => {
    await processEvent(event);
    const tenant = tenantOf.get(event.body);
    if (tenant) shared.handOn(event.body, tenant);
  };
  return app;
}

/**
 * /healthz for the deployment: 200 while the database accepts a write and Slack accepts the token of at least one
 * installation served (one whose token was revoked or that was uninstalled does not turn the others' health red);
 * 503 otherwise, as a single installation's, and while none is in force.
 */
function frontHealth(tenants: Map<string, Tenant>) {
  const all = () => [...tenants.values()];
  const connections = () => all().map((t) => t.wired.clients.connection);
  const anyTenant = () => all()[0];
  return healthRoute({
    background: {
      get stopping() {
        return all().some((t) => t.wired.background.stopping);
      },
    },
    health: {
      storage: {
        writable: () => anyTenant()?.served.health.storage.writable() ?? Promise.resolve(true),
      },
      slack: {
        // None in force (the last was uninstalled): nothing is served until someone installs the app again.
        // The deployment can serve while one installation can: a workspace that revoked its token (heard here or
        // by another replica) is that workspace's loss, not everyone's.
        get rejected() {
          if (tenants.size === 0) return 'no installation in force';
          const reasons = connections().map((c) => c.rejected);
          return reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
        },
        // Every installation's token refused: the first's event, when Slack said why.
        get revoked() {
          const all = connections();
          return all.every((c) => c.rejected !== undefined) ? all[0]?.revoked : undefined;
        },
        revokedNow: async () => {
          await Promise.all(connections().map((c) => c.revokedNow()));
        },
        shouldRecheck: (everyMs) => connections().some((c) => c.shouldRecheck(everyMs)),
      },
      recheckSlack: () => Promise.all(all().map((t) => t.served.health.recheckSlack())),
    },
  });
}
