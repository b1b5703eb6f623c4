import { describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID } from '../../../src/blocks/ids.js';
import {
  commandBody,
  interaction,
  internal,
  malformed,
  type Sent,
  shortcutPayload,
} from '../../support/hostileGen.js';
import {
  appHomeOpened,
  blockAction,
  declineSubmission,
  packetSubmission,
  slashCommand,
  viewSubmission,
} from '../../support/payloads.js';
import { people } from '../../support/people.js';

/**
 * The receiver's malformed rule (src/receiver.ts `malformedReason`, through test/support/hostileGen.ts
 * `refusedAsMalformed`) on its own, no app: the hostile-input properties (test/integration/hostile/) expect a 400
 * for every body it refuses, which is only sound if it refuses nothing Slack really sends.
 */

/** A trigger id as Slack gives one (the rule does not read it). */
const TRIGGER_ID = '1.2.trigger';

describe('bodies nobody can route or parse (property)', () => {
  it("the receiver's malformed rule passes every shape Slack sends (so a 400 in the hostile-input properties is never a real request)", () => {
    const globalShortcut = () => shortcutPayload(TRIGGER_ID);
    const user = internal(people.ae);
    const richText = {
      type: 'rich_text',
      elements: [{ type: 'rich_text_section', elements: [{ type: 'text' }] }],
    };
    const shapes: Sent[] = [
      interaction(
        'block_actions',
        blockAction({ actionId: ACTION_ID.accept, value: '1', user: internal(people.ae) }),
      ),
      interaction('block_actions in a DM, no channel', {
        ...blockAction({ actionId: ACTION_ID.homeExport, value: '30d' }),
        channel: undefined,
      }),
      interaction('view_submission', declineSubmission({ handoffId: 1, reason: 'timing' })),
      // The accept modal: a datepicker, and a number input left empty (Slack sends null).
      interaction(
        'accept modal submission',
        viewSubmission({
          callbackId: CALLBACK_ID.accept,
          user: internal(people.ae),
          privateMetadata: JSON.stringify({ handoffId: 1 }),
          values: {
            [ACCEPT_BLOCK_ID.step]: {
              [ACTION_ID.value]: { type: 'plain_text_input', value: 'Intro call with Dana Reyes' },
            },
            [ACCEPT_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: '2026-11-26' } },
            [ACCEPT_BLOCK_ID.value]: { [ACTION_ID.value]: { type: 'number_input', value: null } },
          },
        }),
      ),
      interaction('packet submission', packetSubmission()),
      interaction('view_closed', { ...packetSubmission(), type: 'view_closed', is_cleared: false }),
      interaction('shortcut', globalShortcut()),
      interaction('message_action', {
        ...globalShortcut(),
        type: 'message_action',
        channel: { id: 'C0INTERNAL' },
        message: { ts: '1.1', text: 'x' },
      }),
      {
        ...interaction('slash command', {}),
        body: commandBody(slashCommand({ text: 'help' })),
      },
      { ...interaction('ssl_check', {}), body: 'ssl_check=1&token=x' },
      {
        ...interaction('event_callback', {}),
        body: JSON.stringify(appHomeOpened(people.ae.id, 'Ev0SHAPE')),
        contentType: 'application/json',
      },
      {
        ...interaction('url_verification', {}),
        body: JSON.stringify({ type: 'url_verification', challenge: 'x', token: 'x' }),
        contentType: 'application/json',
      },
      interaction('block_suggestion', {
        type: 'block_suggestion',
        user,
        action_id: 'a',
        block_id: 'b',
        value: 'x',
      }),
      interaction('interactive_message', {
        type: 'interactive_message',
        user,
        callback_id: 'c',
        actions: [{ name: 'n', type: 'button', value: 'v' }],
        channel: { id: 'C1' },
      }),
      interaction('dialog_submission', {
        type: 'dialog_submission',
        user,
        callback_id: 'c',
        submission: { a: '1' },
        channel: { id: 'C1' },
      }),
      interaction('dialog_suggestion', {
        type: 'dialog_suggestion',
        user,
        callback_id: 'c',
        name: 'n',
        value: 'x',
      }),
      // A deeply nested but real message (rich text inside an edited message) is not "too deep".
      {
        ...interaction('an edited message of rich text', {}),
        body: JSON.stringify({
          ...appHomeOpened(people.ae.id, 'Ev0DEEP'),
          event: {
            type: 'message',
            subtype: 'message_changed',
            channel: 'C1',
            message: {
              blocks: [richText],
              attachments: [{ message_blocks: [{ message: { blocks: [richText] } }] }],
            },
            previous_message: { blocks: [richText] },
          },
        }),
        contentType: 'application/json',
      },
    ];
    expect(shapes.map((r) => [r.label, malformed(r)])).toEqual(shapes.map((r) => [r.label, undefined]));
  });
});
