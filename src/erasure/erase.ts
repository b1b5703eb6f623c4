import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { anyInstallationOf } from '../db/owned.js';
import {
  editableKey,
  eraseRow,
  type Found,
  knownPersons,
  type NamedRow,
  namesOfIds,
  openHandoffsOf,
  postedHistory,
  programPartsNaming,
  reachOf,
  recordErasure,
  rowsNaming,
} from '../db/repositories/erasure.js';
import { enqueue } from '../db/repositories/outbox.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import { compactFile } from '../db/store.js';
import {
  ERASED_FOR_PARTNER,
  ERASED_TEXT,
  inHandoff,
  inRow,
  names,
  type Person,
  personOf,
  pseudonymOf,
  resolveName,
  withNames,
} from '../domain/erasure.js';
import type { Logger } from '../logger.js';
import { unreachable } from './unreachable.js';

/**
 * Erasing a person on request (docs/privacy.md "Erasing a person"): `npm run erase` and the admins'
 * `/handoff erase`. First the list: every row that names them (as author, AE, owner, partner contact, in free text, in
 * the touch log, the outbox, the program, covers), what stops the erasure (a deal still open in their hands, a pool or
 * a role still naming them), and what it cannot reach. Then, asked again to apply, in one transaction: each row
 * rewritten without them (their Slack id a pseudonym, so the metrics stay right; their name and email erased) or, for
 * a present state about them, deleted; every message of the handoffs that shows them brought up to date in Slack (the
 * views re-rendered, the history posts edited from their redacted copy); and the erasure recorded without the erased
 * data.
 */

export interface ErasureDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'databasePath' | 'databaseUrl' | 'backups' | 'crm' | 'outbox'>;
  /** Wakes the outbox after a commit that queued messages (none: the command line; the running app sends them). */
  onOutboxWrite?: () => void;
  random?: () => Uint8Array;
}

export interface ErasurePlan {
  person: Person;
  found: Found[];
  /**
   * The handoffs whose rows name them: their messages are brought up to date, and a part of their name alone is them
   * there (domain/erasure.ts `inHandoff`).
   */
  handoffIds: number[];
  /** The handoffs whose AE they are: the partner reads "our team" for them there, "your contact" elsewhere. */
  aeOf: number[];
  /** Why it cannot be applied yet, each with what to do first; empty: it can. */
  blockers: string[];
  /** What it cannot reach, with what to do there. */
  unreachable: string[];
}

export interface ErasureReport {
  pseudonym: string;
  rowsChanged: number;
  /** Handoffs whose views in Slack re-render without them (DMs, notices, the partner thread's parent). */
  handoffsRefreshed: number;
  /** History posts (thread replies) edited in Slack to their redacted copy (queued in the outbox). */
  messagesUpdated: number;
  unreachable: string[];
}

export function createErasure(deps: ErasureDeps) {
  const { db, clock, logger } = deps;
  const random = deps.random ?? (() => randomBytes(4));

  return {
    /** The list: everything that names the person, what blocks the erasure, what it cannot reach. */
    plan: (typed: string) => planOf(deps, typed),

    /** Applies a plan with no blockers, in one transaction; `requestedBy`: the admin's Slack id, or `cli`. */
    async apply(plan: ErasurePlan, requestedBy: string): Promise<ErasureReport> {
      if (plan.blockers.length > 0) throw new Error(`the erasure is blocked: ${plan.blockers.join(' ')}`);
      const pseudonym = pseudonymOf(random());
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        let rowsChanged = 0;
        for (const { table, rows } of plan.found)
          for (const row of rows)
            if (await eraseRow(tx, table, row, personIn(plan, row), pseudonym, erasedAs(plan, row)))
              rowsChanged += 1;
        // Every view of the handoffs re-renders from what is stored now (the DMs, the owner's notices, the partner
        // thread's parent); the history posts (thread replies) are edited to their redacted copy.
        for (const id of plan.handoffIds) await requestRefresh(tx, id, now);
        const outboxIds = (plan.found.find((f) => f.table === 'outbox')?.rows ?? []).map((r) =>
          Number(r.key.id),
        );
        const history = await postedHistory(tx, outboxIds);
        const edits = [];
        for (const post of history)
          edits.push({
            method: 'chat.update' as const,
            dedupeKey: `erasure:${pseudonym}:${post.id}`,
            channel: post.channelKey,
            targetMessageKey: await editableKey(tx, post, now),
            // The row's payload, rewritten above without them.
            payload: updateOf(post.payload),
            audience: post.audience,
            ...(post.handoffId === null ? {} : { handoffId: post.handoffId }),
          });
        await enqueue(tx, edits, now);
        const messagesUpdated = history.length;
        await recordErasure(tx, {
          at: now,
          requestedBy,
          namedBy: plan.person.namedBy,
          pseudonym,
          rowsChanged,
          messagesUpdated,
        });
        return { rowsChanged, handoffsRefreshed: plan.handoffIds.length, messagesUpdated };
      });
      deps.onOutboxWrite?.();
      // SQLite: no earlier version of a rewritten row stays readable in the file's free space.
      await compactFile(anyInstallationOf(db));
      // Logged without the erased data: how they were named (the kind), never who.
      logger.info(
        { requestedBy, namedBy: plan.person.namedBy, pseudonym, ...result },
        'a person erased on request',
      );
      return { pseudonym, ...result, unreachable: plan.unreachable };
    },
  };
}

/** Everything that names the person, what blocks the erasure, what it cannot reach. */
async function planOf(deps: ErasureDeps, typed: string): Promise<{ problem: string } | ErasurePlan> {
  const { db } = deps;
  const typedAs = personOf(typed);
  if ('problem' in typedAs) return typedAs;
  const known = await knownPersons(db);
  const named = resolveName(typedAs.person, known);
  if ('problem' in named) return named;
  const person = withNames(named.person, await namesOfIds(db, named.person.ids), known);
  const found = await rowsNaming(db, person);
  const handoffIds = [
    ...new Set(found.flatMap((f) => f.rows.flatMap((r) => (r.handoffId === null ? [] : [r.handoffId])))),
  ].sort((a, b) => a - b);
  const aeOf = (found.find((f) => f.table === 'handoffs')?.rows ?? []).flatMap((row) =>
    row.handoffId !== null &&
    [row.values.ae_user_id, row.values.ae_name].some((v) =>
      names(v, inHandoff(person, handoffIds, row.handoffId)),
    )
      ? [row.handoffId]
      : [],
  );
  const reach = await reachOf(db, handoffIds);
  return {
    person,
    found,
    handoffIds,
    aeOf,
    blockers: await blockersOf(db, person),
    unreachable: unreachable(deps.config, person, reach, found),
  };
}

/** What must be done first: their open deals handed on, the program's parts that name them changed. */
async function blockersOf(db: Db, person: Person): Promise<string[]> {
  const open = await openHandoffsOf(db, person.ids);
  const parts = await programPartsNaming(db, person);
  return [
    ...(open.length > 0
      ? [
          `They are the AE, owner or author of open handoffs ${open.map((id) => `#${id}`).join(', ')}: reassign, withdraw or close them first.`,
        ]
      : []),
    ...(parts.length > 0
      ? [
          `The program names them now (${parts.join(', ')}): take them out in the App Home's Admin tab (or npm run config) first.`,
        ]
      : []),
  ];
}

/** The person as searched in this row: with the parts of their name where it or its handoff names them. */
export const personIn = (plan: ErasurePlan, row: NamedRow) => inRow(plan.person, plan.handoffIds, row);

/** What stands for them in this row: "(erased)"; in a message to the partner, what the partner knows them as. */
function erasedAs(plan: ErasurePlan, row: NamedRow): string {
  if (row.audience !== 'partner') return ERASED_TEXT;
  return row.handoffId !== null && plan.aeOf.includes(row.handoffId)
    ? ERASED_FOR_PARTNER.ours
    : ERASED_FOR_PARTNER.contact;
}

/** What a chat.update of a posted message sends: its text and blocks (where it is, the outbox knows). */
function updateOf(payload: Record<string, unknown>): Record<string, unknown> {
  const update: Record<string, unknown> = { text: payload.text ?? '' };
  if (payload.blocks !== undefined) update.blocks = payload.blocks;
  if (payload.attachments !== undefined) update.attachments = payload.attachments;
  return update;
}

export type Erasure = ReturnType<typeof createErasure>;
