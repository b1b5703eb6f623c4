import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ownerRefusalPlain } from '../../blocks/ephemerals.js';
import { ACTION_ID, OWNER_BLOCK_ID } from '../../blocks/ids.js';
import type { OwnerModalMetadata } from '../../blocks/ownerActions.js';
import { SAVED } from '../../blocks/savedNotes.js';
import type { OwnerResult } from '../../escalation/ownerActions.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function metadataOf(raw: string): OwnerModalMetadata {
  try {
    const parsed = JSON.parse(raw) as Partial<OwnerModalMetadata>;
    return {
      handoffId: typeof parsed.handoffId === 'number' ? parsed.handoffId : Number.NaN,
      cycle: typeof parsed.cycle === 'number' ? parsed.cycle : Number.NaN,
    };
  } catch {
    return { handoffId: Number.NaN, cycle: Number.NaN };
  }
}

/** Maps a result to the modal's answer: close on success, an inline error on the right field otherwise. */
async function answer(ack: Args['ack'], result: OwnerResult, mainBlock: string): Promise<void> {
  if (result.kind === 'done') return ack();
  if (result.kind === 'invalid') {
    const block = result.field === 'newAe' ? OWNER_BLOCK_ID.newAe : OWNER_BLOCK_ID.days;
    return ack({ response_action: 'errors', errors: { [block]: result.message } });
  }
  return ack({ response_action: 'errors', errors: { [mainBlock]: ownerRefusalPlain(result) } });
}

export function reassignSubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: Args) => {
    const values = view.state.values;
    const result = await deps.ownerActions.reassign({
      ...requestContext(body, deps),
      ...metadataOf(view.private_metadata),
      newAeUserId: values[OWNER_BLOCK_ID.newAe]?.[ACTION_ID.value]?.selected_user ?? '',
      days: Number(values[OWNER_BLOCK_ID.days]?.[ACTION_ID.value]?.value ?? Number.NaN),
    });
    markSaved(context, SAVED.reassign(result));
    await answer(ack, result, OWNER_BLOCK_ID.newAe);
  };
}

export function extendSubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: Args) => {
    const result = await deps.ownerActions.extend({
      ...requestContext(body, deps),
      ...metadataOf(view.private_metadata),
      days: Number(view.state.values[OWNER_BLOCK_ID.days]?.[ACTION_ID.value]?.value ?? Number.NaN),
    });
    markSaved(context, SAVED.extend(result));
    await answer(ack, result, OWNER_BLOCK_ID.days);
  };
}
