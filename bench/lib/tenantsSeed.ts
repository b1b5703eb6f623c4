/**
 * The tenants bench's installations as a partner program fills them (issue 56 item 4): 20 AEs each, and handoffs
 * spread unevenly, a few large installations and many small. Written by set-based SQL on the bench's Postgres
 * database (one INSERT … SELECT over every installation), before the app starts.
 *
 * Per installation: `handoffsOf(i)` handoffs, a third of them open (`sent`, sent over the last 4 days and due over
 * the next 6, so a minute's sweep reads them and finds few due), a sixth accepted and waiting for their first step's
 * check, the rest closed (declined, expired). AEs, authors and owners are the installation's own people.
 */
import type pg from 'pg';

/** AEs per installation (the 20). */
export const AES_PER_INSTALLATION = 20;

/** Handoffs of installation i (1-based) of n: the first 1% have 400, the next 9% 40, the rest 4. */
export function handoffsOf(i: number, n: number): number {
  if (i <= Math.max(1, Math.round(n * 0.01))) return 400;
  if (i <= Math.max(2, Math.round(n * 0.1))) return 40;
  return 4;
}

export const aeOf = (team: string, k: number) => ({
  id: `UAE${team.slice(1)}${String(k).padStart(2, '0')}`,
  team_id: team,
  name: `ae${k}`,
  real_name: `AE ${k} of ${team}`,
  tz: 'America/New_York',
});

/**
 * Writes every installation's handoffs: `teams[k]` is the k + 1th installation's workspace (found by its team) and
 * `member` its member, who authors and owns them. Returns how many were written, and how many are open.
 */
export async function seedHandoffs(
  client: pg.Client,
  teams: { team: string; member: string }[],
  now: Date,
): Promise<{ handoffs: number; open: number }> {
  const n = teams.length;
  const plan = teams.map((t, k) => ({ ...t, handoffs: handoffsOf(k + 1, n) }));
  const result = await client.query<{ handoffs: string; open: string }>(
    `
    with plan as (
      select p.*, i.id as installation
      from jsonb_to_recordset($1::jsonb) as p(team text, member text, handoffs int)
      join installations i on i.team_id = p.team
    ), rows as (
      select p.*, s.n, (s.n % 6) as kind from plan p, generate_series(1, p.handoffs) as s(n)
    ), inserted as (
      insert into handoffs (
        team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id, ae_team_id, ae_name,
        ae_time_zone, partner_channel_id, account_name, partner_org, partner_contact_name, why_partner,
        customer_trigger, joint_value, warm_path, seller_next_move, partner_next_move, partner_agreed_in_writing,
        response_window_days, sent_at, due_at, decided_at, next_step_check_at, first_step, first_step_due,
        account_key, partner_key, score, score_band, classification, classification_reason, created_at,
        updated_at, installation_id
      )
      select
        team, 'V' || installation || '-' || n,
        case when kind in (0, 1) then 'sent' when kind = 2 then 'accepted' when kind in (3, 4) then 'declined'
             else 'expired' end,
        member, member, 'UAE' || substr(team, 2) || lpad(((n % ${AES_PER_INSTALLATION}) + 1)::text, 2, '0'), team,
        'AE ' || ((n % ${AES_PER_INSTALLATION}) + 1), 'America/New_York', '', 'Account ' || n || ' of ' || team,
        'Meridian Partners', 'Dana Partner', 'They run the customer''s stack.', 'A renewal in March.',
        'Joint migration offer.', 'Dana introduced us.', 'Call the CIO.', 'Intro email.', true, 5,
        $2::timestamptz - ((n % 96) || ' hours')::interval,
        $2::timestamptz + ((1 + n % 144) || ' hours')::interval,
        case when kind >= 2 then $2::timestamptz - ((n % 48) || ' hours')::interval end,
        case when kind = 2 then $2::timestamptz + ((1 + n % 72) || ' hours')::interval end,
        case when kind = 2 then 'Discovery call' end,
        case when kind = 2 then to_char($2::timestamptz + interval '3 days', 'YYYY-MM-DD') end,
        'account ' || n || ' of ' || lower(team), 'meridian partners', 15, 'ready', 'partner_influenced', 'rule',
        $2::timestamptz - ((n % 96) || ' hours')::interval, $2::timestamptz, installation
      from rows
      returning status
    )
    select count(*) as handoffs, count(*) filter (where status = 'sent') as open from inserted`,
    [JSON.stringify(plan), now],
  );
  const row = result.rows[0];
  return { handoffs: Number(row?.handoffs ?? 0), open: Number(row?.open ?? 0) };
}
