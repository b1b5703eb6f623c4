/** Signed Slack requests for the load runs: built from templates, so making one costs a string join and an HMAC. */
import { createHmac } from 'node:crypto';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { sampleDm } from './generate.js';

export const SIGNING_SECRET = 'bench-signing-secret';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Slack's request signing (v0), as the receiver checks it. */
export function sign(body: string, contentType = 'application/x-www-form-urlencoded'): SignedRequest {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
  };
}

const HANDOFF = '__HANDOFF__';
const USER = '__USER__';

/**
 * A click on Accept in the AE's DM: the payload Slack sends (the message with its blocks included), as a template
 * whose handoff id and user are filled per request.
 */
export function acceptClicks(team: string) {
  const payload = {
    type: 'block_actions',
    team: { id: team, domain: 'acme' },
    user: { id: USER, username: 'ae', name: 'ae', team_id: team },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: '1763650000.000100',
      channel_id: `D${USER}`,
      is_ephemeral: false,
    },
    trigger_id: '1234567890.1234567890.abcdef',
    channel: { id: `D${USER}`, name: 'directmessage' },
    message: {
      type: 'message',
      ts: '1763650000.000100',
      bot_id: 'BBOT',
      text: 'A co-sell handoff for you',
      blocks: sampleDm(new Date()).blocks,
    },
    state: { values: {} },
    response_url: 'https://hooks.slack.com/actions/T0INTERNAL/1/abc',
    actions: [
      {
        type: 'button',
        action_id: ACTION_ID.accept,
        block_id: 'handoff_decision',
        text: { type: 'plain_text', text: 'Accept', emoji: true },
        value: HANDOFF,
        style: 'primary',
        action_ts: '1763650001.000200',
      },
    ],
    is_enterprise_install: false,
    enterprise: null,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  // The markers survive URL encoding unchanged; split once, join per request.
  const parts = body.split(new RegExp(`(${HANDOFF}|${USER})`));
  return (handoffId: number, userId: string): SignedRequest =>
    sign(parts.map((p) => (p === HANDOFF ? String(handoffId) : p === USER ? userId : p)).join(''));
}
