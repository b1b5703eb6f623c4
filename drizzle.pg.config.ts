import { defineConfig } from 'drizzle-kit';

/**
 * The Postgres engine (issue 34): its own schema and migrations, beside SQLite's (drizzle.config.ts, migrations/).
 * `npm run db:generate:pg` after a change to src/db/schema/ (src/db/pg/schema.ts is its twin); the triggers are hand-written in a custom migration.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './migrations-pg',
});
