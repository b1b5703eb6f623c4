/*
 * The SQLite schema, one file per concern under ./schema/ (the tables, each with its columns explained, and their row
 * types), read by drizzle-kit (drizzle.config.ts) and by the repositories through this one module. Postgres's tables are
 * made from these (./pg/twin.ts, ./pg/schema.ts): a table is declared once.
 *
 * - runtime: the installations, Slack's revocations, job claims, the health probe;
 * - partners: the partner directory, aliases, Slack Connect workspaces and channels, resellers;
 * - handoffs: the handoff, its scorecard, the AE's decision, drafts;
 * - history: the touch log, outcomes and their reports, questions, corrections, followers, reviews, help requests;
 * - delivery: the outbox, the messages and surfaces it posted, App Homes, chart files;
 * - metrics: the facts the trust metrics read, and the CRM's money;
 * - program: the program as data (pools, policies, people's days) and covers.
 */
export * from './schema/delivery.js';
export * from './schema/handoffs.js';
export * from './schema/history.js';
export * from './schema/metrics.js';
export * from './schema/partners.js';
export * from './schema/program.js';
export * from './schema/runtime.js';
