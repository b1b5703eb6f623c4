/**
 * The places that name a channel the app posts internal text to (internal people, numbers, owners' buttons), as
 * partners/internalChannels.ts lists them and the renderers name them (blocks/channelAccess.ts).
 */

/** The settings' purposes: a setting of partners/internalChannels.ts's table is one of these. */
export type InternalChannelKind = 'escalation' | 'partnerHelp' | 'digest';

/** One place that names a channel the app posts internal text to. */
export interface InternalChannelSource {
  /** The place, as an admin finds it: the setting (`DIGEST_CHANNEL_ID`) or the policy file's `policies.x[1].to[0]`. */
  readonly name: string;
  readonly channelId: string;
  /** The setting's purpose; absent for a `channel:` target of the escalation policy file. */
  readonly kind?: InternalChannelKind;
  /** A `channel:` target's policy, by its id in the file (its escalations go there). */
  readonly policy?: string;
  /** That policy's name as people read it (the file's `name`, or the id made readable). */
  readonly policyName?: string;
}
