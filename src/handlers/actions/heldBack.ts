import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { DateTime } from 'luxon';
import { commandReply } from '../../blocks/commandReplies.js';
import { nextMoveModal } from '../../blocks/heldBackNotice.js';
import { ACTION_ID, NEXT_MOVE_BLOCK_ID } from '../../blocks/ids.js';
import { mention, userText } from '../../blocks/mrkdwn.js';
import { SAVED } from '../../blocks/savedNotes.js';
import type { HeldBackRefusal } from '../../core/heldBack.js';
import { internalWords } from '../../domain/internalText.js';
import { FIELD_LIMITS } from '../../domain/packet.js';
import { partnerFiller } from '../../domain/partnerFiller.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { buttonModal } from './buttonModal.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The author's notice of a held-back partner next move: Still true, Edit, and the Edit modal's Save. */

/** What the buttons carry: the handoff and the text version they were shown for (`id:version`). */
function refOf(body: BlockAction): { handoffId: number; version: string } {
  const action = body.actions[0];
  const value = action && 'value' in action ? action.value : undefined;
  const match = typeof value === 'string' ? /^(\d{1,15}):([\w-]{1,40})$/.exec(value) : null;
  return match
    ? { handoffId: Number(match[1]), version: match[2] ?? '' }
    : { handoffId: Number.NaN, version: '' };
}

/** Why nothing was done, naming who may do it. */
export function heldBackRefusal(refusal: HeldBackRefusal, handoffId: number): string {
  if (refusal.kind === 'not_found') return commandReply.notFound(handoffId);
  const h = refusal.handoff;
  const partner = userText(h.partnerOrg, 150);
  if (refusal.kind === 'not_allowed')
    return `Only the author, the owner (${mention(h.ownerUserId)}) or an admin can change what ${partner} sees of handoff #${h.id}. Nothing was changed.`;
  return `What ${partner} sees of handoff #${h.id} changed since this message (or the deal moved on), so nothing was changed. The message shows where it stands now.`;
}

/** Still true: confirmed at once; the notice and the partner thread follow (surfaces). */
function confirmAction(deps: HandlerDeps) {
  return async ({ ack, body }: ButtonArgs) => {
    await ack();
    const { handoffId, version } = refOf(body);
    const result = await deps.heldBack.confirm(requestContext(body, deps), handoffId, version);
    if (result.kind !== 'done')
      await deps.replies.ephemeral(body.response_url, heldBackRefusal(result, handoffId), body.user.id);
  };
}

/** Edit: the small modal for the partner's next move and its date. */
function editAction(deps: HandlerDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'the partner next move');
    const { handoffId, version } = refOf(args.body);
    const allowed = await deps.heldBack.allowed(requestContext(args.body, deps), handoffId);
    if (allowed.kind !== 'ok') return reply(heldBackRefusal(allowed, handoffId));
    await open(nextMoveModal(allowed.handoff, version, deps.heldBack.today(allowed.handoff)));
  };
}

/** The modal's two inputs as Slack sends them (undefined: not this modal's inputs). */
function readForm(values: unknown): { move: string; date: string | null } | undefined {
  const element = (block: string): Record<string, unknown> | undefined => {
    const input = (values as Record<string, Record<string, unknown> | undefined> | null)?.[block]?.[
      ACTION_ID.value
    ];
    return typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : undefined;
  };
  const move = element(NEXT_MOVE_BLOCK_ID.move);
  const date = element(NEXT_MOVE_BLOCK_ID.date);
  if (move?.type !== 'plain_text_input' || date?.type !== 'datepicker') return undefined;
  if (!(typeof move.value === 'string' || move.value == null)) return undefined;
  if (!(typeof date.selected_date === 'string' || date.selected_date == null)) return undefined;
  return {
    move: typeof move.value === 'string' ? move.value.trim() : '',
    date: typeof date.selected_date === 'string' ? date.selected_date : null,
  };
}

/** Save: the move as written (checked like the packet's: no filler, nothing internal, no past date). */
export function nextMoveSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    context,
    view,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const form = readForm(view.state.values);
    let handoffId = Number.NaN;
    let version = '';
    try {
      const parsed = JSON.parse(view.private_metadata) as { handoffId?: unknown; version?: unknown };
      if (typeof parsed.handoffId === 'number') handoffId = parsed.handoffId;
      if (typeof parsed.version === 'string') version = parsed.version;
    } catch {
      // Not ours: refused below as not found.
    }
    const ctx = requestContext(body, deps);
    const allowed = await deps.heldBack.allowed(ctx, handoffId);
    const errors: Record<string, string> = {};
    if (allowed.kind !== 'ok') errors[NEXT_MOVE_BLOCK_ID.move] = heldBackRefusal(allowed, handoffId);
    else if (!form)
      errors[NEXT_MOVE_BLOCK_ID.move] = 'Write the next move, or leave it empty, and save again.';
    else {
      const { move, date } = form;
      const filler = partnerFiller('partnerNextMove', move);
      const internal = internalWords(move);
      if (move.length > FIELD_LIMITS.partnerNextMove)
        errors[NEXT_MOVE_BLOCK_ID.move] = `Keep it under ${FIELD_LIMITS.partnerNextMove} characters.`;
      else if (filler) errors[NEXT_MOVE_BLOCK_ID.move] = filler;
      else if (internal.length > 0)
        errors[NEXT_MOVE_BLOCK_ID.move] =
          `The partner reads this word for word, and it reads as internal (${internal.join(', ')}). Rewrite it.`;
      if (date !== null && !(/^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid))
        errors[NEXT_MOVE_BLOCK_ID.date] = 'Pick a date.';
      else if (date !== null && date < deps.heldBack.today(allowed.handoff))
        errors[NEXT_MOVE_BLOCK_ID.date] = 'This date is in the past.';
    }
    if (Object.keys(errors).length > 0 || !form) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    // No move, no date: the date only says when the move is due.
    const result = await deps.heldBack.edit(ctx, handoffId, version, {
      move: form.move,
      date: form.move && form.date ? form.date : null,
    });
    markSaved(context, SAVED.nextMove(result));
    if (result.kind !== 'done') {
      await ack({
        response_action: 'errors',
        errors: { [NEXT_MOVE_BLOCK_ID.move]: heldBackRefusal(result, handoffId) },
      });
      return;
    }
    await ack();
  };
}

/** The notice's buttons (the modal Edit opens is submitted to `nextMoveSubmit`). */
export function heldBackActions(deps: HandlerDeps) {
  return { heldBackConfirm: confirmAction(deps), heldBackEdit: editAction(deps) };
}
