import { customType, integer, timestamp as pgTimestamp } from 'drizzle-orm/pg-core';
import { FIRST_INSTALLATION } from '../columns.js';

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

/**
 * The installation a row belongs to (installations.id): stamped by the executor's scope
 * (db/installationScope.ts); FIRST_INSTALLATION for a row written unscoped or before the keys.
 */
export const installationId = () => integer('installation_id').notNull().default(FIRST_INSTALLATION);
