import type {
  OpenCounts,
  PartnerChannelRow,
  PartnerRow,
  PartnerWorkspaceRow,
} from '../db/repositories/partners.js';
import type { PartnerBody } from '../program/kinds.js';

/** A partner as the directory lists it: its record, names, workspaces, channels and open handoffs. */
export interface PartnerListing {
  partner: PartnerRow;
  aliases: string[];
  workspaces: PartnerWorkspaceRow[];
  channels: PartnerChannelRow[];
  open: OpenCounts;
  /** Its partner managers and what they are told (issue 53 item 6); undefined: none named. */
  managers?: PartnerBody | undefined;
}
