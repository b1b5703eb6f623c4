import type { App } from '@slack/bolt';
import { SHORTCUT_ID } from '../blocks/ids.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { HandlerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { helpRequestShortcut } from './shortcuts/helpRequest.js';
import { registerViews } from './views/index.js';

export type { HandlerDeps };

export function registerHandlers(app: App, deps: HandlerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  app.shortcut({ type: 'shortcut', callback_id: SHORTCUT_ID.helpRequest }, helpRequestShortcut(deps));
}
