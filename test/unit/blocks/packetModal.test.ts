import type { InputBlock, KnownBlock, PlainTextInput } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  AGREED_IN_WRITING_OPTION,
  CALLBACK_ID,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../../src/blocks/ids.js';
import { packetModal } from '../../../src/blocks/packetModal.js';
import {
  SUGGESTIONS_BLOCK_ID,
  suggestionBlocks,
  viewWithSuggestion,
} from '../../../src/blocks/packetSuggestions.js';
import { FIELD_LIMITS, FORM_LIMITS, type PacketInput, parsePacket } from '../../../src/domain/packet.js';
import type { PacketSuggestions } from '../../../src/domain/packetSuggestions.js';
import { PACKET_ERROR_BLOCK, readPacketForm } from '../../../src/handlers/views/packetForm.js';
import { formState, northwind, packetState } from '../../support/payloads.js';
import { fill } from './fixtures.js';
import { expectModalWithinLimits } from './limits.js';

const inputs = (view: ReturnType<typeof packetModal>) =>
  view.blocks.filter((b): b is InputBlock => b.type === 'input');
const elementOf = (view: ReturnType<typeof packetModal>, blockId: string) =>
  inputs(view).find((b) => b.block_id === blockId)?.element as unknown as Record<string, unknown> | undefined;

const b = PACKET_BLOCK_ID;

/**
 * The inputs a new packet shows, in order (at most 15; see docs/packet.md, "The packet modal": the
 * eleven fields are fourteen inputs with the AE, the window and the channel, and four more carry what the score,
 * the attribution rule and the conflict check read: the CRM opportunity, the partner organization, the date of the
 * partner's next move and the two confirmations).
 */
const NEW_PACKET_INPUTS = [
  b.accountName,
  b.crmOpportunity,
  b.partnerOrg,
  b.partnerContactName,
  b.partnerChannelId,
  b.riskNote,
  b.customerTrigger,
  b.jointValue,
  b.whyPartner,
  b.warmPath,
  b.evidenceUrl,
  b.aeUserId,
  b.sellerNextMove,
  b.partnerNextMove,
  b.partnerNextMoveDate,
  PACKET_FORM_BLOCK_ID.confirmations,
  b.ownerUserId,
  b.responseWindowDays,
];

/** The words of a text that carry meaning (4 letters or more), lower-cased. */
const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w.length >= 4),
  );

describe('packetModal', () => {
  const view = packetModal({ authorUserId: 'U0AUTHOR' });

  it('labels the AE as one of two choices when pools exist, so Slack\'s "(optional)" reads true', () => {
    const aeField = (view: ReturnType<typeof packetModal>) =>
      view.blocks.find((block) => block.block_id === b.aeUserId) as InputBlock;
    const alone = aeField(view);
    expect(alone.label.text).toBe('Account executive');
    expect(alone.optional).toBeFalsy();
    const withPools = aeField(
      packetModal({ authorUserId: 'U0AUTHOR', pools: [{ id: 'emea', name: 'EMEA' }] }),
    );
    expect(withPools.label.text).toBe('Account executive, or a pool below');
    expect(withPools.optional).toBe(true);
    expect(withPools.hint?.text).toContain('Choose one: an AE here, or a pool below.');
  });

  it('stays within modal limits, even with a huge prefilled account name or a packet prefilled at every limit', () => {
    expectModalWithinLimits(view);
    expectModalWithinLimits(packetModal({ authorUserId: 'U0AUTHOR', accountName: fill('<!channel>', 5000) }));
    const huge = Object.fromEntries(
      Object.entries(FIELD_LIMITS).map(([field, max]) => [field, fill('<!channel> ,', max)]),
    );
    expectModalWithinLimits(
      packetModal({
        authorUserId: 'U0AUTHOR',
        prefill: { ...huge, accountDomain: 'northwind.com', opportunityCreatedOn: '2026-01-02' },
        edit: { handoffId: 123_456_789 },
      }),
    );
  });

  it('shows 18 inputs in three sections: the eleven fields, the AE, the window and the channel', () => {
    expect(view.callback_id).toBe(CALLBACK_ID.packet);
    expect(inputs(view).map((block) => block.block_id)).toEqual(NEW_PACKET_INPUTS);
    expect(inputs(view)).toHaveLength(18);
    expect(view.blocks.filter((block) => block.type === 'header')).toHaveLength(3);
    // No attribution dates, no domain or role of their own: asked together, or on the review when the rule needs them.
    for (const gone of [b.accountDomain, b.partnerContactRole, b.opportunityCreatedOn, b.partnerTouchOn]) {
      expect(elementOf(view, gone)).toBeUndefined();
    }
  });

  it('never has a heading that repeats the label under it, nor two inputs with one label', () => {
    const blocks = view.blocks as KnownBlock[];
    const headings = blocks.flatMap((block, i) => (block.type === 'header' ? [i] : []));
    expect(headings.length).toBeGreaterThan(0);
    for (const i of headings) {
      const heading = (blocks[i] as { text: { text: string } }).text.text;
      const next = blocks[i + 1] as InputBlock;
      expect(next.type, heading).toBe('input');
      const label = next.label.text;
      expect(label.toLowerCase()).not.toBe(heading.toLowerCase());
      expect(
        [...words(heading)].filter((w) => words(label).has(w)),
        `${heading} / ${label}`,
      ).toEqual([]);
    }
    const labels = inputs(view).map((block) => block.label.text);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('limits each text input to what the packet accepts (both parts of an input that holds two fields)', () => {
    const max = (blockId: string) => (elementOf(view, blockId) as unknown as PlainTextInput).max_length;
    expect(max(b.accountName)).toBe(FORM_LIMITS.account);
    expect(max(b.partnerContactName)).toBe(FORM_LIMITS.partnerContact);
    const fields = ['crmOpportunity', 'partnerOrg', 'whyPartner', 'customerTrigger', 'jointValue'] as const;
    for (const field of [...fields, 'warmPath', 'sellerNextMove', 'partnerNextMove', 'riskNote'] as const) {
      expect(max(b[field]), field).toBe(FIELD_LIMITS[field]);
    }
  });

  it('prefills the account (cut to its limit) and the author as owner', () => {
    const view = packetModal({ authorUserId: 'U0AUTHOR', accountName: fill('a', 400) });
    const account = elementOf(view, b.accountName)?.initial_value as string;
    expect(account).toHaveLength(FIELD_LIMITS.accountName);
    expect(account.endsWith('…')).toBe(true);
    expect(elementOf(view, b.ownerUserId)?.initial_user).toBe('U0AUTHOR');
    expect(view.title.text).toBe('New handoff');
    expect(view.submit?.text).toBe('Review');
    expect(view.private_metadata).toBeUndefined();
  });

  it('marks only the optional packet fields as optional, says when the risk note is required, and asks both confirmations in one group', () => {
    const optional = inputs(view)
      .filter((block) => block.optional)
      .map((block) => block.block_id)
      .sort();
    expect(optional).toEqual(
      [
        b.crmOpportunity,
        b.partnerNextMoveDate,
        PACKET_FORM_BLOCK_ID.confirmations,
        b.riskNote,
        b.evidenceUrl,
        // A partner not on Slack Connect has no channel; the review says they hear nothing in Slack.
        b.partnerChannelId,
      ].sort(),
    );
    const risk = inputs(view).find((block) => block.block_id === b.riskNote);
    expect(risk?.hint?.text).toMatch(/^Required when the check finds a conflict/);
    // Near the partner and the channel it is about, in the first section: its error is not far below the fold.
    expect(NEW_PACKET_INPUTS.indexOf(b.riskNote)).toBeLessThan(6);
    const element = elementOf(view, PACKET_FORM_BLOCK_ID.confirmations);
    expect(((element?.options ?? []) as { value: string }[]).map((o) => o.value)).toEqual([
      ON_PRIORITY_LIST_OPTION,
      AGREED_IN_WRITING_OPTION,
    ]);
    expect(element?.initial_options).toBeUndefined();
    // No channel preselected unless it is given (a channel id only, not a DM id).
    expect(elementOf(view, b.partnerChannelId)).not.toHaveProperty('initial_conversation');
  });

  it('preselects the partner channel it is given, and nothing otherwise', () => {
    const shared = packetModal({ authorUserId: 'U0AUTHOR', partnerChannelId: 'C0PARTNER' });
    expect(elementOf(shared, b.partnerChannelId)?.initial_conversation).toBe('C0PARTNER');
    // Only a channel id: a DM id or anything else is not preselected.
    const dm = packetModal({ authorUserId: 'U0AUTHOR', partnerChannelId: 'D0AUTHOR' });
    expect(elementOf(dm, b.partnerChannelId)).not.toHaveProperty('initial_conversation');
  });

  it('prefills every field for an edit, which readPacketForm reads back as the same packet', () => {
    const prefill = { ...northwind, responseWindowDays: '4', ownerUserId: 'U0OWNER' } as Partial<PacketInput>;
    const view = packetModal({ authorUserId: 'U0AUTHOR', prefill, edit: { handoffId: 42 } });
    expect(view.title.text).toBe('Edit handoff #42');
    expect(view.submit?.text).toBe('Review changes');
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ editOf: 42, editCount: 0 });
    expect(elementOf(view, b.accountName)?.initial_value).toBe('Northwind Logistics (northwind.com)');
    expect(elementOf(view, b.partnerContactName)?.initial_value).toBe('Dana Reyes, Alliances lead');
    // What an edit cannot change is not an input: it reads as a fact, with the action that changes it.
    for (const locked of [b.partnerOrg, b.partnerChannelId, b.aeUserId, b.ownerUserId, b.responseWindowDays])
      expect(elementOf(view, locked)).toBeUndefined();
    const facts = JSON.stringify(view.blocks[1]);
    expect(facts).toContain('Fixed after sending');
    expect(facts).toContain('<#C0PARTNER>');
    expect(facts).toContain(`AE <@${northwind.aeUserId}>`);
    expect(facts).toContain('owner <@U0OWNER>');
    expect(facts).toContain('4-business-day window');
    expect(facts).toContain('Reassign');
    expect(elementOf(view, b.partnerNextMoveDate)?.initial_date).toBe(northwind.partnerNextMoveDate);
    expect(
      (
        (elementOf(view, PACKET_FORM_BLOCK_ID.confirmations)?.initial_options ?? []) as { value: string }[]
      ).map((o) => o.value),
    ).toEqual([ON_PRIORITY_LIST_OPTION, AGREED_IN_WRITING_OPTION]);
    // The opportunity had dates: the rule compared them, so the edit shows them.
    expect(elementOf(view, b.opportunityCreatedOn)?.initial_date).toBe(northwind.opportunityCreatedOn);
    expect(elementOf(view, b.partnerTouchOn)?.initial_date).toBe(northwind.partnerTouchOn);
    expectModalWithinLimits(view);

    // What Slack would send back for this view, untouched, is the packet that was prefilled.
    const values = Object.fromEntries(
      inputs(view).map((block) => {
        const e = block.element as unknown as Record<string, unknown>;
        const value =
          e.type === 'checkboxes'
            ? { type: e.type, selected_options: e.initial_options ?? [] }
            : e.type === 'datepicker'
              ? { type: e.type, selected_date: e.initial_date ?? null }
              : e.type === 'users_select'
                ? { type: e.type, selected_user: e.initial_user ?? null }
                : e.type === 'conversations_select'
                  ? { type: e.type, selected_conversation: e.initial_conversation ?? null }
                  : { type: e.type, value: e.initial_value ?? null };
        return [block.block_id, { value }];
      }),
    );
    // The form leaves the locked fields out; the edit fills them from the stored handoff (edits.ts withLockedFrom).
    const read = {
      ...readPacketForm(values as Parameters<typeof readPacketForm>[0]),
      partnerOrg: northwind.partnerOrg,
      partnerChannelId: northwind.partnerChannelId,
      aeUserId: northwind.aeUserId as string,
      ownerUserId: 'U0OWNER',
      responseWindowDays: '4',
    } as PacketInput;
    const parsed = parsePacket(read, '2026-11-23');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.packet).toMatchObject({
      accountName: northwind.accountName,
      accountDomain: northwind.accountDomain,
      partnerContactName: northwind.partnerContactName,
      partnerContactRole: northwind.partnerContactRole,
      onPriorityList: true,
      partnerAgreedInWriting: true,
      opportunityCreatedOn: northwind.opportunityCreatedOn,
      partnerTouchOn: northwind.partnerTouchOn,
      ownerUserId: 'U0OWNER',
      responseWindowDays: 4,
    });
  });

  it('has no attribution dates on an edit of a packet whose dates do not matter (no opportunity)', () => {
    const view = packetModal({
      authorUserId: 'U0AUTHOR',
      prefill: { ...northwind, crmOpportunity: null } as Partial<PacketInput>,
      edit: { handoffId: 7 },
    });
    // The 18 inputs less the five an edit cannot change (AE, owner, window, partner, channel).
    expect(inputs(view)).toHaveLength(13);
  });
});

describe('readPacketForm', () => {
  it('reads the modal as it is (formState) into the same packet as the separate inputs of before', () => {
    expect(readPacketForm(formState({}, { withDates: true }) as never)).toEqual(
      readPacketForm(packetState() as never),
    );
    const now = readPacketForm(formState() as never);
    expect(now).toMatchObject({
      accountName: 'Northwind Logistics',
      accountDomain: 'northwind.com',
      partnerContactName: 'Dana Reyes',
      partnerContactRole: 'Alliances lead',
      onPriorityList: true,
      partnerAgreedInWriting: true,
      opportunityCreatedOn: null,
      partnerTouchOn: null,
    });
  });

  it('formState has exactly the inputs of the modal', () => {
    expect(Object.keys(formState()).sort()).toEqual([...NEW_PACKET_INPUTS].sort());
  });

  it.each([
    ['Dana Reyes, alliances lead', 'Dana Reyes', 'alliances lead'],
    ['Dana Reyes', 'Dana Reyes', null],
    ['Dana Reyes,  ', 'Dana Reyes', null],
    ['Reyes, Dana, alliances, EMEA', 'Reyes', 'Dana, alliances, EMEA'],
  ])('splits the contact %j on its first comma', (typed, name, role) => {
    const state = formState();
    state[b.partnerContactName] = { value: { type: 'plain_text_input', value: typed } };
    const read = readPacketForm(state as never);
    expect([read.partnerContactName, read.partnerContactRole]).toEqual([name, role]);
  });

  it.each([
    ['Northwind Logistics (northwind.com)', 'Northwind Logistics', 'northwind.com'],
    ['Northwind Logistics (https://www.northwind.com/)', 'Northwind Logistics', 'https://www.northwind.com/'],
    ['Acme (Europe)', 'Acme (Europe)', null],
    ['Booking.com', 'Booking.com', null],
    ['Contoso (UK) (contoso.co.uk)', 'Contoso (UK)', 'contoso.co.uk'],
    ['(northwind.com)', '', 'northwind.com'],
  ])('reads the account %j as name %j and domain %j', (typed, name, domain) => {
    const state = formState();
    state[b.accountName] = { value: { type: 'plain_text_input', value: typed } };
    const read = readPacketForm(state as never);
    expect([read.accountName, read.accountDomain]).toEqual([name, domain]);
  });

  it('leaves every format check to the app, so all its errors come in one round (no input Slack checks itself)', () => {
    // Slack's client refuses a malformed url_text_input, email_text_input or number_input alone, before the app's
    // own checks run: the packet form uses none of them, new or edit.
    const views = [
      packetModal({ authorUserId: 'U0AUTHOR', pools: [{ id: 'emea', name: 'EMEA' }] }),
      packetModal({
        authorUserId: 'U0AUTHOR',
        edit: { handoffId: 7 },
        prefill: { crmOpportunity: 'x', opportunityCreatedOn: '2020-01-01' },
      }),
    ];
    for (const view of views) {
      const types = inputs(view).map((block) => `${block.block_id}:${block.element.type}`);
      expect(types.filter((t) => /url_text_input|email_text_input|number_input/.test(t))).toEqual([]);
    }
    expect(elementOf(views[0] as ReturnType<typeof packetModal>, b.evidenceUrl)?.type).toBe(
      'plain_text_input',
    );
    expect(elementOf(views[0] as ReturnType<typeof packetModal>, b.responseWindowDays)).toMatchObject({
      type: 'plain_text_input',
      initial_value: '3',
    });
  });

  it('asks for a window within the program’s longest, and never prefills a longer one', () => {
    const view = packetModal({ authorUserId: 'U0AUTHOR', maxWindowDays: 2 });
    const block = inputs(view).find((x) => x.block_id === b.responseWindowDays);
    expect(block?.hint?.text).toBe("Business days in the AE's timezone, 1 to 2.");
    expect(elementOf(view, b.responseWindowDays)).toMatchObject({ initial_value: '2' });
  });

  it('shows an error of a field asked with another on their shared input', () => {
    expect(PACKET_ERROR_BLOCK.accountDomain).toBe(b.accountName);
    expect(PACKET_ERROR_BLOCK.partnerContactRole).toBe(b.partnerContactName);
    expect(PACKET_ERROR_BLOCK.onPriorityList).toBe(PACKET_FORM_BLOCK_ID.confirmations);
    expect(PACKET_ERROR_BLOCK.partnerAgreedInWriting).toBe(PACKET_FORM_BLOCK_ID.confirmations);
    const view = packetModal({ authorUserId: 'U0AUTHOR' });
    const onView = new Set(inputs(view).map((block) => block.block_id));
    for (const [field, block] of Object.entries(PACKET_ERROR_BLOCK)) {
      if (field === 'opportunityCreatedOn' || field === 'partnerTouchOn') continue;
      expect(onView.has(block), field).toBe(true);
    }
  });
});

describe('suggestions that name another account', () => {
  const s: PacketSuggestions = {
    handoffId: 7,
    partnerOrg: 'Meridian',
    values: {
      partnerContactName: 'Dana Reyes, Alliances lead',
      jointValue: 'We automate Coho Winery bottling; Meridian runs the platform.',
      warmPath: 'Dana meets the Coho Winery ops team monthly.',
    },
    others: { jointValue: ['Coho Winery'], warmPath: ['Coho Winery'] },
  };
  const buttonsOf = (blocks: readonly unknown[]) =>
    (
      blocks.find((x) => (x as { block_id?: string }).block_id === SUGGESTIONS_BLOCK_ID) as {
        elements: { text: { text: string }; value: string }[];
      }
    ).elements;

  it('marks each value with the account it names, and says "Use all" leaves them out', () => {
    const blocks = suggestionBlocks(s);
    expect(buttonsOf(blocks).map((e) => e.text.text)).toEqual([
      'Contact: Dana Reyes, Alliances lead',
      'Joint value (names Coho Winery)',
      'Warm path (names Coho Winery)',
    ]);
    expect(JSON.stringify(blocks[0])).toContain(
      ':warning: The joint value and the warm path name Coho Winery: use them only for that account.',
    );
  });

  it('"Use all" fills only what names no other account; a marked value used alone says what it names', () => {
    const two = { ...s, others: { warmPath: ['Coho Winery'] } };
    expect(buttonsOf(suggestionBlocks(two)).map((e) => e.text.text)).toContain('Use all');
    const view = packetModal({ authorUserId: 'U0AUTHOR', suggestions: two }) as Parameters<
      typeof viewWithSuggestion
    >[0];
    const all = viewWithSuggestion(view, two, 'all', []);
    const element = (v: { blocks: unknown[] }, blockId: string) =>
      (v.blocks.find((x) => (x as { block_id?: string }).block_id === blockId) as InputBlock)
        .element as PlainTextInput;
    expect(element(all, b.jointValue).initial_value).toBe(two.values.jointValue);
    expect(element(all, b.warmPath).initial_value).toBeUndefined();
    expect(buttonsOf(all.blocks).map((e) => e.text.text)).toEqual(['Warm path (names Coho Winery)']);
    const path = viewWithSuggestion(all as Parameters<typeof viewWithSuggestion>[0], two, 'warmPath', [
      'partnerContactName',
      'jointValue',
    ]);
    const hint = (path.blocks.find((x) => (x as { block_id?: string }).block_id === b.warmPath) as InputBlock)
      .hint;
    expect(hint?.text).toMatch(
      /^From your last packet for Meridian \(#7\)\. It names Coho Winery: make it about this account\./,
    );
  });
});
