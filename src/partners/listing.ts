/** A partner as the directory lists it: the shape its renderer reads, in blocks/partnerReplies.ts. */
export type { PartnerListing } from '../blocks/partnerReplies.js';
