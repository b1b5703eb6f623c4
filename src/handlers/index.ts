import type { App } from '@slack/bolt';
import { COMMAND, SHORTCUT_ID } from '../blocks/ids.js';
import { actionTable } from './actions/index.js';
import { handoffCommand } from './commands/handoff.js';
import type { HandlerDeps } from './deps.js';
import { eventTable } from './events/index.js';
import { routeActions, routeEvents, routeViews } from './routes.js';
import { addToHandoffShortcut } from './shortcuts/addToHandoff.js';
import { handOffShortcut } from './shortcuts/handOff.js';
import { helpRequestShortcut } from './shortcuts/helpRequest.js';
import { viewTable } from './views/index.js';

export type { HandlerDeps };

/** One Bolt listener per kind of request (routes.ts): the command, the shortcut, and the tables of the others. */
export function registerHandlers(app: App, deps: HandlerDeps): void {
  app.command(COMMAND, handoffCommand(deps));
  routeActions(app, actionTable(deps));
  routeViews(app, viewTable(deps));
  routeEvents(app, eventTable(deps));
  app.shortcut({ type: 'shortcut', callback_id: SHORTCUT_ID.helpRequest }, helpRequestShortcut(deps));
  app.shortcut({ type: 'message_action', callback_id: SHORTCUT_ID.handOff }, handOffShortcut(deps));
  app.shortcut({ type: 'message_action', callback_id: SHORTCUT_ID.addToHandoff }, addToHandoffShortcut(deps));
}
