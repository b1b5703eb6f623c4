/**
 * The project's fake Slack Web API server (test/support/fakeSlack) in a process of its own, so the app under test
 * and the load generator do not share its event loop. Driven over the IPC channel by bench/run.ts.
 *
 * `hold` makes Slack rate-limit the given Web API methods until `release`: every call of them is answered as Slack
 * answers over its limit (HTTP 429, `Retry-After: <seconds>`, `{"ok":false,"error":"ratelimited"}`), through the
 * fake's own failure injection (`fail`), so the app's outbox waits and its deliveries are held back.
 * `responseUrls` gives addresses on the fake that act as Slack's response_url (the app's ephemeral refusals).
 * `workspaces` installs the app in more workspaces, each with its people, and answers their bot tokens and bot ids.
 * `holdTokens` makes one workspace's Slack rate-limit every call (429) or be down (503) by the token it is called
 * with, until `release`; `tokenCalls` counts the calls made with given tokens and how many were refused.
 */
import Database from 'better-sqlite3';
import type { FakeUser } from '../test/support/fakeSlack.js';
import { FakeSlack } from '../test/support/fakeSlack.js';
import type { Cast } from './lib/cast.js';

export type FakeRequest =
  | { id: number; type: 'cast'; cast: Cast }
  | { id: number; type: 'import'; dbPath: string }
  | { id: number; type: 'stats' }
  | { id: number; type: 'reset' }
  | { id: number; type: 'hold'; methods: string[]; retryAfter: number }
  | { id: number; type: 'release' }
  | { id: number; type: 'responseUrls'; count: number }
  | { id: number; type: 'workspaces'; workspaces: { id: string; users: FakeUser[] }[] }
  | { id: number; type: 'holdTokens'; holds: { token: string; as: 'ratelimited' | 'down' }[] }
  | { id: number; type: 'tokenCalls'; tokens: string[] };

/** What `tokenCalls` answers per token: the calls made with it, and those refused (429 or 503). */
export interface TokenCalls {
  calls: number;
  refused: number;
}

/** What `release` answers: the calls of the held methods that got a 429 while held. */
export interface HoldReport {
  rateLimited: number;
  heldMs: number;
}

export interface FakeStats {
  /** Successful calls per Web API method. */
  ok: Record<string, number>;
  /** Refused calls per method and error. */
  failed: Record<string, number>;
  responses: number;
}

const slack = await FakeSlack.start();
const send = (message: unknown) => process.send?.(message);
/** While held: the index in `slack.calls` of the first call since the hold, and when the hold started. */
let held: { fromCall: number; at: number } | undefined;

function stats(): FakeStats {
  const ok: Record<string, number> = {};
  const failed: Record<string, number> = {};
  for (const call of slack.calls) {
    if (call.ok) ok[call.method] = (ok[call.method] ?? 0) + 1;
    else {
      const error = (call.response as { error?: string } | undefined)?.error ?? `HTTP ${call.status}`;
      const key = `${call.method}: ${error}`;
      failed[key] = (failed[key] ?? 0) + 1;
    }
  }
  return { ok, failed, responses: slack.responses.length };
}

process.on('message', (raw) => {
  const request = raw as FakeRequest;
  try {
    switch (request.type) {
      case 'cast': {
        const { cast } = request;
        for (const user of [...cast.aes, ...cast.authors, cast.revops]) slack.addUser(user);
        for (const { channel, team } of cast.partners) {
          slack.addTeam(team);
          slack.addChannel({ ...channel, members: [slack.botUserId] });
        }
        send({ id: request.id, result: true });
        return;
      }
      case 'import': {
        // The messages a generated database says were posted, so the app can edit them (chat.update) as in Slack.
        const db = new Database(request.dbPath, { readonly: true, fileMustExist: true });
        const rows = db
          .prepare('SELECT channel_id AS channel, ts FROM posted_messages')
          .iterate() as IterableIterator<{ channel: string; ts: string }>;
        let imported = 0;
        for (const row of rows) {
          slack.importMessage({ channel: row.channel, ts: row.ts, text: 'A co-sell handoff for you' });
          imported += 1;
        }
        db.close();
        send({ id: request.id, result: imported });
        return;
      }
      case 'stats':
        send({ id: request.id, result: stats() });
        return;
      case 'reset':
        slack.reset();
        send({ id: request.id, result: true });
        return;
      case 'hold': {
        // The bench injects no other failures, so a hold replaces whatever was injected before.
        slack.clearFailures();
        for (const method of request.methods) slack.fail(method, { retryAfter: request.retryAfter });
        held = { fromCall: slack.calls.length, at: Date.now() };
        send({ id: request.id, result: true });
        return;
      }
      case 'responseUrls':
        // Fresh response_url addresses on this server, for clicks whose refusal the app posts back to the clicker.
        send({ id: request.id, result: Array.from({ length: request.count }, () => slack.responseUrl()) });
        return;
      case 'workspaces': {
        // More workspaces with the app installed (the tenants section's installations), each with its people; the
        // answer is each one's bot token and bot ids, as the fake issues them.
        const tokens = request.workspaces.map(({ id, users }) => {
          const workspace = slack.addWorkspace({ id, name: `Workspace ${id}` });
          for (const user of users) workspace.addUser(user);
          return { token: workspace.token, botUserId: workspace.botUserId, botId: workspace.botId };
        });
        send({ id: request.id, result: tokens });
        return;
      }
      case 'holdTokens': {
        for (const { token, as } of request.holds)
          slack.fail('*', as === 'ratelimited' ? { retryAfter: 1, token } : { status: 503, token });
        send({ id: request.id, result: true });
        return;
      }
      case 'tokenCalls': {
        const counts: Record<string, TokenCalls> = {};
        for (const token of request.tokens) counts[token] = { calls: 0, refused: 0 };
        for (const call of slack.calls) {
          const count = call.token === undefined ? undefined : counts[call.token];
          if (!count) continue;
          count.calls += 1;
          if (call.status === 429 || call.status === 503) count.refused += 1;
        }
        send({ id: request.id, result: counts });
        return;
      }
      case 'release': {
        slack.clearFailures();
        const report: HoldReport = {
          rateLimited: held ? slack.calls.slice(held.fromCall).filter((c) => c.status === 429).length : 0,
          heldMs: held ? Date.now() - held.at : 0,
        };
        held = undefined;
        send({ id: request.id, result: report });
        return;
      }
    }
  } catch (error) {
    send({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});

process.on('disconnect', () => {
  void slack.stop().then(() => process.exit(0));
});

send({ type: 'ready', apiUrl: slack.apiUrl, token: slack.token });
