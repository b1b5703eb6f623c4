import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import type { HandoffEventType } from '../../src/db/schema.js';
import type { Db } from '../../src/db/types.js';
import { COMPONENTS, type ComponentId } from '../../src/domain/scoringModel.js';
import { sentHandoffRow } from './handoffRow.js';

/**
 * A generated history with a known answer for the score against outcomes (issue 54 item 3): `cells` handoffs in four
 * cells, Proof strong or weaker crossed with Partner context strong or weaker, every other component strong (their
 * weaker side is empty: too few to tell). Outcomes follow Proof alone: its strong packets are accepted 4 in 5 and won
 * 3 in 10, its weaker ones accepted 2 in 5 and won 1 in 15. Partner context's two sides get the same outcomes: it
 * does not separate them. Written straight to the tables, as the executor's installation's rows (the touch log's
 * trigger fills metric_facts).
 */
export const PREDICTS: ComponentId = 'proof';
export const DOES_NOT: ComponentId = 'partner_context';

interface Cell {
  proof: 2 | 1;
  context: 2 | 0;
  /** Of 15 packets: how many accepted (the rest declined), won, expired before an answer. */
  accepted: number;
  won: number;
  expired: number;
}

const CELLS: readonly Cell[] = [
  { proof: 2, context: 2, accepted: 12, won: 5, expired: 1 },
  { proof: 2, context: 0, accepted: 12, won: 4, expired: 1 },
  { proof: 1, context: 2, accepted: 6, won: 1, expired: 3 },
  { proof: 1, context: 0, accepted: 6, won: 1, expired: 3 },
];

let views = 0;

/** The events of one handoff: an expiry first when it has one (a window reopened), then its answer, then its steps. */
function eventsOf(i: number, cell: Cell): HandoffEventType[] {
  const events: HandoffEventType[] = ['sent'];
  if (i < cell.expired) events.push('expired');
  const accepted = i < cell.accepted;
  events.push(accepted ? 'accepted' : 'declined');
  if (accepted && i < cell.won) events.push('meeting_held', 'won');
  return events;
}

/**
 * Writes `perCell` × 4 handoffs sent from `from` on, one a minute (15 per cell gives 30 per side of each component:
 * just enough to tell; fewer is too few). Returns their ids.
 */
export async function seedScoreHistory(db: Db, from: Date, perCell = 15): Promise<number[]> {
  const ids: number[] = [];
  await db.transaction(async (tx) => {
    // A transaction's body may run more than once (Postgres runs one again after a deadlock): its ids are the last run's.
    ids.length = 0;
    const { handoffs, handoffScorecards, handoffEvents } = tablesOf(tx);
    let n = 0;
    for (const cell of CELLS) {
      for (let i = 0; i < perCell; i += 1) {
        const at = new Date(from.getTime() + n * 60_000);
        n += 1;
        views += 1;
        const components = COMPONENTS.map((id) => ({
          id,
          score: id === PREDICTS ? cell.proof : id === DOES_NOT ? cell.context : 2,
          reason: 'generated',
        }));
        const total = components.reduce((sum, c) => sum + c.score, 0);
        const [row] = await tx
          .insert(handoffs)
          .values(
            ownRow(
              tx,
              sentHandoffRow(at, {
                sourceViewId: `VSCORE${views}`,
                score: total,
                scoreBand: total >= 16 ? 'ready' : 'fix',
              }),
            ),
          )
          .returning({ id: handoffs.id });
        if (!row) throw new Error('no handoff inserted');
        ids.push(row.id);
        await tx
          .insert(handoffScorecards)
          .values(ownRow(tx, { handoffId: row.id, components, scoredAt: at }));
        const events = eventsOf(i, cell);
        await tx.insert(handoffEvents).values(
          events.map((type, k) =>
            ownRow(tx, {
              handoffId: row.id,
              type,
              fromStatus: 'sent' as const,
              toStatus: 'sent' as const,
              aeUserId: 'U0AE',
              assignment: 1,
              cycle: 1,
              at: new Date(at.getTime() + k * 1000),
            }),
          ),
        );
      }
    }
  });
  return ids;
}
