import type Database from 'better-sqlite3';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * `count` handoffs sent evenly over [from, from + spanMs), each accepted two hours later (business hours 2), written
 * set-based: one INSERT … SELECT per table, so thousands take milliseconds. The touch log's triggers fill
 * metric_facts and first_accepts as the app's own writes do. Six AEs, four authors, three partners; all in UTC.
 */
export function seedAcceptedHandoffs(
  sqlite: Database.Database,
  opts: { count: number; from: number; spanMs: number },
): void {
  const step = Math.floor(opts.spanMs / opts.count);
  sqlite.transaction(() => {
    sqlite
      .prepare(
        `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $count)
        INSERT INTO handoffs (team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id, ae_team_id,
          ae_name, ae_time_zone, partner_channel_id, account_name, account_key, partner_org, partner_key,
          partner_contact_name, why_partner, customer_trigger, joint_value, warm_path, seller_next_move,
          partner_next_move, partner_agreed_in_writing, response_window_days, sent_at, due_at, decided_at,
          last_activity_at, score, classification, created_at, updated_at)
        SELECT 'T0INTERNAL', 'VBULK' || n, 'accepted', 'U0BULKW' || (n % 4), 'U0BULKW' || (n % 4),
          'U0BULKAE' || (n % 6), 'T0INTERNAL', 'Bulk AE ' || (n % 6), 'UTC', 'C0PARTNER', 'Bulk account ' || n,
          'bulk-account-' || n, 'Bulk partner ' || (n % 3), 'bulk-partner-' || (n % 3), 'Dana Reyes', 'Why.',
          'Trigger.', 'Value.', 'Warm path.', 'Seller move.', 'Partner move.', 1, 3,
          $start + (n - 1) * $step, $start + (n - 1) * $step + 3 * ${DAY}, $start + (n - 1) * $step + 2 * ${HOUR},
          $start + (n - 1) * $step + 2 * ${HOUR}, 10 + n % 8,
          CASE WHEN n % 2 = 0 THEN 'partner_sourced' ELSE 'partner_influenced' END,
          $start + (n - 1) * $step, $start + (n - 1) * $step + 2 * ${HOUR}
        FROM s`,
      )
      .run({ count: opts.count, start: opts.from, step });
    sqlite.exec(`
      INSERT INTO handoff_events (handoff_id, type, from_status, to_status, actor_user_id, actor_team_id, ae_user_id,
        assignment, cycle, at)
      SELECT id, 'sent', NULL, 'sent', author_user_id, team_id, ae_user_id, 1, 1, sent_at
      FROM handoffs WHERE source_view_id LIKE 'VBULK%' ORDER BY id;
      INSERT INTO handoff_events (handoff_id, type, from_status, to_status, actor_user_id, actor_team_id, ae_user_id,
        assignment, cycle, at, business_hours)
      SELECT id, 'accepted', 'sent', 'accepted', ae_user_id, ae_team_id, ae_user_id, 1, 1, decided_at, 2
      FROM handoffs WHERE source_view_id LIKE 'VBULK%' ORDER BY id;
    `);
  })();
}
