import type { App } from '@slack/bolt';
import { CALLBACK_ID } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import { coverSubmit } from './coverSubmit.js';
import { declineSubmit } from './declineSubmit.js';
import { helpRequestSubmit } from './helpRequestSubmit.js';
import { noteSubmit } from './noteSubmit.js';
import { lostSubmit, opportunitySubmit } from './outcomeSubmit.js';
import { extendSubmit, reassignSubmit } from './ownerSubmit.js';
import { packetSubmit } from './packetSubmit.js';
import { reviewSubmit } from './reviewSubmit.js';

export function registerViews(app: App, deps: HandlerDeps): void {
  app.view(CALLBACK_ID.packet, packetSubmit(deps));
  app.view(CALLBACK_ID.review, reviewSubmit(deps));
  app.view(CALLBACK_ID.decline, declineSubmit(deps));
  app.view(CALLBACK_ID.reassign, reassignSubmit(deps));
  app.view(CALLBACK_ID.extend, extendSubmit(deps));
  app.view(CALLBACK_ID.opportunity, opportunitySubmit(deps));
  app.view(CALLBACK_ID.lost, lostSubmit(deps));
  app.view(CALLBACK_ID.helpRequest, helpRequestSubmit(deps));
  app.view(CALLBACK_ID.note, noteSubmit(deps));
  app.view(CALLBACK_ID.cover, coverSubmit(deps));
}
