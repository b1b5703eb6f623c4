import type { App } from '@slack/bolt';
import { COMMAND } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import { handoffCommand } from './handoff.js';

export function registerCommands(app: App, deps: HandlerDeps): void {
  app.command(COMMAND, handoffCommand(deps));
}
