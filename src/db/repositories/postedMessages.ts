import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { tablesOf } from '../engine.js';
import { own } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import type { OutboxRow } from '../schema.js';

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables.

/** The app's own posted messages, by the key it remembers them under, and the outbox row that posts one. */
const postedMessageQuery = preparedQuery('posted_message_by_key', (exec, { postedMessages }) =>
  exec
    .select()
    .from(postedMessages)
    .where(and(own(exec, postedMessages), eq(postedMessages.messageKey, sql.placeholder('messageKey')))),
);

export async function findPostedMessage(exec: Executor, messageKey: string) {
  return postedMessageQuery.first(exec, { messageKey });
}

const outboxByRecordAsQuery = preparedQuery('outbox_by_record_as', (exec, { outbox }) =>
  exec
    .select()
    .from(outbox)
    .where(and(own(exec, outbox), eq(outbox.recordAs, sql.placeholder('messageKey'))))
    .orderBy(desc(outbox.id))
    .limit(1),
);

/** The newest row that posts (or posted) the message recorded under this key. */
export async function findOutboxByRecordAs(
  exec: Executor,
  messageKey: string,
): Promise<OutboxRow | undefined> {
  return outboxByRecordAsQuery.first(exec, { messageKey });
}

const outboxStatusByRecordAsQuery = preparedQuery('outbox_status_by_record_as', (exec, { outbox }) =>
  exec
    .select({ status: outbox.status })
    .from(outbox)
    .where(and(own(exec, outbox), eq(outbox.recordAs, sql.placeholder('messageKey'))))
    .orderBy(desc(outbox.id))
    .limit(1),
);

/**
 * The status of the newest row that posts the message recorded under this key: what an Accept asks of the partner
 * thread's parent, without reading (and parsing) its payload.
 */
export async function outboxStatusByRecordAs(
  exec: Executor,
  messageKey: string,
): Promise<OutboxRow['status'] | undefined> {
  return (await outboxStatusByRecordAsQuery.first(exec, { messageKey }))?.status;
}

/**
 * The handoffs the app posted about at these messages of one conversation: a surface or a partner post
 * (`posted_messages`), or a thread reply (the outbox row that posted it). What "Add to handoff" reads to tell which
 * handoff a message, or the thread it replies in, is about.
 */
export async function handoffsPostedAt(
  exec: Executor,
  channelId: string,
  tss: readonly string[],
): Promise<number[]> {
  if (tss.length === 0) return [];
  const { postedMessages: p, outbox: o } = tablesOf(exec);
  const posted = await exec
    .selectDistinct({ handoffId: p.handoffId })
    .from(p)
    .where(and(own(exec, p), eq(p.channelId, channelId), inArray(p.ts, [...tss]), isNotNull(p.handoffId)));
  const replies = await exec
    .selectDistinct({ handoffId: o.handoffId })
    .from(o)
    .where(
      and(
        own(exec, o),
        eq(o.postedChannelId, channelId),
        inArray(o.postedTs, [...tss]),
        isNotNull(o.handoffId),
      ),
    );
  return [...new Set([...posted, ...replies].flatMap((r) => (r.handoffId === null ? [] : [r.handoffId])))];
}
