import { expect, it } from 'vitest';
import { lastStatementsOf, scratchDatabases } from '../support/scratchDb.js';

/**
 * Migration 0011's backfill: the messages that show a handoff's state now (the current AE's packet, the partner
 * thread's parent), posted or still waiting in the outbox at the upgrade, become surfaces, so they follow the
 * handoff from then on. Older copies (a previous AE's packet) and notices stay as they were.
 */

const withDatabase = scratchDatabases('surfaces-migration-');
const BACKFILL = lastStatementsOf('0011_surfaces.sql', 4);

it('migration 0011 turns the current packet and the parent, posted or waiting, into surfaces; leaves older copies alone', () => {
  withDatabase((database) => {
    const sqlite = database.sqlite;
    const handoff = sqlite.prepare(`
      INSERT INTO handoffs (team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id,
        ae_team_id, ae_name, ae_time_zone, partner_channel_id, account_name, partner_org, partner_contact_name,
        why_partner, customer_trigger, joint_value, warm_path, seller_next_move, partner_next_move,
        partner_agreed_in_writing, response_window_days, sent_at, due_at, assignment, created_at, updated_at)
      VALUES ('T1', @view, @status, 'UAUTH', 'UAUTH', @ae, 'T1', 'AE', 'UTC', 'CPARTNER', 'Acct', 'Org', 'C',
        'w', 't', 'j', 'p', 's', 'n', 0, 3, 1000, 2000, @assignment, 1000, 1000)`);
    const posted = sqlite.prepare(
      'INSERT INTO posted_messages (message_key, channel_id, ts, handoff_id, posted_at) VALUES (?, ?, ?, ?, 1000)',
    );
    const queued = sqlite.prepare(`
      INSERT INTO outbox (dedupe_key, channel_key, method, payload, record_as, audience, handoff_id, status,
        attempts, next_attempt_at, created_at)
      VALUES (?, ?, 'chat.postMessage', '{}', ?, ?, ?, ?, 1, 1000, 1000)`);
    // 1: accepted, packet and parent posted. 2: reassigned (assignment 2): the first AE's copy and the new
    // packet posted. 3: packet posted, its parent still waiting (channel on hold).
    const one = Number(
      handoff.run({ view: 'V1', status: 'accepted', ae: 'UAE', assignment: 1 }).lastInsertRowid,
    );
    const two = Number(
      handoff.run({ view: 'V2', status: 'sent', ae: 'UAE2', assignment: 2 }).lastInsertRowid,
    );
    const three = Number(
      handoff.run({ view: 'V3', status: 'declined', ae: 'UAE', assignment: 1 }).lastInsertRowid,
    );
    posted.run(`handoff:${one}:ae_dm`, 'DUAE', '1.1', one);
    posted.run(`handoff:${one}:partner_parent`, 'CPARTNER', '1.2', one);
    posted.run(`handoff:${one}:decided:owner`, 'DUAUTH', '1.3', one);
    posted.run(`handoff:${two}:ae_dm`, 'DUAE', '2.1', two);
    posted.run(`handoff:${two}:a2:ae_dm`, 'DUAE2', '2.2', two);
    posted.run(`handoff:${three}:ae_dm`, 'DUAE', '3.1', three);
    queued.run(
      `handoff:${three}:decided:partner`,
      'CPARTNER',
      `handoff:${three}:partner_parent`,
      'partner',
      three,
      'pending',
    );
    queued.run(`handoff:${three}:decided:owner`, 'UAUTH', null, 'internal', three, 'pending');

    sqlite.exec('DELETE FROM surfaces');
    for (const statement of BACKFILL) sqlite.exec(statement);

    // Each surface as [key, kind, viewer, channel, audience, posted, params].
    const surfaces = sqlite
      .prepare(
        'SELECT key, kind, viewer_user_id, channel_key, audience, posted, params FROM surfaces ORDER BY key',
      )
      .raw()
      .all();
    const packet = (key: string, ae: string, assignment: number) =>
      [key, 'ae_packet', ae, ae, 'internal', 1, `{"assignment":${assignment}}`] as const;
    const parent = (key: string, posted: number) =>
      [key, 'partner_parent', null, 'CPARTNER', 'partner', posted, '{}'] as const;
    expect(surfaces).toEqual([
      packet(`handoff:${one}:ae_dm`, 'UAE', 1),
      parent(`handoff:${one}:partner_parent`, 1),
      packet(`handoff:${two}:a2:ae_dm`, 'UAE2', 2),
      packet(`handoff:${three}:ae_dm`, 'UAE', 1),
      parent(`handoff:${three}:partner_parent`, 0),
    ]);
    // The waiting parent is now rendered when it is sent; the owner's notice is sent as it was queued.
    const rows = sqlite
      .prepare('SELECT dedupe_key AS key, surface_key AS surface FROM outbox ORDER BY id')
      .all();
    expect(rows).toEqual([
      { key: `handoff:${three}:decided:partner`, surface: `handoff:${three}:partner_parent` },
      { key: `handoff:${three}:decided:owner`, surface: null },
    ]);
  });
});
