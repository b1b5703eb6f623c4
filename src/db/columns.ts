import { customType, integer } from 'drizzle-orm/sqlite-core';

/** Millisecond timestamps, always written from the injected clock (no SQL defaults that read the wall clock). */
export const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const createdAt = () => timestamp('created_at').notNull();
export const updatedAt = () => timestamp('updated_at').notNull();

/**
 * A channel id that may be absent: stored as '' in a NOT NULL column (the column predates "no partner channel", and
 * SQLite cannot relax NOT NULL without rebuilding the handoffs table and its triggers), read back as null. drizzle
 * binds a null param without the encoder, so writers pass '' themselves.
 */
export const optionalChannelId = customType<{ data: string | null; driverData: string; notNull: true }>({
  dataType: () => 'text',
  toDriver: (value) => value ?? '',
  fromDriver: (value) => (value === '' ? null : value),
});

/**
 * A row as the app passes it around: without its installation, which the repository writes from its executor
 * (db/owned.ts `ownRow`), so no caller builds or carries it.
 */
export type Stored<Row> = Omit<Row, 'installationId'>;

/** A deployment's first installation: what a database from before the keys belongs to. */
export const FIRST_INSTALLATION = 1;

/**
 * The installation a row belongs to (installations.id), named by every query of its table (db/owned.ts);
 * FIRST_INSTALLATION for a row from before the keys.
 */
export const installationId = () => integer('installation_id').notNull().default(FIRST_INSTALLATION);
