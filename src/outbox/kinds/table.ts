import { crmActivity } from './crmActivity.js';
import { crmCreate } from './crmCreate.js';
import { handoffChange } from './handoffChange.js';
import { homePublish } from './homePublish.js';
import type { DeliveryKind, OutboxMethod } from './kind.js';
import { postMessage } from './postMessage.js';
import { responseUrl } from './responseUrl.js';
import { surfacesRefresh } from './surfacesRefresh.js';
import { update } from './update.js';

/**
 * The delivery kinds, one entry per outbox `method` (OUTBOX_METHODS in db/schema/delivery.ts): a kind missing here does not
 * compile. The worker (outbox/delivery.ts) reads only this table; nothing else branches on the method.
 */
export const DELIVERY_KINDS: Record<OutboxMethod, DeliveryKind> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  response_url: responseUrl,
  'views.publish': homePublish,
  'crm.activity': crmActivity,
  'crm.create': crmCreate,
  'surfaces.refresh': surfacesRefresh,
  'handoff.change': handoffChange,
};

/**
 * Whether a rate limit (`limitKey`) is a whole method's, as every Slack kind's is: its rows can then be left out of the
 * look for due rows, and rescheduled, by method. A CRM's limit is its system's (`crm:<system>`), held by pacing alone.
 */
export const isMethodLimit = (limit: string): limit is OutboxMethod => Object.hasOwn(DELIVERY_KINDS, limit);
