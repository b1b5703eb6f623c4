import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { crmCredentialBlockId } from '../../src/blocks/ids.js';
import { installedWithAdmin, submitCrmForm } from '../support/crmForm.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { people } from '../support/people.js';

/**
 * The CRM form (`/handoff crm salesforce`) sends credentials to Salesforce's hosts and the hosts the operator names
 * only, and calls the token answer's `instance_url` only when it is one of them over https. An address of the server's
 * own network is refused under the field before anything is fetched; whatever does not answer as Salesforce gets one
 * answer, with nothing of what answered.
 */

const NOT_SALESFORCE =
  "This is not a Salesforce address: give your org's My Domain login URL, like https://yourcompany.my.salesforce.com.";
const CANNOT_REACH =
  'Salesforce could not be reached at that address. Nothing was saved; check the address and try again in a moment.';
const INTERNAL_BODY = 'internal-service-secret-body';

/** A service of the server's own network: it counts the requests that reach it, and answers with a body. */
async function internalService() {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify([{ errorCode: 'INTERNAL', message: INTERNAL_BODY }]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the CRM form reaches Salesforce only', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('refuses a login URL of this network under its field before anything is fetched; calls no instance_url that is plain http or not Salesforce’s, and says one thing without its body', async () => {
    const sf = await FakeSalesforce.start();
    stops.push(() => sf.stop());
    const internal = await internalService();
    stops.push(() => internal.stop());
    // The operator names the fake Salesforce (http, on its port): the tests' own Salesforce.
    const app = await installedWithAdmin({ SALESFORCE_ALLOWED_HOSTS: sf.loginUrl });
    stops.push(() => app.stop());
    const credentials = { loginUrl: sf.loginUrl, clientId: sf.clientId, clientSecret: sf.clientSecret };
    const submit = (given: Record<string, string>) =>
      submitCrmForm(app.h, people.owner, 'salesforce', { ...credentials, ...given });
    const stored = () => app.h.database.db.select().from(app.h.tables.crmConnections);
    for (const loginUrl of [
      internal.url,
      'https://10.0.0.1',
      'https://169.254.169.254',
      `https://user:x@${new URL(sf.loginUrl).host}`,
    ]) {
      expect(await submit({ loginUrl }), loginUrl).toEqual({
        response_action: 'errors',
        errors: { [crmCredentialBlockId('loginUrl')]: NOT_SALESFORCE },
      });
    }
    expect(await submit({ loginUrl: 'http://acme.my.salesforce.com' })).toEqual({
      response_action: 'errors',
      errors: { [crmCredentialBlockId('loginUrl')]: 'The address must start with https://.' },
    });
    expect(internal.hits).toEqual([]);
    expect(sf.calls).toEqual([]);
    expect(await stored()).toEqual([]);

    for (const named of [internal.url, 'http://acme.my.salesforce.com', 'https://169.254.169.254']) {
      sf.namedInstanceUrl = named;
      const answer = await submit({});
      expect(answer, named).toEqual({
        response_action: 'errors',
        errors: { [crmCredentialBlockId('clientSecret')]: CANNOT_REACH },
      });
    }
    expect(internal.hits).toEqual([]);
    // The token endpoint was asked (the operator named it); nothing else was.
    expect(sf.calls.map((c) => c.path)).toEqual(Array(3).fill('/services/oauth2/token'));
    expect(await stored()).toEqual([]);

    // The same answer when the address the operator named does not answer at all.
    sf.namedInstanceUrl = undefined;
    await sf.stop();
    expect(await submit({})).toEqual({
      response_action: 'errors',
      errors: { [crmCredentialBlockId('clientSecret')]: CANNOT_REACH },
    });
  });
});
