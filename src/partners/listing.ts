import type {
  OpenCounts,
  PartnerChannelRow,
  PartnerRow,
  PartnerWorkspaceRow,
} from '../db/repositories/partners.js';

/** A partner as the directory lists it: its record, names, workspaces, channels and open handoffs. */
export interface PartnerListing {
  partner: PartnerRow;
  aliases: string[];
  workspaces: PartnerWorkspaceRow[];
  channels: PartnerChannelRow[];
  open: OpenCounts;
}
