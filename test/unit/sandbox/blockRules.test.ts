import { describe, expect, it } from 'vitest';
import { elementsWithActionId, repeatedActionIds } from '../../../sandbox/web/blockRules.js';
import { renderBlocks } from '../../../sandbox/web/render.js';
import { blankContext } from './unitdomain-context.js';

/** The sandbox page flags a block whose elements repeat an action id: Slack refuses it (`invalid_blocks`). */

const ctx = blankContext;

const button = (actionId: string, text: string, value: string) => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
});

const twoSuggestions = {
  type: 'actions',
  block_id: 'packet_suggestions',
  elements: [button('suggest', 'Joint value', '1:jointValue'), button('suggest', 'Use all', '1:all')],
};

describe('repeated action ids in a block', () => {
  it('names each repeated id once, and the elements that carry it', () => {
    const block = {
      ...twoSuggestions,
      elements: [...twoSuggestions.elements, button('other', 'Other', 'x')],
    };
    expect(repeatedActionIds(block)).toEqual(['suggest']);
    expect(elementsWithActionId(block, 'suggest')).toHaveLength(2);
    expect(
      repeatedActionIds({ type: 'actions', elements: [button('a', 'A', 'a'), button('b', 'B', 'b')] }),
    ).toEqual([]);
    expect(repeatedActionIds({ type: 'section', text: { type: 'mrkdwn', text: 'no elements' } })).toEqual([]);
  });

  it('renders the buttons, each with its own value, and a red box saying Slack refuses the block', () => {
    const html = renderBlocks([twoSuggestions], ctx);
    expect(html).toContain('data-invalid="actions: action_id suggest is used by more than one element"');
    expect(html).toContain('data-value="1:jointValue"');
    expect(html).toContain('data-value="1:all"');
    expect(renderBlocks([{ ...twoSuggestions, elements: [twoSuggestions.elements[0]] }], ctx)).not.toContain(
      'data-invalid',
    );
  });
});
