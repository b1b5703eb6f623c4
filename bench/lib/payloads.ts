/** Signed Slack requests for the load runs: built from templates, so making one costs a string join and an HMAC. */
import { createHmac } from 'node:crypto';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';

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
 * The AE's Accept as the app records it (issue 51): the accept modal submitted with its defaults, the first step and
 * a date a week on (today or later in any AE's calendar), as a template whose handoff id and user are filled per
 * request. (Until issue 51 the Accept button's click itself was recorded; it now only opens this modal.)
 */
/** A week on, moved to a Tuesday, Wednesday or Thursday: the accept refuses a day its AE does not work (issue 77). */
export function workdayAWeekOn(): string {
  const day = new Date(Date.now() + 7 * 86_400_000);
  while (![2, 3, 4].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

export function acceptSubmissions(team: string) {
  const due = workdayAWeekOn();
  const payload = {
    type: 'view_submission',
    team: { id: team, domain: 'acme' },
    user: { id: USER, username: 'ae', name: 'ae', team_id: team },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    trigger_id: '1234567890.1234567890.abcdef',
    view: {
      id: 'V0BENCH',
      team_id: team,
      type: 'modal',
      callback_id: CALLBACK_ID.accept,
      private_metadata: `{"handoffId":${HANDOFF}}`,
      blocks: [],
      state: {
        values: {
          [ACCEPT_BLOCK_ID.step]: {
            [ACTION_ID.value]: { type: 'plain_text_input', value: 'Intro call with the partner contact' },
          },
          [ACCEPT_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: due } },
          [ACCEPT_BLOCK_ID.value]: { [ACTION_ID.value]: { type: 'number_input', value: null } },
        },
      },
      hash: '1763650000.abcdef',
      app_id: 'A0APP',
      bot_id: 'BBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  // The markers survive URL encoding unchanged; split once, join per request.
  const parts = body.split(new RegExp(`(${HANDOFF}|${USER})`));
  return (handoffId: number, userId: string): SignedRequest =>
    sign(parts.map((p) => (p === HANDOFF ? String(handoffId) : p === USER ? userId : p)).join(''));
}
