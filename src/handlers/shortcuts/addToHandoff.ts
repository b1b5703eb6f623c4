import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { addReplies, addToHandoffModal } from '../../blocks/addToHandoff.js';
import { EXCERPT_MAX, messageExcerpt } from '../../domain/messageLinks.js';
import type { MessageRef } from '../../packets/messageLinks.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

/** The message as the modal carries it to its submission (private_metadata), with the shortcut's response URL. */
export interface AddedMessage extends MessageRef {
  /** Where the person is told, only to them, should the :memo: mark be skipped. */
  responseUrl?: string | undefined;
}

const metadataSchema = z.object({
  c: z.string().regex(/^[CGD][A-Z0-9]{2,}$/),
  ts: z.string().regex(/^\d+\.\d+$/),
  th: z
    .string()
    .regex(/^\d+\.\d+$/)
    .optional(),
  d: z.string().max(100).optional(),
  x: z.string().max(EXCERPT_MAX),
  r: z.string().max(500).optional(),
});

/** The message, short enough for Slack's 3,000 characters of private_metadata. */
export function encodeAddedMessage(m: AddedMessage): string {
  return JSON.stringify({
    c: m.channelId,
    ts: m.ts,
    ...(m.threadTs && m.threadTs !== m.ts ? { th: m.threadTs } : {}),
    ...(m.teamDomain ? { d: m.teamDomain } : {}),
    x: m.excerpt,
    ...(m.responseUrl ? { r: m.responseUrl } : {}),
  });
}

/** The message a submission carries; undefined when its metadata is not what the modal was opened with. */
export function decodeAddedMessage(metadata: string): AddedMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  return { channelId: m.c, ts: m.ts, threadTs: m.th, teamDomain: m.d, excerpt: m.x, responseUrl: m.r };
}

/**
 * The "Add to handoff" message shortcut: opens the modal that picks one of the person's open
 * handoffs, the channel's partner's first, the one the message is about preselected. People of other organizations are refused; someone with no open handoff
 * is told so. Both only to them, where they are.
 */
export function addToHandoffShortcut(deps: HandlerDeps) {
  return async ({
    ack,
    shortcut,
    client,
    logger,
  }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs) => {
    await ack();
    const threadTs = typeof shortcut.message.thread_ts === 'string' ? shortcut.message.thread_ts : undefined;
    const text = shortcut.message.text ?? '';
    const found = await deps.messageLinks.choices(requestContext(shortcut, deps), {
      channelId: shortcut.channel.id,
      ts: shortcut.message.ts,
      threadTs,
      text,
    });
    if (found.kind !== 'choices') {
      if (found.kind === 'external')
        logger.warn(`add-to-handoff shortcut refused for external user ${shortcut.user.id}`);
      const text = found.kind === 'external' ? addReplies.external() : addReplies.none();
      await deps.replies.ephemeral(shortcut.response_url, text, shortcut.user.id);
      return;
    }
    const message: AddedMessage = {
      channelId: shortcut.channel.id,
      ts: shortcut.message.ts,
      threadTs,
      teamDomain: shortcut.team?.domain,
      excerpt: messageExcerpt(text),
      responseUrl: shortcut.response_url,
    };
    const view = addToHandoffModal(found.rows, {
      excerpt: message.excerpt,
      matched: found.matched,
      about: found.about,
      metadata: encodeAddedMessage(message),
    });
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view });
    } catch (error) {
      logger.warn(`views.open for Add to handoff failed: ${String(error)}`);
    }
  };
}
