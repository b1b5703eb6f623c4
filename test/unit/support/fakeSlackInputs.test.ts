import { describe, expect, it } from 'vitest';
import { validateView } from '../../support/fakeSlack.js';

/**
 * The fake Slack checks the input elements' own fields as Slack does (test/support/fakeSlack/inputElements.ts): a
 * choice's initial option is one of its options, a number input says whether decimals are allowed, the user and
 * conversation selects take ids and a conversations filter Slack knows.
 */
const pt = (text: string) => ({ type: 'plain_text', text });
const option = (value: string, text = value) => ({ text: pt(text), value });
const modal = (element: Record<string, unknown>) => ({
  type: 'modal',
  title: pt('Edit'),
  submit: pt('Save'),
  blocks: [{ type: 'input', block_id: 'b', label: pt('Field'), element: { action_id: 'value', ...element } }],
});
const problems = (element: Record<string, unknown>) =>
  validateView(modal(element), ['modal'])?.messages ?? [];

describe('fake Slack: input elements', () => {
  it('takes the elements of the program editors as they are built', () => {
    for (const element of [
      { type: 'radio_buttons', options: [option('a'), option('b')], initial_option: option('b') },
      { type: 'checkboxes', options: [option('a'), option('b')], initial_options: [option('a')] },
      { type: 'static_select', options: [option('a')], initial_option: option('a') },
      { type: 'multi_static_select', options: [option('a'), option('b')], initial_options: [option('b')] },
      {
        type: 'number_input',
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '1000',
        initial_value: '3',
      },
      { type: 'multi_users_select', initial_users: ['U0AE', 'U0OWNER'] },
      { type: 'users_select', initial_user: 'U0AE' },
      {
        type: 'multi_conversations_select',
        initial_conversations: ['C0INTERNAL'],
        filter: {
          include: ['public', 'private'],
          exclude_external_shared_channels: true,
          exclude_bot_users: true,
        },
      },
    ])
      expect(problems(element), element.type).toEqual([]);
  });

  it('refuses an initial option that is none of the options', () => {
    expect(problems({ type: 'radio_buttons', options: [option('a')], initial_option: option('b') })).toEqual([
      '[ERROR] must match one of the options [json-pointer:/view/blocks/0/element/initial_option]',
    ]);
    expect(
      problems({
        type: 'checkboxes',
        options: [option('a')],
        initial_options: [option('a'), option('a', 'A')],
      }),
    ).toEqual([
      '[ERROR] must match one of the options [json-pointer:/view/blocks/0/element/initial_options/1]',
    ]);
  });

  it('refuses a number input without is_decimal_allowed, or with numbers that do not fit it', () => {
    expect(problems({ type: 'number_input', initial_value: '3' })).toEqual([
      '[ERROR] missing required field: is_decimal_allowed [json-pointer:/view/blocks/0/element]',
    ]);
    expect(problems({ type: 'number_input', is_decimal_allowed: false, initial_value: '2.5' })).toEqual([
      '[ERROR] must be an integer when decimals are not allowed [json-pointer:/view/blocks/0/element/initial_value]',
    ]);
    expect(problems({ type: 'number_input', is_decimal_allowed: true, initial_value: 3 })).toEqual([
      '[ERROR] must be a number string [json-pointer:/view/blocks/0/element/initial_value]',
    ]);
    expect(
      problems({
        type: 'number_input',
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '5',
        initial_value: '9',
      }),
    ).toEqual([
      '[ERROR] must be between min_value and max_value [json-pointer:/view/blocks/0/element/initial_value]',
    ]);
  });

  it('refuses ids that are not strings and a conversations filter Slack does not know', () => {
    expect(problems({ type: 'multi_users_select', initial_users: 'U0AE' })).toEqual([
      '[ERROR] must provide an array [json-pointer:/view/blocks/0/element/initial_users]',
    ]);
    expect(
      problems({
        type: 'multi_conversations_select',
        filter: { include: ['channels'], exclude_bot_users: 'yes' },
      }),
    ).toEqual([
      '[ERROR] must be one of im, mpim, private, public [json-pointer:/view/blocks/0/element/filter/include/0]',
      '[ERROR] must be a boolean [json-pointer:/view/blocks/0/element/filter/exclude_bot_users]',
    ]);
    expect(problems({ type: 'multi_static_select', options: [option('a')], max_selected_items: 0 })).toEqual([
      '[ERROR] must be an integer of at least 1 [json-pointer:/view/blocks/0/element/max_selected_items]',
    ]);
  });
});
