/**
 * Workspace guests. Slack's users.info says `is_restricted` for a multi-channel guest and
 * `is_ultra_restricted` (with `is_restricted`) for a single-channel guest. A handoff shares internal notes and goes
 * to a partner channel, so a guest neither writes or owns one (ALLOW_GUEST_AUTHORS) nor receives one as its AE or
 * cover (ALLOW_GUEST_AES), unless an admin allows it. Both default to no.
 */

/** What kind of guest a person is; undefined for a full member. */
export type GuestKind = 'multi' | 'single';

/** What the admin allows guests (ALLOW_GUEST_AUTHORS, ALLOW_GUEST_AES). */
export interface GuestPolicy {
  /** A guest may send (write) a handoff, and be named its owner. */
  authors: boolean;
  /** A guest may be a handoff's AE: named in a packet, picked from a pool, reassigned to, or named as a cover. */
  aes: boolean;
}

export const NO_GUESTS: GuestPolicy = { authors: false, aes: false };

/** Slack's two flags as a guest kind. */
export function guestKindOf(user: {
  is_restricted?: unknown;
  is_ultra_restricted?: unknown;
}): GuestKind | undefined {
  if (user.is_ultra_restricted === true) return 'single';
  if (user.is_restricted === true) return 'multi';
  return undefined;
}

/** The guest as the refusals name them. */
export const guestWords = (kind: GuestKind) =>
  kind === 'single' ? 'a single-channel guest' : 'a guest of the workspace';

/** The roles a guest is refused in, and the setting that allows each. */
export type GuestRole = 'author' | 'owner' | 'ae' | 'cover';

const ALLOWED_BY: Record<GuestRole, keyof GuestPolicy> = {
  author: 'authors',
  owner: 'authors',
  ae: 'aes',
  cover: 'aes',
};

const REFUSAL: Record<GuestRole, (who: string) => string> = {
  author: (who) =>
    `You are ${who}, and guests cannot send handoffs here: a handoff shares internal notes and goes to a partner channel. Ask a full member of the workspace to send it (an admin can allow guests).`,
  owner: (who) =>
    `This person is ${who}: choose a full member of the workspace as the owner (an admin can allow guests).`,
  ae: (who) =>
    `This person is ${who}, and the AE reads the internal packet: choose a full member of the workspace (an admin can allow guests as AEs).`,
  cover: (who) =>
    `This person is ${who}, and a cover reads the internal packets: choose a full member of the workspace (an admin can allow guests).`,
};

/** Why this person cannot take this role as a guest, or undefined (a full member, or guests allowed in it). */
export function guestRefusal(
  person: { guest?: GuestKind | undefined } | undefined,
  role: GuestRole,
  policy: GuestPolicy,
): string | undefined {
  if (!person?.guest || policy[ALLOWED_BY[role]]) return undefined;
  return REFUSAL[role](guestWords(person.guest));
}
