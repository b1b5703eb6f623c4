import type { App } from '@slack/bolt';
import { ACTION_ID, OUTCOME_ACTION_PREFIX } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import { acceptAction } from './accept.js';
import { declineAction } from './decline.js';
import { editAction, noteAction } from './editHandoff.js';
import { registerHeldBack } from './heldBack.js';
import { helpClaimAction } from './helpClaim.js';
import { homeExportAction, homePeriodAction } from './homeRefresh.js';
import { outcomeButton } from './outcomeButtons.js';
import { ownerModalButton, withdrawButton } from './ownerButtons.js';
import { viewAction } from './viewHandoff.js';

export function registerActions(app: App, deps: HandlerDeps): void {
  app.action({ type: 'block_actions', action_id: ACTION_ID.accept }, acceptAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.decline }, declineAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.reassign }, ownerModalButton(deps, 'reassign'));
  app.action({ type: 'block_actions', action_id: ACTION_ID.extend }, ownerModalButton(deps, 'extend'));
  app.action({ type: 'block_actions', action_id: ACTION_ID.withdraw }, withdrawButton(deps));
  app.action(
    { type: 'block_actions', action_id: new RegExp(`^${OUTCOME_ACTION_PREFIX}`) },
    outcomeButton(deps),
  );
  app.action({ type: 'block_actions', action_id: ACTION_ID.helpClaim }, helpClaimAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.homePeriod }, homePeriodAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.homeExport }, homeExportAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.view }, viewAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.edit }, editAction(deps));
  app.action({ type: 'block_actions', action_id: ACTION_ID.note }, noteAction(deps));
  registerHeldBack(app, deps);
}
