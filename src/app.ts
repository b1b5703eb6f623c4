import { App, type CustomRoute } from '@slack/bolt';
import type { Config } from './config.js';
import type { HandlerDeps } from './handlers/index.js';
import { registerHandlers } from './handlers/index.js';
import { boltLogLevel, type Logger, slackLogger } from './logger.js';
import { createReceiver } from './receiver.js';
import type { BackgroundWork } from './runtime/background.js';
import { slackClientOptions } from './slackClients.js';
import type { Startup } from './startup.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  startup: Startup;
  handlers: Omit<HandlerDeps, 'config' | 'startup'>;
  /** Listeners still working after their ack are tracked here, so a stop waits for them. */
  background: BackgroundWork;
  /** Whether the database answers (GET /healthz). */
  databaseReady?: () => boolean;
}

/** `GET /healthz`: 200 while the app takes requests and its database answers, 503 otherwise. */
function healthRoute(deps: AppDeps): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      let healthy = !deps.background.stopping;
      try {
        if (deps.databaseReady && !deps.databaseReady()) healthy = false;
      } catch {
        healthy = false;
      }
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: healthy }));
    },
  };
}

/** Bolt over HTTP (`POST /slack/events`, signatures checked by our receiver) or Socket Mode when SLACK_APP_TOKEN is set. */
function transport(deps: AppDeps) {
  const { config, logger } = deps;
  const healthz = healthRoute(deps);
  if (config.slack.appToken) {
    return {
      socketMode: true,
      appToken: config.slack.appToken,
      installerOptions: { port: config.port },
      customRoutes: [healthz],
    };
  }
  return {
    receiver: createReceiver({
      signingSecret: config.slack.signingSecret ?? '',
      customRoutes: [healthz],
      logger: logger.child({ component: 'receiver' }),
      boltLogger: slackLogger(logger, 'bolt-receiver'),
    }),
  };
}

/**
 * The Bolt app: its transport, one middleware and the handlers. Everything else (clients, services, jobs) is built
 * by the composition root (compose.ts).
 */
export function buildApp(deps: AppDeps): App {
  const { config, logger, startup } = deps;
  const { workspace } = startup;
  const app = new App({
    ...transport(deps),
    // The identity auth.test gave at start (startup.ts): Bolt never calls auth.test itself, nor caches a failure.
    authorize: async () => ({
      botToken: config.slack.botToken,
      botId: workspace.botId,
      botUserId: workspace.botUserId,
      teamId: workspace.teamId,
      enterpriseId: workspace.enterpriseId,
    }),
    logger: slackLogger(logger, 'bolt'),
    logLevel: boltLogLevel(config.logLevel),
    // Listener `client`s are the interactive client (slackClients.ts): one try, 1.5 s, while the person waits.
    clientOptions: slackClientOptions(config, logger, 'interactive'),
  });

  app.use(async (args) => {
    try {
      // Tracked, so a stop waits for listeners still working after their ack.
      await deps.background.track(args.next());
    } catch (error) {
      // A listener that throws must still answer Slack (an empty ack: the modal closes, the click is taken) rather
      // than leave it to time out. Wrong types in a payload (TypeError) are bad input, not an app failure.
      const ack = (args as { ack?: () => Promise<void> }).ack;
      await ack?.().catch(() => undefined);
      if (error instanceof TypeError)
        logger.warn({ err: error }, 'a Slack request with unexpected field types was ignored');
      else logger.error({ err: error }, 'a Slack listener failed');
    }
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  registerHandlers(app, { config, startup, ...deps.handlers });
  return app;
}
