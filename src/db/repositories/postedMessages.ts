import { desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { preparedFor } from '../prepared.js';
import { type OutboxRow, outbox, postedMessages } from '../schema.js';

/** The app's own posted messages, by the key it remembers them under, and the outbox row that posts one. */
const postedMessageQuery = preparedFor((exec) =>
  exec
    .select()
    .from(postedMessages)
    .where(eq(postedMessages.messageKey, sql.placeholder('messageKey')))
    .prepare(),
);

export async function findPostedMessage(exec: Executor, messageKey: string) {
  return postedMessageQuery(exec).get({ messageKey });
}

const outboxByRecordAsQuery = preparedFor((exec) =>
  exec
    .select()
    .from(outbox)
    .where(eq(outbox.recordAs, sql.placeholder('messageKey')))
    .orderBy(desc(outbox.id))
    .limit(1)
    .prepare(),
);

/** The newest row that posts (or posted) the message recorded under this key. */
export async function findOutboxByRecordAs(
  exec: Executor,
  messageKey: string,
): Promise<OutboxRow | undefined> {
  return outboxByRecordAsQuery(exec).get({ messageKey });
}

const outboxStatusByRecordAsQuery = preparedFor((exec) =>
  exec
    .select({ status: outbox.status })
    .from(outbox)
    .where(eq(outbox.recordAs, sql.placeholder('messageKey')))
    .orderBy(desc(outbox.id))
    .limit(1)
    .prepare(),
);

/**
 * The status of the newest row that posts the message recorded under this key: what an Accept asks of the partner
 * thread's parent, without reading (and parsing) its payload.
 */
export async function outboxStatusByRecordAs(
  exec: Executor,
  messageKey: string,
): Promise<OutboxRow['status'] | undefined> {
  return outboxStatusByRecordAsQuery(exec).get({ messageKey })?.status;
}
