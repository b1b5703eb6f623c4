import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackStatus } from '../../domain/absence.js';
import type { HandlerDeps } from '../deps.js';

/** The status a `user_status_changed` event carries (its user's profile), read defensively: absent fields are none. */
function statusOf(profile: unknown): SlackStatus | undefined {
  if (typeof profile !== 'object' || profile === null) return undefined;
  const p = profile as { status_text?: unknown; status_emoji?: unknown; status_expiration?: unknown };
  const expiration = Number(p.status_expiration ?? 0);
  return {
    text: typeof p.status_text === 'string' ? p.status_text : '',
    emoji: typeof p.status_emoji === 'string' ? p.status_emoji : '',
    expiration: Number.isFinite(expiration) && expiration > 0 ? expiration : 0,
  };
}

/**
 * Someone's Slack status changed (sent for everyone in the workspace): an AE with handoffs waiting for them who is
 * now away is seen at once, without asking Slack (escalation/awayCheck.ts). Anyone else costs one database read.
 * A retried event finds the owners already told.
 */
export function userStatusChanged(deps: HandlerDeps) {
  return async ({ event }: SlackEventMiddlewareArgs<'user_status_changed'> & AllMiddlewareArgs) => {
    const user: unknown = event.user;
    if (typeof user !== 'object' || user === null) return;
    const { id, profile } = user as { id?: unknown; profile?: unknown };
    const status = statusOf(profile);
    if (typeof id !== 'string' || !status) return;
    await deps.slackEvents.statusChanged(id, status);
  };
}
