/**
 * Replica drill (issue 34): two, then three copies of the built app (dist/main.js, as `npm start` runs it) on one
 * Postgres, with Slack's requests spread over them round-robin as a load balancer would (a replica that refuses the
 * connection is skipped, as a balancer's health check would skip it). Packets, Sends, Accepts, Declines and outcome
 * clicks from several people at once; in the middle a Slack 429 storm on chat.postMessage, one replica killed with
 * SIGKILL (it never comes back), and the Postgres server stopped and started again. Every third Accept is a double
 * click, sent to two replicas at once, and its accept modal a double submit, sent to two replicas at once.
 *
 * Afterwards: every Send Slack saw acknowledged is stored (0 lost); no handoff was decided twice; every decision
 * acknowledged is stored, or the person was told it did not go through; everything owed to Slack went out, each post
 * exactly once, a handoff's posts in the order they were made; the state agrees with the touch log; every AE has the
 * DM of each handoff sent to them, and the partner channel has each decision.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureText } from '../../src/blocks/ephemerals.js';
import { OUTCOME_ACTION_PREFIX } from '../../src/blocks/ids.js';
import { deliveryId, OUTBOX_EVENT_TYPE } from '../../src/outbox/kinds/earlierPost.js';
import { isStorageOutage } from '../../src/runtime/storageHealth.js';
import { type AppProcess, spawnApp } from '../support/appProcess.js';
import { type AcceptClicked, acceptSubmission, clickAcceptOver } from '../support/drill.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { SIGNING_SECRET, waitFor } from '../support/harness.js';
import { blockAction, declineSubmission, packetSubmission, reviewSubmission } from '../support/payloads.js';
import { channels, people, TEAM, teams } from '../support/people.js';
import { freePort } from '../support/ports.js';
import { type PostgresServer, startPostgres } from '../support/postgres.js';
import { postInteraction } from '../support/signing.js';

const HANDOFFS = Number(process.env.DRILL_REPLICA_HANDOFFS ?? 48);
const CONCURRENCY = 8;
const AES = [people.ae, people.otherAe];
const AUTHORS = [people.author, people.member];

/** What Slack saw answered, per handoff (keyed by the packet's view id). */
interface Ledger {
  sent: Map<string, number>;
  /** Decision submissions answered 200 (the Accept and Decline modals): the modal's answer, and what was asked. */
  decisions: { viewId: string; decision: 'accepted' | 'declined'; answer?: unknown }[];
  connectionErrors: number;
}

describe.each([2, 3])('%i replicas on one Postgres', (replicaCount) => {
  let server: PostgresServer;
  let slack: FakeSlack;
  let url: string;
  let pool: pg.Pool;
  const replicas: AppProcess[] = [];
  let turn = 0;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase(`replicas_${replicaCount}`);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => {});
    slack = await FakeSlack.start();
    for (const user of Object.values(people)) slack.addUser(user);
    for (const team of Object.values(teams)) slack.addTeam(team);
    slack.addChannel({ ...channels.partner, members: [slack.botUserId] });
    slack.addChannel({ ...channels.internal, members: [slack.botUserId] });
    for (let i = 0; i < replicaCount; i += 1) {
      const port = await freePort();
      replicas.push(
        spawnApp(
          {
            SLACK_BOT_TOKEN: slack.token,
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: slack.apiUrl,
            PORT: String(port),
            DATABASE_URL: url,
            LOG_LEVEL: 'info',
            SWEEP_SCHEDULE: '0 0 1 1 *',
            OUTBOX_POLL_INTERVAL_MS: '100',
            // Short gaps keep the drill quick; one replica per conversation keeps them apart across replicas.
            OUTBOX_CHANNEL_INTERVAL_MS: '50',
            OUTBOX_UNCERTAIN_WAIT_MS: '1000',
            // A killed replica's conversations are taken over after this.
            OUTBOX_LEASE_MS: '10000',
          },
          { keepOutput: 200_000 },
        ),
      );
    }
    await Promise.all(replicas.map((r) => r.healthy(30_000)));
  }, 90_000);

  afterAll(async () => {
    for (const replica of replicas) await replica.stop('SIGKILL');
    await pool?.end();
    await slack?.stop();
    server?.stop();
  });

  /** Posts to the next live replica, as a round-robin balancer: a refused connection goes to the next one. */
  async function interact(payload: unknown, ledger: Ledger): Promise<Response> {
    for (let tries = 0; ; tries += 1) {
      const replica = replicas[turn++ % replicas.length] as AppProcess;
      if (replica.exitCode() !== undefined) {
        if (replicas.every((r) => r.exitCode() !== undefined))
          throw new Error(
            `every replica has exited:\n${replicas.map((r) => r.err() + r.out().slice(-3000)).join('\n')}`,
          );
        continue;
      }
      try {
        return await postInteraction(`${replica.url()}/slack/events`, SIGNING_SECRET, payload);
      } catch (error) {
        // The replica died with the request in flight (or before it connected): Slack shows its own error.
        ledger.connectionErrors += 1;
        if (tries >= replicas.length * 2) throw error;
      }
    }
  }

  /**
   * The drill's own reads ride out the server's restart as the replicas do: a read the restart cut (57P01, a lost
   * link) or refused (the server starting) is read again, for up to 10 s. Anything else fails the drill.
   */
  async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
    for (let tries = 0; ; tries += 1) {
      try {
        return (await pool.query(text, values)).rows as T[];
      } catch (error) {
        if (tries >= 100 || !isStorageOutage(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** A person tries again after a failure (the database was down): the form is still open, the button still there. */
  async function untilDone<T>(attempt: () => Promise<T | undefined>): Promise<T | undefined> {
    for (let tries = 0; tries < 20; tries += 1) {
      const result = await attempt().catch(() => undefined);
      if (result !== undefined) return result;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return undefined;
  }

  async function oneHandoff(i: number, ledger: Ledger): Promise<void> {
    const viewId = `VREPLICA${replicaCount}X${i}`;
    const ae = AES[i % AES.length] as (typeof AES)[number];
    const author = AUTHORS[i % AUTHORS.length] as (typeof AUTHORS)[number];
    const authorUser = { id: author.id, team_id: TEAM };
    const draftId = await untilDone(async () => {
      const response = await interact(
        packetSubmission({
          viewId,
          user: authorUser,
          values: {
            accountName: `Replica Account ${i}`,
            accountDomain: `replica-${i}.example`,
            aeUserId: ae.id,
          },
        }),
        ledger,
      );
      const body = (await response.json()) as { view?: { private_metadata?: string } };
      return (JSON.parse(body.view?.private_metadata ?? '{}') as { draftId?: number }).draftId;
    });
    if (draftId === undefined) return;
    const sent = await untilDone(async () => {
      const response = await interact(reviewSubmission({ draftId, user: authorUser }), ledger);
      const body = (await response.json()) as { response_action?: string };
      return body.response_action === 'clear' ? true : undefined;
    });
    if (!sent) return;
    const [stored] = await rows<{ id: number }>('select id from handoffs where source_view_id = $1', [
      viewId,
    ]);
    if (!stored) throw new Error(`the Send of ${viewId} was acknowledged but nothing is stored`);
    ledger.sent.set(viewId, stored.id);

    const aeUser = { id: ae.id, team_id: TEAM };
    if (i % 4 === 3) {
      // Declined, through the Decline modal: told inline when it did not go through.
      await untilDone(async () => {
        const response = await interact(
          declineSubmission({ handoffId: stored.id, user: aeUser, reason: 'timing' }),
          ledger,
        );
        const answer = (await response.text()) || undefined;
        ledger.decisions.push({ viewId, decision: 'declined', answer });
        return answer?.includes(failureText.notSavedForm) ? undefined : true;
      });
      return;
    }
    // Accept as the AE does: the click opens the accept modal (it records nothing), its submit records the accept.
    // Every third Accept is a double click that the balancer sends to two replicas at once, and its modal is then
    // submitted twice at once (a double submit), to two replicas too. After a failure the modal is still open: the
    // AE submits it again; with no modal (the click failed), they click again.
    let opened: AcceptClicked | undefined;
    const accepted = await untilDone(async () => {
      const twice = i % 3 === 0 ? 2 : 1;
      if (!opened?.modal) {
        const clicks = await Promise.all(
          Array.from({ length: twice }, () =>
            clickAcceptOver(slack, (payload) => interact(payload, ledger), {
              handoffId: stored.id,
              user: aeUser,
              responseUrl: slack.responseUrl(),
            }),
          ),
        );
        opened = clicks.find((c) => c.modal);
      }
      const modal = opened?.modal;
      if (modal) {
        const submission = acceptSubmission(modal, aeUser, opened?.viewId ? { viewId: opened.viewId } : {});
        await Promise.all(
          Array.from({ length: twice }, async () => {
            const response = await interact(submission, ledger);
            if (response.status !== 200) return;
            const answer = await response.text();
            ledger.decisions.push({ viewId, decision: 'accepted', answer });
          }),
        );
      }
      const [decided] = await rows('select 1 from decisions where handoff_id = $1', [stored.id]);
      return decided ? true : undefined;
    });
    if (!accepted || i % 2 === 1) return;
    await untilDone(async () => {
      const response = await interact(
        blockAction({
          actionId: `${OUTCOME_ACTION_PREFIX}meeting_held`,
          value: String(stored.id),
          user: aeUser,
          responseUrl: slack.responseUrl(),
        }),
        ledger,
      );
      return response.status === 200 ? true : undefined;
    });
  }

  it('loses nothing, decides once and posts once through a 429 storm, a replica killed and Postgres restarted', async () => {
    const ledger: Ledger = { sent: new Map(), decisions: [], connectionErrors: 0 };
    let next = 0;
    const worker = async () => {
      while (next < HANDOFFS) {
        const i = next;
        next += 1;
        await oneHandoff(i, ledger);
      }
    };
    const work = Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // A third of the way: Slack rate-limits posts for a while (each 429 with Retry-After: 1).
    await waitFor(() => ledger.sent.size >= HANDOFFS / 3, 120_000, 'a third of the handoffs');
    slack.fail('chat.postMessage', { retryAfter: 1 }, 15);
    // Half way: one replica dies without a word, whatever it was doing.
    await waitFor(() => ledger.sent.size >= HANDOFFS / 2, 120_000, 'half of the handoffs');
    await (replicas[0] as AppProcess).stop('SIGKILL');
    // Two thirds: the database server goes away for two seconds and comes back.
    await waitFor(() => ledger.sent.size >= (2 * HANDOFFS) / 3, 120_000, 'two thirds of the handoffs');
    server.halt();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await server.resume();
    await work;
    // The replicas left alive rode out the restart of the database server.
    for (const replica of replicas.slice(1))
      expect(replica.exitCode(), `${replica.err()}${replica.out().slice(-4000)}`).toBeUndefined();

    // Everything owed goes out, also what the killed replica held (its conversations' leases pass).
    await waitFor(
      async () =>
        (await rows<{ n: string }>("select count(*)::text as n from outbox where status = 'pending'"))[0]
          ?.n === '0',
      120_000,
      'the outbox to drain',
    );
    const survivors = replicas.slice(1);
    for (const replica of survivors) expect(await replica.stop('SIGTERM')).toBe(0);

    // 0 lost: every acknowledged Send is stored (checked as it happened), and most of the work went through.
    expect(ledger.sent.size).toBeGreaterThan(HANDOFFS * 0.75);

    // 0 decided twice.
    const twice = await rows(
      `select handoff_id, count(*) from handoff_events where type in ('accepted', 'declined')
         group by handoff_id having count(*) > 1`,
    );
    expect(twice).toEqual([]);

    // Every decision Slack saw answered is stored, or the person was told it did not go through.
    const decided = new Map(
      (
        await rows<{ v: string; d: string }>(
          'select h.source_view_id as v, d.decision as d from decisions d join handoffs h on h.id = d.handoff_id',
        )
      ).map((r) => [r.v, r.d]),
    );
    for (const attempt of ledger.decisions) {
      if (decided.get(attempt.viewId) === attempt.decision) continue;
      // Both are modals now (Accept's since issue 51): told inline, on the form that is still open.
      const told = String(attempt.answer).includes(failureText.notSavedForm);
      expect(told, `${attempt.decision} of ${attempt.viewId}: neither stored nor told`).toBe(true);
    }

    // The state agrees with the touch log.
    const mismatches = await rows(
      `select h.id from handoffs h where h.status <> coalesce((select e.to_status from handoff_events e
           where e.handoff_id = h.id order by e.id desc limit 1), '')`,
    );
    expect(mismatches).toEqual([]);

    // Nothing left undelivered or parked.
    const outbox = await rows<{
      id: number;
      k: string;
      method: string;
      status: string;
      handoff: number | null;
      channel: string;
    }>(
      'select id, dedupe_key as k, method, status, handoff_id as handoff, channel_key as channel from outbox order by id',
    );
    expect(outbox.filter((r) => r.status === 'pending' || r.status === 'dead')).toEqual([]);

    // Exactly once, and a handoff's posts in a conversation in the order they were made.
    const conversations = [
      channels.partner.id,
      channels.internal.id,
      ...Object.values(people).map((p) => slack.dmChannelFor(p.id)),
    ];
    const seen = new Map<string, number>();
    const order = new Map<string, string[]>();
    for (const conversation of conversations) {
      for (const message of slack.messages(conversation)) {
        const metadata = message.metadata as
          | { event_type?: string; event_payload?: { delivery?: string } }
          | undefined;
        const delivery =
          metadata?.event_type === OUTBOX_EVENT_TYPE ? metadata.event_payload?.delivery : undefined;
        if (!delivery) continue;
        seen.set(delivery, (seen.get(delivery) ?? 0) + 1);
        order.set(conversation, [...(order.get(conversation) ?? []), delivery]);
      }
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    const posts = outbox.filter((r) => r.method === 'chat.postMessage' && r.status === 'delivered');
    const byKey = new Map(posts.map((r) => [`${r.k}`, r]));
    for (const row of posts) expect(seen.get(deliveryKey(row.k, slack.token)), row.k).toBe(1);
    for (const [conversation, deliveries] of order) {
      const rowsIn = deliveries
        .map((d) => [...byKey.values()].find((r) => deliveryKey(r.k, slack.token) === d))
        .filter((r) => r);
      const perHandoff = new Map<number, number[]>();
      for (const row of rowsIn)
        if (row?.handoff) perHandoff.set(row.handoff, [...(perHandoff.get(row.handoff) ?? []), row.id]);
      for (const [handoff, ids] of perHandoff)
        expect(ids, `posts of handoff #${handoff} in ${conversation}`).toEqual(
          [...ids].sort((a, b) => a - b),
        );
    }

    // Every AE has the DM of each handoff sent to them; the partner channel has each decision.
    const handoffRows = await rows<{ id: number; ae: string; status: string }>(
      'select id, ae_user_id as ae, status from handoffs',
    );
    for (const handoff of handoffRows) {
      const dm = slack.messages(slack.dmChannelFor(handoff.ae));
      expect(
        dm.some((m) => JSON.stringify(m.blocks).includes(`Handoff #${handoff.id} `)),
        `DM of #${handoff.id}`,
      ).toBe(true);
    }
    const ids = new Map(handoffRows.map((h) => [h.id, h]));
    for (const [viewId] of decided) {
      const id = ledger.sent.get(viewId) as number;
      const toPartner = posts.filter((r) => r.handoff === id && r.channel === channels.partner.id);
      expect(toPartner.length, `partner posts of #${id} (${ids.get(id)?.status})`).toBeGreaterThan(0);
    }

    // The storm happened: Slack refused posts, and the app waited them out.
    const refused = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429).length;
    expect(refused).toBeGreaterThan(0);
    const rejections = replicas.flatMap((r) =>
      r
        .out()
        .split('\n')
        .filter((l) => l.includes('unhandled promise rejection')),
    );
    expect(rejections).toEqual([]);
    console.log(
      `replica drill (${replicaCount} replicas): ${ledger.sent.size} handoffs sent, ${decided.size} decided, ${outbox.length} outbox rows, ${slack.callsTo('chat.postMessage').length} post calls (${refused} refused 429), ${ledger.connectionErrors} requests cut by the kill`,
    );
  }, 600_000);
});

/** The delivery id an outbox row's post carries (outbox/kinds/earlierPost.ts), by its dedupe key. */
const deliveryKey = (dedupeKey: string, token: string) => deliveryId({ dedupeKey }, token);
