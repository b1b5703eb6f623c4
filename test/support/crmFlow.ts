import { asc, eq } from 'drizzle-orm';
import { FakeHubspot, type FakeHubspotOptions } from './fakeHubspot.js';
import { FakeSalesforce, type FakeSalesforceOptions } from './fakeSalesforce.js';
import { type Harness, type HarnessOptions, quiet, startHarness } from './harness.js';
import { QUIET } from './ownerFlow.js';

/** Another account (its own domain): not a duplicate of the Northwind packet, nor of each other. */
export const account = (name: string) => ({
  accountName: name,
  accountDomain: `${name.toLowerCase().replace(/\W/g, '')}.example`,
});

/** The outbox rows that write CRM activities, in the order they were queued. */
export async function crmRows(h: Harness) {
  const { outbox } = h.tables;
  return h.database.db.select().from(outbox).where(eq(outbox.method, 'crm.activity')).orderBy(asc(outbox.id));
}

/**
 * Moves the business clock a few seconds at a time (past the retry backoffs and rate-limit waits, which are on it)
 * and wakes the worker, until `done` holds. The wait before looking for a lost write is real time (monotonic): each
 * step waits for the app to go quiet (`quiet` waits for such rows).
 */
export async function drive(h: Harness, done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let step = 0; step < 100 && !(await done()); step += 1) {
    h.clock.advance(5_000);
    h.app.outbox.kick();
    await quiet(h);
  }
  if (!(await done())) throw new Error(`never happened: ${what}`);
}

/** The deployment's settings that connect the app to this fake Salesforce. */
export const salesforceEnv = (sf: FakeSalesforce) => ({
  SALESFORCE_LOGIN_URL: sf.loginUrl,
  SALESFORCE_CLIENT_ID: sf.clientId,
  SALESFORCE_CLIENT_SECRET: sf.clientSecret,
});

/** The deployment's settings that connect the app to this fake HubSpot. */
export const hubspotEnv = (hs: FakeHubspot) => ({
  HUBSPOT_ACCESS_TOKEN: hs.accessToken,
  HUBSPOT_API_URL: hs.apiUrl,
});

/** An opportunity's Lightning link, as an author pastes it. */
export const lightning = (id: string) =>
  `https://acme.lightning.force.com/lightning/r/Opportunity/${id}/view`;

/** A fake Salesforce and the app connected to it (QUIET, then `opts.env`). */
export async function salesforceApp(opts: HarnessOptions = {}, fake: FakeSalesforceOptions = {}) {
  const sf = await FakeSalesforce.start(fake);
  const h = await startHarness({ ...opts, env: { ...QUIET, ...salesforceEnv(sf), ...opts.env } });
  return { sf, h };
}

/** A fake HubSpot and the app connected to it (QUIET, then `opts.env`). */
export async function hubspotApp(opts: HarnessOptions = {}, fake: FakeHubspotOptions = {}) {
  const hs = await FakeHubspot.start(fake);
  const h = await startHarness({ ...opts, env: { ...QUIET, ...hubspotEnv(hs), ...opts.env } });
  return { hs, h };
}

/** Stops the app, then the fakes it talked to. */
export async function stopAll(h: Harness | undefined, ...fakes: ({ stop(): Promise<void> } | undefined)[]) {
  await h?.stop();
  for (const fake of fakes) await fake?.stop();
}
