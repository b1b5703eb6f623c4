/**
 * A partner's own part of the program, keyed by its id in the partner directory: its internal
 * partner managers, what they are told, and the people at the partner we deal with. Its schema is `partnerSchema`
 * (program/kinds.ts); the shapes are here so that the renderers read them.
 */

/** Who is told of a partner's handoffs: all news, the decisions only, or nothing. */
export const PARTNER_NOTIFY = ['all', 'decisions', 'off'] as const;
export type PartnerNotify = (typeof PARTNER_NOTIFY)[number];

/** A person at the partner: their name and role, as a packet's partner contact is written. */
export interface PartnerContact {
  name: string;
  role?: string | undefined;
}

export interface PartnerBody {
  managers: string[];
  /** Everyone in this Slack user group is one of its partner managers too. */
  usergroup?: string | undefined;
  /** What its managers are told in their DMs (unset: all, the decisions and the outcomes). */
  notify?: PartnerNotify | undefined;
  /** The people at the partner we deal with (its managers keep the list): a name, and their role. */
  contacts?: PartnerContact[] | undefined;
}
