import { expect } from 'vitest';
import type { HandoffRow } from '../../src/db/schema.js';
import { handoffs } from '../../src/db/schema.js';
import { type Harness, waitFor } from './harness.js';
import { type PacketValues, packetSubmission } from './payloads.js';
import { people } from './people.js';

/** Submits a valid packet and waits until the AE's DM has landed; returns the stored handoff and the DM. */
export async function sendHandoff(h: Harness, values: PacketValues = {}) {
  const before = h.database.db.select().from(handoffs).all().length;
  const response = await h.interact(packetSubmission({ values }));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
  const all = h.database.db.select().from(handoffs).all();
  expect(all).toHaveLength(before + 1);
  const handoff = all[all.length - 1] as HandoffRow;
  const aeDm = h.slack.dmChannelFor(handoff.aeUserId);
  const dm = await waitFor(
    () => h.slack.messages(aeDm).find((m) => JSON.stringify(m.blocks).includes(`Handoff #${handoff.id} `)),
    8000,
    'the AE DM',
  );
  return { handoff, dm, aeDm };
}

export const aeUser = { id: people.ae.id, team_id: people.ae.team_id };
