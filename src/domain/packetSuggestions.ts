/**
 * The author's defaults as a new packet offers them: which fields a suggestion fills, and what one
 * holds. packets/suggestions.ts finds them; blocks/packetSuggestions.ts shows them.
 */

/** The fields a suggestion fills, in the form's order. */
export const SUGGESTED_FIELDS = ['partnerContactName', 'jointValue', 'warmPath'] as const;
export type SuggestedField = (typeof SUGGESTED_FIELDS)[number];

export interface PacketSuggestions {
  /** The handoff the values come from (the author's own). */
  handoffId: number;
  partnerOrg: string;
  /** Each field's value as its input takes it (the contact with their role after a comma). */
  values: Partial<Record<SuggestedField, string>>;
  /**
   * The other accounts each value names and not the new packet's account: offered marked with the
   * name, and left out of "Use all".
   */
  others: Partial<Record<SuggestedField, string[]>>;
}

/** The fields whose value names another account. */
export const namingOthers = (s: PacketSuggestions): SuggestedField[] =>
  SUGGESTED_FIELDS.filter((f) => (s.others[f]?.length ?? 0) > 0);
