import type { AllMiddlewareArgs, App } from '@slack/bolt';
import { COMMAND, SHORTCUT_ID } from '../blocks/ids.js';
import { actionTable } from './actions/index.js';
import { handoffCommand } from './commands/handoff.js';
import type { HandlerDeps } from './deps.js';
import { eventTable } from './events/index.js';
import { type Routes, route, routesOf } from './routes.js';
import { addToHandoffShortcut } from './shortcuts/addToHandoff.js';
import { handOffShortcut } from './shortcuts/handOff.js';
import { helpRequestShortcut } from './shortcuts/helpRequest.js';
import { viewTable } from './views/index.js';

export type { HandlerDeps };

/** One installation's listeners: its command, its shortcuts and its tables, built once from its services. */
export interface Listeners {
  routes: Routes;
  command: ReturnType<typeof handoffCommand>;
  helpRequest: ReturnType<typeof helpRequestShortcut>;
  handOff: ReturnType<typeof handOffShortcut>;
  addToHandoff: ReturnType<typeof addToHandoffShortcut>;
}

export function listenersFor(deps: HandlerDeps): Listeners {
  return {
    routes: routesOf(actionTable(deps), viewTable(deps), eventTable(deps)),
    command: handoffCommand(deps),
    helpRequest: helpRequestShortcut(deps),
    handOff: handOffShortcut(deps),
    addToHandoff: addToHandoffShortcut(deps),
  };
}

/** The installation's part of a request: its listeners, and the client they call Slack with (app.ts). */
export type ListenersOf = (context: AllMiddlewareArgs['context']) => {
  listeners: Listeners;
  client: AllMiddlewareArgs['client'];
  logger: AllMiddlewareArgs['logger'];
};

/**
 * One Bolt listener per kind of request (routes.ts): the command, the shortcuts, and the tables of the others, each
 * handing the request to the listener of the installation it is for.
 */
export function registerHandlers(app: App, of: ListenersOf): void {
  app.command(COMMAND, async (args) => {
    const { listeners, client, logger } = of(args.context);
    await listeners.command({ ...args, client, logger });
  });
  route(app, (context) => {
    const { listeners, client, logger } = of(context);
    return { routes: listeners.routes, client, logger };
  });
  app.shortcut({ type: 'shortcut', callback_id: SHORTCUT_ID.helpRequest }, async (args) => {
    const { listeners, client, logger } = of(args.context);
    await listeners.helpRequest({ ...args, client, logger });
  });
  app.shortcut({ type: 'message_action', callback_id: SHORTCUT_ID.handOff }, async (args) => {
    const { listeners, client, logger } = of(args.context);
    await listeners.handOff({ ...args, client, logger });
  });
  app.shortcut({ type: 'message_action', callback_id: SHORTCUT_ID.addToHandoff }, async (args) => {
    const { listeners, client, logger } = of(args.context);
    await listeners.addToHandoff({ ...args, client, logger });
  });
}
