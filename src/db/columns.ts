import { integer } from 'drizzle-orm/sqlite-core';

/** Millisecond timestamps, always written from the injected clock (no SQL defaults that read the wall clock). */
export const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const createdAt = () => timestamp('created_at').notNull();
export const updatedAt = () => timestamp('updated_at').notNull();
