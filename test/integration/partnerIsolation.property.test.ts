import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HandoffRow } from '../../src/db/schema.js';
import { DECLINE_REASON_CODES } from '../../src/domain/decline.js';
import type { RecordedCall } from '../support/fakeSlack.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { stringsIn } from '../support/matrixStrings.js';
import { submit } from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';
import {
  confirmationsOn,
  declineSubmission,
  type PacketValues,
  reviewSubmission,
} from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, RIVAL_TEAM, TEAM } from '../support/people.js';
import { hasReasonBox, sendPacket, submitPacket } from '../support/reviewFlow.js';
import { seedOf } from '../support/seed.js';

/**
 * Partner isolation through the real app: random packets from two partners (under several spellings, some the
 * directory has never seen), random partner channels (each partner's own, the other's, the multi-org channel, an
 * internal channel, or none), a confirming author (every review box ticked), accept / decline with an internal note,
 * and random channel_shared / channel_unshared events on the partner channels. Once the outbox has settled:
 * - no partner-visible text of partner A's packet (marker MK…) is in a chat.* call to a channel that, at that moment,
 *   any organization other than A's could read;
 * - no internal field (marker INT…) is in any chat.* call to a shared channel.
 */

type Org = 'meridian' | 'tailspin';
const ORG_TEAM: Record<Org, string> = { meridian: PARTNER_TEAM, tailspin: RIVAL_TEAM };
const OTHER: Record<Org, Org> = { meridian: 'tailspin', tailspin: 'meridian' };

/** Spellings the directory knows after the seeding (aliases, or the same match key). */
const KNOWN_SPELLINGS: Record<Org, string[]> = {
  meridian: [
    'Meridian Cloud Consulting',
    'Meridian',
    'meridian cloud consulting',
    'The Meridian-Cloud Consulting, Inc.',
    'MERIDIAN CLOUD CONSULTING LLC',
  ],
  tailspin: [
    'Tailspin Integrators',
    'Tailspin',
    'tailspin integrators',
    'Tailspin Integrators GmbH',
    'TAILSPIN',
  ],
};

const PARTNER_CHANNELS = [channels.partner.id, channels.rival.id] as const;
const CHANNEL_CHOICES = [
  channels.partner.id,
  channels.rival.id,
  channels.multi.id,
  channels.internal.id,
  null,
] as const;

const packetArb = fc.record({
  org: fc.constantFrom<Org>('meridian', 'tailspin'),
  /** Index into the known spellings; the last slot is a spelling the directory has never seen. */
  spelling: fc.nat({ max: KNOWN_SPELLINGS.meridian.length }),
  /** Which channel: the packet's own partner's (most often), the other partner's, multi-org, internal, none. */
  channel: fc.oneof(
    { arbitrary: fc.constant('own' as const), weight: 5 },
    { arbitrary: fc.constantFrom(...CHANNEL_CHOICES), weight: 4 },
  ),
  /** Partner-visible text that reads as internal, so the author must confirm it too. */
  internalLooking: fc.boolean(),
  action: fc.constantFrom('accept', 'accept', 'decline', 'none'),
  declineReason: fc.constantFrom(...DECLINE_REASON_CODES),
});

const eventArb = fc.record({
  channel: fc.constantFrom(...PARTNER_CHANNELS),
  /** After which packet (index, modulo the packet count) the other organization joins, then leaves (or not). */
  joinAfter: fc.nat(),
  leaveAfter: fc.option(fc.nat(), { nil: null }),
});

type PacketGen = typeof packetArb extends fc.Arbitrary<infer T> ? T : never;
type EventGen = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

const SEED = seedOf(20261204);
const NUM_RUNS = Number(process.env.NUM_RUNS ?? 12);

let h: Harness;
let run = 0;
/** The directory's ids of the two partners (seeded in beforeAll). */
const partnerIdOf: Record<Org, number> = { meridian: -1, tailspin: -1 };

/** Partner-visible marker of each packet → whose it is (a partner id, as the directory resolved it). */
const partnerMarkers = new Map<string, { partnerId: number; story: string }>();
/** Internal markers of every packet. */
const internalMarkers = new Map<string, string>();
/**
 * Who could read each channel, over time: entries of (first call index it applies to, external teams). A join counts
 * from the moment the app was seen to have held the channel; a leave counts from before the event was sent (both
 * the lenient side of the window in which Slack and the app disagree).
 */
const audience = new Map<string, { from: number; teams: Set<string> }[]>();
/** Sends a confirming author could not make (the review showed every box ticked, Send still refused). */
const sendFailures: string[] = [];
const stats = {
  runs: 0,
  sent: 0,
  refused: 0,
  confirmations: 0,
  shares: 0,
  unshares: 0,
  partnerPosts: new Map<string, number>(),
};

function teamsAt(channelId: string, callIndex: number): Set<string> | undefined {
  const timeline = audience.get(channelId);
  if (!timeline) return undefined;
  let teams: Set<string> | undefined;
  for (const entry of timeline) if (entry.from <= callIndex) teams = entry.teams;
  return teams;
}

function setAudience(channelId: string, from: number, teams: Iterable<string>) {
  const timeline = audience.get(channelId) ?? [];
  timeline.push({ from, teams: new Set(teams) });
  audience.set(channelId, timeline);
}

const orgOfTeam = (team: string): Org | undefined =>
  team === PARTNER_TEAM ? 'meridian' : team === RIVAL_TEAM ? 'tailspin' : undefined;

/** The checks, over every chat.* call so far. */
function violations(): string[] {
  const problems: string[] = [];
  h.slack.calls.forEach((call: RecordedCall, index) => {
    if (!call.method.startsWith('chat.')) return;
    const channel = String(call.args.channel ?? '');
    const teams = teamsAt(channel, index);
    if (!teams || teams.size === 0) return; // not a shared channel (DMs, internal channels)
    const text = [...stringsIn(call.args)].join('\n');
    for (const [marker, what] of internalMarkers)
      if (text.includes(marker)) problems.push(`${call.method} #${index} to ${channel}: leaks ${what}`);
    for (const [marker, owner] of partnerMarkers) {
      if (!text.includes(marker)) continue;
      const readers = [...teams].map((t) => orgOfTeam(t));
      const strangers = readers.filter((org) => org === undefined || partnerIdOf[org] !== owner.partnerId);
      if (strangers.length > 0)
        problems.push(
          `${call.method} #${index} to ${channel} (read by ${[...teams].join(', ')}): shows ${marker} of ${owner.story}`,
        );
      else stats.partnerPosts.set(channel, (stats.partnerPosts.get(channel) ?? 0) + 1);
    }
  });
  return problems;
}

/** Waits until nothing is due in the outbox (held rows wait for a release and are not due), then a short settle. */
async function outboxSettled() {
  await waitFor(
    async () => {
      const now = h.clock.now().getTime();
      return (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).every(
        (r) =>
          r.status === 'delivered' ||
          r.status === 'cancelled' ||
          r.status === 'dead' ||
          new Date(r.nextAttemptAt as unknown as string | Date).getTime() > now,
      );
    },
    15_000,
    'the outbox to settle',
  );
  await quiet(h);
}

const channelStatus = async (channelId: string) =>
  (await h.database.db.select().from(h.tables.partnerChannels)).find((c) => c.channelId === channelId)
    ?.status;

async function join(channelId: string, team: string) {
  // What was queued before the share goes out first. A post already on its way when the other organization joins
  // is one Slack would show it anyway (a shared channel's history is visible to its new members), and the app can
  // only hold the channel once Slack has told it (channel_shared, then conversations.info): the audience model
  // below starts at a quiet moment, so every later post is one the app sent knowing the channel was shared.
  await outboxSettled();
  await h.slack.shareChannel(channelId, team);
  await waitFor(async () => (await channelStatus(channelId)) === 'held', 8000, `${channelId} held`);
  const owner = channelId === channels.partner.id ? PARTNER_TEAM : RIVAL_TEAM;
  setAudience(channelId, h.slack.calls.length, [owner, team]);
  stats.shares += 1;
}

async function leave(channelId: string, team: string) {
  const owner = channelId === channels.partner.id ? PARTNER_TEAM : RIVAL_TEAM;
  setAudience(channelId, h.slack.calls.length, [owner]);
  await h.slack.unshareChannel(channelId, team);
  await waitFor(async () => (await channelStatus(channelId)) === 'active', 8000, `${channelId} released`);
  stats.unshares += 1;
}

const channelOf = (p: PacketGen): string | null =>
  p.channel === 'own' ? (p.org === 'meridian' ? channels.partner.id : channels.rival.id) : p.channel;

function packetValues(p: PacketGen, r: number, i: number): PacketValues {
  const mk = `MK${r}_${i}x`;
  const int = (field: string) => {
    const marker = `INT${r}_${i}_${field}x`;
    internalMarkers.set(marker, `run ${r} packet ${i}: ${field}`);
    return marker;
  };
  const spellings = KNOWN_SPELLINGS[p.org];
  const partnerOrg =
    p.spelling < spellings.length
      ? (spellings[p.spelling] as string)
      : `${p.org === 'meridian' ? 'Meridian Cloud' : 'Tailspin Integration'} R${r}P${i}`;
  return {
    accountName: `Acct ${mk}`,
    accountDomain: null,
    crmOpportunity: `OPP ${int('crmOpportunity')}`,
    partnerOrg,
    partnerContactName: `Contact ${mk}`,
    partnerContactRole: `Role ${int('partnerContactRole')}`,
    partnerNextMove: p.internalLooking
      ? `(internal: we pay a 15% referral fee, do not mention) ${mk} sends the plan.`
      : `${mk} sends the integration plan.`,
    riskNote: `Risk ${int('riskNote')}`,
    whyPartner: `Why ${int('whyPartner')} they ran the migration.`,
    customerTrigger: `Trigger ${int('customerTrigger')} asked about automation.`,
    jointValue: `Joint ${int('jointValue')} we run the workflow.`,
    warmPath: `Warm ${int('warmPath')} monthly meeting.`,
    sellerNextMove: `Seller ${int('sellerNextMove')} bring the demo.`,
    evidenceUrl: `https://docs.example.com/${int('evidenceUrl')}`,
    partnerChannelId: channelOf(p),
  };
}

/** Submits, reviews and sends as a confirming author; undefined when the packet is refused. */
async function send(values: PacketValues, r: number, i: number): Promise<HandoffRow | undefined> {
  const viewId = `V0ISO${r}P${i}`;
  const { answer, review, draftId } = await submitPacket(h, values, { viewId });
  if (answer.response_action === 'errors') {
    stats.refused += 1;
    return undefined;
  }
  expect(answer.response_action, JSON.stringify(answer)).toBe('push');
  if (!review || draftId === undefined) throw new Error('no review pushed');
  const confirm = confirmationsOn(review);
  stats.confirmations += confirm.length;
  const withReason = hasReasonBox(review as never);
  const response = await h.interact(
    reviewSubmission({
      draftId,
      confirm,
      ...(withReason ? { overrideReason: `Because ${internalOverride(r, i)}` } : {}),
    }),
  );
  expect(response.status).toBe(200);
  const sent = (await response.json()) as { response_action?: string; view?: unknown };
  if (sent.response_action !== 'clear') {
    // A confirming author must always be able to send what the review accepted: noted, checked after the property.
    const shown = [...stringsIn(sent.view)].filter((t) => t.length > 20).join(' | ');
    sendFailures.push(
      `run ${r} packet ${i} (partnerOrg ${values.partnerOrg}, channel ${values.partnerChannelId ?? 'none'}, ticked ${JSON.stringify(confirm)}): ${shown}`,
    );
    return undefined;
  }
  const row = (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).find(
    (x) => x.accountName === values.accountName,
  );
  if (!row) throw new Error(`run ${r} packet ${i}: no handoff stored`);
  stats.sent += 1;
  return row;
}

function internalOverride(r: number, i: number) {
  const marker = `INT${r}_${i}_overrideReasonx`;
  internalMarkers.set(marker, `run ${r} packet ${i}: override reason`);
  return marker;
}

beforeAll(async () => {
  h = await startHarness({
    env: { SWEEP_SCHEDULE: '0 0 1 1 *', ADMIN_USER_IDS: people.member.id, REVOPS_USER_IDS: people.owner.id },
  });
  // The directory learns both partners, their short names and their channels (the author confirms the workspace).
  const m = await sendPacket(h, {
    accountName: 'Seed Meridian Account',
    partnerOrg: 'Meridian',
    partnerChannelId: channels.partner.id,
  });
  const t = await sendPacket(h, {
    accountName: 'Seed Tailspin Account',
    partnerOrg: 'Tailspin',
    partnerChannelId: channels.rival.id,
    partnerContactName: 'Lee Park',
  });
  partnerIdOf.meridian = m.partnerId as number;
  partnerIdOf.tailspin = t.partnerId as number;
  expect(partnerIdOf.meridian).not.toBe(partnerIdOf.tailspin);
  expect(await h.database.db.select().from(h.tables.partners).orderBy(h.tables.partners.id)).toHaveLength(2);
  setAudience(channels.partner.id, 0, [PARTNER_TEAM]);
  setAudience(channels.rival.id, 0, [RIVAL_TEAM]);
  setAudience(channels.multi.id, 0, [PARTNER_TEAM, RIVAL_TEAM]);
  setAudience(channels.internal.id, 0, []);
  await outboxSettled();
}, 60_000);

afterAll(() => h?.stop());

it("partner isolation through the real app (property): no packet's text reaches another partner's channel; nothing internal reaches a shared channel", async () => {
  console.info(`partner isolation: seed ${SEED} (override with SEED=…), ${NUM_RUNS} runs`);
  await fc.assert(
    fc.asyncProperty(
      fc.array(packetArb, { minLength: 1, maxLength: 4 }),
      fc.array(eventArb, { maxLength: 2 }),
      async (packets: PacketGen[], events: EventGen[]) => {
        run += 1;
        const r = run;
        const story: string[] = [];
        const joined = new Set<string>();
        const eventsAt = (i: number) => {
          const due: { kind: 'join' | 'leave'; channel: string }[] = [];
          for (const e of events) {
            if (e.joinAfter % packets.length === i) due.push({ kind: 'join', channel: e.channel });
            if (e.leaveAfter !== null && e.leaveAfter % packets.length === i)
              due.push({ kind: 'leave', channel: e.channel });
          }
          return due;
        };
        for (const [i, p] of packets.entries()) {
          const values = packetValues(p, r, i);
          const row = await send(values, r, i);
          const label = `${p.org} as "${values.partnerOrg}" in ${channelOf(p) ?? 'no channel'}`;
          if (!row) {
            story.push(`${label}: refused`);
          } else {
            const mk = `MK${r}_${i}x`;
            partnerMarkers.set(mk, {
              partnerId: row.partnerId as number,
              story: `run ${r} packet ${i} (${label}, partner #${row.partnerId})`,
            });
            // A spelling the directory knows must resolve to its own partner.
            if (p.spelling < KNOWN_SPELLINGS[p.org].length)
              expect(row.partnerId, label).toBe(partnerIdOf[p.org]);
            if (p.action === 'accept') {
              // Accepted as offered, the packet's seller next move is the AE's first step, which its own partner
              // reads (issue 77 item 19): that marker is the packet's own text from now on, for its partner only.
              const seller = `INT${r}_${i}_sellerNextMovex`;
              internalMarkers.delete(seller);
              partnerMarkers.set(seller, {
                partnerId: row.partnerId as number,
                story: `run ${r} packet ${i} (${label}: its first step, partner #${row.partnerId})`,
              });
              await accept(h, row.id);
              await waitFor(
                async () =>
                  (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).find(
                    (x) => x.id === row.id,
                  )?.status === 'accepted',
                8000,
                'the acceptance',
              );
            } else if (p.action === 'decline') {
              const note = `Note INT${r}_${i}_declineNotex`;
              internalMarkers.set(`INT${r}_${i}_declineNotex`, `run ${r} packet ${i}: decline note`);
              expect(
                await submit(
                  h,
                  declineSubmission({
                    handoffId: row.id,
                    reason: p.declineReason,
                    note,
                    user: { id: people.ae.id, team_id: TEAM },
                  }),
                ),
              ).toEqual({});
            }
            story.push(`${label}: sent #${row.id}, ${p.action}`);
          }
          for (const e of eventsAt(i)) {
            const other = ORG_TEAM[OTHER[e.channel === channels.partner.id ? 'meridian' : 'tailspin']];
            if (e.kind === 'join' && !joined.has(e.channel)) {
              await join(e.channel, other);
              joined.add(e.channel);
              story.push(`${other} joins ${e.channel}`);
            } else if (e.kind === 'leave' && joined.has(e.channel)) {
              await leave(e.channel, other);
              joined.delete(e.channel);
              story.push(`${other} leaves ${e.channel}`);
            }
          }
        }
        await outboxSettled();
        // Whatever waited on a held channel goes out once the other organization leaves: check that too.
        for (const channel of joined) {
          const other = ORG_TEAM[OTHER[channel === channels.partner.id ? 'meridian' : 'tailspin']];
          await leave(channel, other);
          story.push(`${other} leaves ${channel} (end of run)`);
        }
        await outboxSettled();
        expect(violations(), `run ${r}: ${story.join(' → ')}`).toEqual([]);
        stats.runs += 1;
      },
    ),
    { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
  );
  // Not vacuous: partner posts did reach each partner's own channel.
  stats.partnerPosts.clear();
  expect(violations()).toEqual([]);
  console.info(
    'partner isolation:',
    JSON.stringify({ ...stats, partnerPosts: Object.fromEntries(stats.partnerPosts) }),
  );
  expect(stats.partnerPosts.get(channels.partner.id) ?? 0).toBeGreaterThan(0);
  expect(stats.partnerPosts.get(channels.rival.id) ?? 0).toBeGreaterThan(0);
  // Every box the review showed was ticked: Send must then go through.
  expect(sendFailures).toEqual([]);
}, 120_000);
