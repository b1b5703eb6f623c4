import { customType, integer, timestamp as pgTimestamp } from 'drizzle-orm/pg-core';

/**
 * The Postgres twin of ../columns.ts: SQLite keeps milliseconds since the epoch in an integer (drizzle's
 * `timestamp_ms`), Postgres a `timestamptz` of millisecond precision, both read back as the same `Date`. Always written
 * from the injected clock (no SQL default that reads the wall clock).
 */
export const timestamp = (name: string) =>
  pgTimestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const createdAt = () => timestamp('created_at').notNull();
export const updatedAt = () => timestamp('updated_at').notNull();

/** As in ../columns.ts: no partner channel is '' in a NOT NULL column, read back as null (same SQL on both engines). */
export const optionalChannelId = customType<{ data: string | null; driverData: string; notNull: true }>({
  dataType: () => 'text',
  toDriver: (value) => value ?? '',
  fromDriver: (value) => (value === '' ? null : value),
});

/** SQLite's `integer primary key autoincrement`. */
export const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
