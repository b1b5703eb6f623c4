/**
 * Writes a realistic handoff database quickly: the real schema (created by the real migrations), filled by
 * set-based SQL (one INSERT … SELECT per table over a generated sequence) instead of one statement per row.
 *
 * Shape, for `total` handoffs of which `openShare` are open:
 * - open handoffs were sent over the last 7 days and are due over the next 7 (a sweep each minute finds a few due);
 * - closed ones were sent evenly over `historyDays` before that: 60% accepted (most with an outcome step), 20%
 *   declined, 15% expired, 5% withdrawn;
 * - every state has its touch-log events, decisions and outcomes, and its remembered Slack messages (the AE's DM,
 *   the partner thread); outbox rows exist for the last OUTBOX_RETENTION_DAYS only, as the sweep prunes older ones.
 */
import { handoffMessage } from '../../src/blocks/handoffMessage.js';
import { openDatabase } from '../../src/db/client.js';
import { accountKey } from '../../src/domain/accountMatch.js';
import { DECLINE_REASON_CODES } from '../../src/domain/decline.js';
import { NO_OFFER } from '../../src/domain/lifecycle.js';
import { scorePacket } from '../../src/domain/scoring.js';
import { northwind } from '../../test/support/payloads.js';
import { handoff } from '../../test/unit/blocks/fixtures.js';
import type { Cast } from './cast.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface GenerateOptions {
  path: string;
  total: number;
  /** Share of handoffs still open (status `sent`), 0..1. */
  openShare: number;
  now: Date;
  cast: Cast;
  historyDays?: number;
  /** Outbox rows are kept this long (the sweep deletes older delivered ones). */
  retentionDays?: number;
  /**
   * How long after `now` the first open handoff falls due (1 minute by default: a sweep each minute finds a few due).
   * A section that clicks them for longer than that (the Postgres section's runs take minutes) gives more, so no
   * handoff it clicks has expired meanwhile.
   */
  firstDueAfterMs?: number;
}

export interface Generated {
  handoffs: number;
  open: number;
  events: number;
  outbox: number;
  postedMessages: number;
  seconds: number;
}

/** The packet every generated handoff shares: the Northwind example of DOMAIN.md, as the tests use it. */
const {
  aeUserId: _ae,
  ownerUserId: _owner,
  partnerChannelId: _channel,
  responseWindowDays: _days,
  opportunityCreatedOn: _opportunity,
  partnerTouchOn: _touch,
  ...packet
} = northwind;
export const samplePacket = { ...packet, responseWindowDays: 5 };

/** The AE's DM for the sample packet, as the app renders it: the size of what the app really queues. */
export function sampleDm(now: Date) {
  return handoffMessage(
    handoff({
      ...samplePacket,
      id: 1,
      sentAt: now,
      dueAt: new Date(now.getTime() + 7 * DAY),
      accountKey: accountKey(samplePacket.accountName),
      partnerKey: accountKey(samplePacket.partnerOrg),
      score: 15,
      scoreBand: 'ready',
      classification: 'partner_influenced',
      classificationReason: 'rule',
      createdAt: now,
      updatedAt: now,
    }),
    {
      // The AE's packet before the answer: Accept and Decline only (every other button off, whatever Offer gains).
      offer: { ...NO_OFFER, decide: true },
    },
  );
}

function samplePayload(now: Date): string {
  const message = sampleDm(now);
  return JSON.stringify({
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
  });
}

export function generate(opts: GenerateOptions): Generated {
  const started = performance.now();
  const { cast } = opts;
  const now = opts.now.getTime();
  const historyDays = opts.historyDays ?? 730;
  const retention = (opts.retentionDays ?? 30) * DAY;
  const total = opts.total;
  const open = Math.round(total * opts.openShare);
  const closed = total - open;
  const database = openDatabase(opts.path);
  const { sqlite } = database;
  // Bulk load: no journal, no fsync; the file is complete and consistent when this returns.
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  sqlite.function('account_key', { deterministic: true }, (name: unknown) => accountKey(String(name)));

  const card = scorePacket(
    { ...samplePacket },
    { today: opts.now.toISOString().slice(0, 10), ownerName: 'pat', maxWindowDays: 10 },
    { ready: 15, fix: 10 },
  );
  const payload = samplePayload(opts.now);

  const run = sqlite.transaction(() => {
    sqlite.exec(`
      CREATE TEMP TABLE seq(n INTEGER PRIMARY KEY);
      CREATE TEMP TABLE aes(i INTEGER PRIMARY KEY, id TEXT, name TEXT, tz TEXT);
      CREATE TEMP TABLE authors(i INTEGER PRIMARY KEY, id TEXT);
      CREATE TEMP TABLE gen_partners(i INTEGER PRIMARY KEY, channel TEXT, org TEXT, org_key TEXT);
      CREATE TEMP TABLE reasons(i INTEGER PRIMARY KEY, code TEXT);
    `);
    sqlite
      .prepare(
        'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ?) INSERT INTO seq SELECT n FROM s',
      )
      .run(total);
    const ae = sqlite.prepare('INSERT INTO aes VALUES (?, ?, ?, ?)');
    for (const [i, u] of cast.aes.entries())
      ae.run(i, u.id, u.real_name ?? u.name, u.tz ?? 'America/New_York');
    const author = sqlite.prepare('INSERT INTO authors VALUES (?, ?)');
    for (const [i, u] of cast.authors.entries()) author.run(i, u.id);
    const partner = sqlite.prepare('INSERT INTO gen_partners VALUES (?, ?, ?, ?)');
    for (const [i, p] of cast.partners.entries()) partner.run(i, p.channel.id, p.org, accountKey(p.org));
    const reason = sqlite.prepare('INSERT INTO reasons VALUES (?, ?)');
    for (const [i, code] of DECLINE_REASON_CODES.entries()) reason.run(i, code);

    // Per handoff n (1..total): closed ones first (oldest ids), open ones last; AE, author and partner by n.
    sqlite
      .prepare(
        `WITH t0 AS (
          SELECT n,
            CASE WHEN n > $closed THEN $now - (n * 7919) % (7 * 1440) * 60000
                 ELSE $histStart + CAST((n - 1) * $histSpan / $closed AS INTEGER) END AS sent,
            CASE WHEN n > $closed THEN 'sent' WHEN n % 20 < 12 THEN 'accepted' WHEN n % 20 < 16 THEN 'declined'
                 WHEN n % 20 < 19 THEN 'expired' ELSE 'withdrawn' END AS status
          FROM seq
        ), t1 AS (
          SELECT n, sent, status,
            CASE WHEN status = 'sent' THEN $now + $firstDue + (n * 104729) % (7 * 1440) * 60000
                 ELSE sent + 7 * ${DAY} END AS due,
            sent + (1 + n % 96) * ${HOUR} AS decided,
            CASE (n / 20) % 10 WHEN 0 THEN NULL WHEN 1 THEN NULL WHEN 5 THEN 'opportunity_created'
              WHEN 6 THEN 'opportunity_created' WHEN 7 THEN 'won' WHEN 8 THEN 'lost' ELSE 'meeting_held' END AS outcome
          FROM t0
        )
        INSERT INTO handoffs (
          id, team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id, ae_team_id, ae_name,
          ae_time_zone, partner_channel_id, account_name, crm_opportunity, partner_org, partner_contact_name,
          partner_contact_role, why_partner, customer_trigger, joint_value, warm_path, seller_next_move,
          partner_next_move, partner_next_move_date, partner_agreed_in_writing, risk_note, evidence_url,
          response_window_days, sent_at, asked_at, due_at, decided_at, assignment, cycle, reminder_schedule,
          next_reminder_at, expired_at, withdrawn_at, account_key, account_domain, partner_key, on_priority_list,
          score, score_band, classification, classification_reason, outcome, last_activity_at,
          next_stall_nudge_at, created_at, updated_at)
        SELECT n, 'T0INTERNAL', 'VGEN' || n, status, au.id, au.id, ae.id, 'T0INTERNAL', ae.name, ae.tz, p.channel,
          'Account ' || (n % 60000), 'OPP-' || n, p.org, $contact, $role, $why, $trigger, $joint, $warm, $seller,
          $partnerMove, NULL, 1, $risk, $evidence, 5, sent, sent, due,
          CASE WHEN status IN ('accepted', 'declined') THEN decided END, 1, 1,
          CASE WHEN status = 'sent' THEN json_array(due - 2 * ${DAY}, due - 4 * ${HOUR}) END,
          CASE WHEN status <> 'sent' THEN NULL
               WHEN due - 2 * ${DAY} > $now THEN due - 2 * ${DAY}
               WHEN due - 4 * ${HOUR} > $now THEN due - 4 * ${HOUR} END,
          CASE WHEN status = 'expired' THEN due END,
          CASE WHEN status = 'withdrawn' THEN sent + ${DAY} END,
          account_key('Account ' || (n % 60000)), 'account' || (n % 60000) || '.example', p.org_key, n % 4 = 0,
          11 + n % 8, CASE WHEN 11 + n % 8 >= 15 THEN 'ready' ELSE 'fix' END,
          CASE WHEN n % 3 = 0 THEN 'partner_sourced' ELSE 'partner_influenced' END, 'Generated for the benchmark.',
          CASE WHEN status = 'accepted' THEN outcome END,
          CASE WHEN status = 'accepted' THEN decided END,
          CASE WHEN status = 'accepted' AND (outcome IS NULL OR outcome IN ('meeting_held', 'opportunity_created'))
                    AND decided > $now - 60 * ${DAY}
               THEN $now + (n * 7919) % (14 * 1440) * 60000 END,
          sent, CASE WHEN status IN ('accepted', 'declined') THEN decided ELSE sent END
        FROM t1
        JOIN aes ae ON ae.i = n % $aes
        JOIN authors au ON au.i = n % $authors
        JOIN gen_partners p ON p.i = n % $partners`,
      )
      .run({
        now,
        closed,
        histStart: now - 8 * DAY - historyDays * DAY,
        histSpan: historyDays * DAY,
        firstDue: opts.firstDueAfterMs ?? 60_000,
        aes: cast.aes.length,
        authors: cast.authors.length,
        partners: cast.partners.length,
        contact: samplePacket.partnerContactName,
        role: samplePacket.partnerContactRole,
        why: samplePacket.whyPartner,
        trigger: samplePacket.customerTrigger,
        joint: samplePacket.jointValue,
        warm: samplePacket.warmPath,
        seller: samplePacket.sellerNextMove,
        partnerMove: samplePacket.partnerNextMove,
        risk: samplePacket.riskNote,
        evidence: samplePacket.evidenceUrl,
      });
    // The reviewed scorecard, in its own table as the send stores it.
    sqlite
      .prepare(
        'INSERT INTO handoff_scorecards (handoff_id, components, scored_at) SELECT id, $scorecard, sent_at FROM handoffs',
      )
      .run({ scorecard: JSON.stringify(card.components) });

    // The partner directory, as migration 0010 builds it from existing handoffs: one partner per key, its channel.
    sqlite.exec(`
      INSERT INTO partners (name, key, domain, created_at, updated_at)
        SELECT org, org_key, NULL, ${opts.now.getTime()}, ${opts.now.getTime()} FROM gen_partners GROUP BY org_key;
      INSERT INTO partner_aliases (alias_key, alias, partner_id) SELECT key, name, id FROM partners;
      UPDATE handoffs SET partner_id = (SELECT p.id FROM partners p WHERE p.key = handoffs.partner_key);
      INSERT INTO partner_channels (channel_id, channel_name, partner_id, status, held_reason, bound_by_user_id,
        updated_at)
        SELECT g.channel, NULL, p.id, 'active', NULL, 'bench', ${opts.now.getTime()}
        FROM gen_partners g JOIN partners p ON p.key = g.org_key;
    `);

    // The touch log, in the order things happened for each handoff (ids grow with time across handoffs too).
    sqlite.exec(`
      INSERT INTO handoff_events (handoff_id, type, from_status, to_status, actor_user_id, actor_team_id, ae_user_id,
        assignment, cycle, at)
      SELECT id, 'sent', NULL, 'sent', author_user_id, team_id, ae_user_id, 1, 1, sent_at FROM handoffs ORDER BY id;

      INSERT INTO decisions (handoff_id, assignment, decision, reason_code, note, decided_by_user_id,
        decided_by_team_id, decided_at)
      SELECT h.id, 1, h.status, CASE WHEN h.status = 'declined' THEN r.code END, NULL, h.ae_user_id, h.ae_team_id,
        h.decided_at
      FROM handoffs h JOIN reasons r ON r.i = h.id % (SELECT count(*) FROM reasons)
      WHERE h.status IN ('accepted', 'declined') ORDER BY h.id;

      INSERT INTO handoff_events (handoff_id, type, from_status, to_status, actor_user_id, actor_team_id, ae_user_id,
        assignment, cycle, at, business_hours, detail)
      SELECT h.id, h.status, 'sent', h.status, h.ae_user_id, h.ae_team_id, h.ae_user_id, 1, 1,
        CASE h.status WHEN 'expired' THEN h.expired_at WHEN 'withdrawn' THEN h.withdrawn_at ELSE h.decided_at END,
        CASE WHEN h.status IN ('accepted', 'declined') THEN round((h.decided_at - h.sent_at) / 3600000.0 * 0.35, 2) END,
        CASE WHEN h.status = 'declined' THEN json_object('reasonCode', d.reason_code) END
      FROM handoffs h LEFT JOIN decisions d ON d.handoff_id = h.id
      WHERE h.status <> 'sent' ORDER BY h.id;

      INSERT INTO outcomes (handoff_id, outcome, crm_opportunity, reason_code, note, recorded_by_user_id, recorded_at)
      SELECT id, outcome, CASE WHEN outcome = 'opportunity_created' THEN crm_opportunity END, NULL, NULL,
        ae_user_id, min(decided_at + 7 * ${DAY}, ${now - HOUR})
      FROM handoffs WHERE outcome IS NOT NULL ORDER BY id;

      INSERT INTO handoff_events (handoff_id, type, from_status, to_status, actor_user_id, actor_team_id, ae_user_id,
        assignment, cycle, at)
      SELECT id, outcome, 'accepted', 'accepted', ae_user_id, ae_team_id, ae_user_id, 1, 1, min(decided_at + 7 * ${DAY}, ${now - HOUR})
      FROM handoffs WHERE outcome IS NOT NULL ORDER BY id;

      INSERT INTO posted_messages (message_key, channel_id, ts, handoff_id, posted_at)
      SELECT 'handoff:' || id || ':ae_dm', 'D' || ae_user_id, printf('%d.%06d', sent_at / 1000, id % 1000000), id,
        sent_at
      FROM handoffs;

      INSERT INTO posted_messages (message_key, channel_id, ts, handoff_id, posted_at)
      SELECT 'handoff:' || id || ':partner_parent', partner_channel_id,
        printf('%d.%06d', updated_at / 1000, id % 1000000), id, updated_at
      FROM handoffs WHERE status <> 'sent';

      INSERT INTO posted_messages (message_key, channel_id, ts, handoff_id, posted_at)
      SELECT 'handoff:' || id || ':sent:author', 'D' || author_user_id,
        printf('%d.%06d', sent_at / 1000, id % 1000000 + 1), id, sent_at
      FROM handoffs;

      -- The messages that show each handoff (migration 0011): the AE's packet, the author's confirmation, the
      -- partner thread's parent. A change to a handoff brings each of them up to date.
      INSERT INTO surfaces (key, handoff_id, kind, viewer_user_id, channel_key, audience, params, posted, wanted,
        shown, created_at)
      SELECT 'handoff:' || id || ':ae_dm', id, 'ae_packet', ae_user_id, ae_user_id, 'internal',
        json_object('assignment', 1), 1, 1, 1, sent_at
      FROM handoffs;
      INSERT INTO surfaces (key, handoff_id, kind, viewer_user_id, channel_key, audience, params, posted, wanted,
        shown, created_at)
      SELECT 'handoff:' || id || ':sent:author', id, 'sent_confirmation', author_user_id, author_user_id,
        'internal', json_object('assignment', 1, 'stamp', 'sent:1:1:', 'ae', ae_user_id, 'due', due_at), 1, 1, 1,
        sent_at
      FROM handoffs;
      INSERT INTO surfaces (key, handoff_id, kind, viewer_user_id, channel_key, audience, params, posted, wanted,
        shown, created_at)
      SELECT 'handoff:' || id || ':partner_parent', id, 'partner_parent', NULL, partner_channel_id, 'partner',
        json_object(), 1, 1, 1, updated_at
      FROM handoffs WHERE status <> 'sent';
    `);

    // Outbox rows younger than the retention period: the AE's DM and the author's note for each send, and for
    // each decision the DM update, the owner's note and the partner thread's parent.
    const outboxRows = (o: {
      event: string;
      channel: string;
      method: 'chat.postMessage' | 'chat.update';
      target?: string;
      recordAs?: string;
      audience?: 'internal' | 'partner';
      decided: boolean;
    }) =>
      sqlite
        .prepare(
          `INSERT INTO outbox (dedupe_key, channel_key, method, payload, target_message_key, record_as, audience,
            handoff_id, status, attempts, next_attempt_at, created_at, delivered_at)
          SELECT 'handoff:' || id || ':${o.event}', ${o.channel}, '${o.method}', $payload,
            ${o.target ? `'handoff:' || id || ':${o.target}'` : 'NULL'},
            ${o.recordAs ? `'handoff:' || id || ':${o.recordAs}'` : 'NULL'}, '${o.audience ?? 'internal'}', id,
            'delivered', 1, at, at, at + 400
          FROM (SELECT id, ae_user_id, author_user_id, owner_user_id, partner_channel_id, status,
                  ${o.decided ? 'decided_at' : 'sent_at'} AS at FROM handoffs)
          WHERE at > $since ${o.decided ? "AND status IN ('accepted', 'declined')" : ''}`,
        )
        .run({ payload, since: now - retention });
    outboxRows({
      event: 'sent:ae_dm',
      channel: 'ae_user_id',
      method: 'chat.postMessage',
      recordAs: 'ae_dm',
      decided: false,
    });
    outboxRows({
      event: 'sent:author',
      channel: 'author_user_id',
      method: 'chat.postMessage',
      decided: false,
    });
    outboxRows({
      event: 'decided:ae_dm',
      channel: 'ae_user_id',
      method: 'chat.update',
      target: 'ae_dm',
      decided: true,
    });
    outboxRows({
      event: 'decided:owner',
      channel: 'owner_user_id',
      method: 'chat.postMessage',
      decided: true,
    });
    outboxRows({
      event: 'decided:partner_parent',
      channel: 'partner_channel_id',
      method: 'chat.postMessage',
      recordAs: 'partner_parent',
      audience: 'partner',
      decided: true,
    });
    sqlite.exec(
      'DROP TABLE seq; DROP TABLE aes; DROP TABLE authors; DROP TABLE gen_partners; DROP TABLE reasons;',
    );
  });
  run();
  sqlite.exec('ANALYZE');
  const count = (table: string) =>
    (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const result: Generated = {
    handoffs: count('handoffs'),
    open: (sqlite.prepare("SELECT count(*) AS n FROM handoffs WHERE status = 'sent'").get() as { n: number })
      .n,
    events: count('handoff_events'),
    outbox: count('outbox'),
    postedMessages: count('posted_messages'),
    seconds: 0,
  };
  sqlite.pragma('journal_mode = WAL');
  database.close();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
