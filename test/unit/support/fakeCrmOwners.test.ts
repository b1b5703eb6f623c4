import type { Client } from '@hubspot/api-client';
import type jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hsClient, sfConnect, sfQuery } from '../../support/fakeClients.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * The fakes' accounts with their owners (issue 52), answered in the real services' shapes: Salesforce's Account query
 * with `Owner.Email` and `Owner.Name` (a User nested as a related record), HubSpot's `hubspot_owner_id` on companies
 * and its owners endpoint, under the owners scope.
 */

describe('the fake Salesforce: an account’s owner', () => {
  let fake: FakeSalesforce;
  let conn: jsforce.Connection;
  beforeAll(async () => {
    fake = await FakeSalesforce.start();
    conn = await sfConnect(fake);
  });
  afterAll(() => fake.stop());

  const query = (soql: string) => sfQuery(conn, soql);

  it('nests the owner (a User) in an Account row, and filters with OR, escaped LIKE and LIMIT', async () => {
    const jordan = fake.addUser({ firstName: 'Jordan', lastName: 'Lee', email: 'jordan@example.com' });
    const smith = fake.addAccount({ name: 'Smith & Jones', website: 'smithjones.example', ownerId: jordan });
    fake.addAccount({ name: "O'Brien Health" });
    fake.addAccount({ name: '100% Natural' });
    const result = await query(
      "SELECT Id, Name, Website, Owner.Email, Owner.Name FROM Account WHERE (Name LIKE '%sm_th%j_n_s%' OR Name LIKE '%o\\'brien%' OR Website LIKE '%100\\%%') LIMIT 5",
    );
    expect(result.totalSize).toBe(2);
    expect(result.records[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${smith}` },
      Id: smith,
      Name: 'Smith & Jones',
      Website: 'smithjones.example',
      Owner: {
        attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${jordan}` },
        Email: 'jordan@example.com',
        Name: 'Jordan Lee',
      },
    });
    // Added without one: the integration user owns it.
    expect(result.records[1]).toMatchObject({
      Name: "O'Brien Health",
      Owner: { Email: 'integration@example.com', Name: 'Integration User' },
    });
    const limited = await query("SELECT Id FROM Account WHERE Name LIKE '%' LIMIT 1");
    expect(limited.records).toHaveLength(1);
  });

  it('nests null for an owner the integration user may not see, and refuses an unknown user or field', async () => {
    fake.addAccount({ name: 'Fabrikam', ownerId: null });
    const result = await query("SELECT Name, Owner.Email FROM Account WHERE Name = 'fabrikam'");
    expect(result.records[0]).toMatchObject({ Name: 'Fabrikam', Owner: null });
    expect(() => fake.addAccount({ name: 'X', ownerId: '005000000000099AAA' })).toThrow(/no user/);
    await expect(query('SELECT Owner.Phone FROM Account')).rejects.toThrow(/No such column/);
  });

  it('answers a query of users', async () => {
    const result = await query(
      "SELECT Name, Email FROM User WHERE Email = 'JORDAN@example.com' AND IsActive = true",
    );
    expect(result.records.map((r) => r.Name)).toEqual(['Jordan Lee']);
  });
});

describe('the fake HubSpot: a company’s owner', () => {
  let fake: FakeHubspot;
  let client: Client;
  let jordan: string;
  beforeAll(async () => {
    fake = await FakeHubspot.start();
    client = hsClient(fake);
    jordan = fake.addOwner({ email: 'jordan@example.com', firstName: 'Jordan', lastName: 'Lee' });
  });
  afterAll(() => fake.stop());

  it('keeps hubspot_owner_id on a company, and finds companies by IN on name and domain', async () => {
    fake.addCompany({ name: 'Smith & Jones', domain: 'smithjones.example', ownerId: jordan });
    fake.addCompany({ name: 'Fabrikam' });
    const result = await client.crm.companies.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'name', operator: 'IN' as never, values: ['fabrikam'] }] },
        { filters: [{ propertyName: 'domain', operator: 'IN' as never, values: ['smithjones.example'] }] },
      ],
      properties: ['name', 'domain', 'hubspot_owner_id'],
      limit: 10,
    });
    expect(result.results.map((c) => [c.properties.name, c.properties.hubspot_owner_id])).toEqual([
      ['Smith & Jones', jordan],
      ['Fabrikam', null],
    ]);
    expect(() => fake.addCompany({ name: 'X', ownerId: '1' })).toThrow(/no owner/);
  });

  it('reads an owner by id as HubSpot answers, and lists owners by email', async () => {
    const owner = await client.crm.owners.ownersApi.getById(Number(jordan));
    expect(owner).toMatchObject({
      id: jordan,
      email: 'jordan@example.com',
      firstName: 'Jordan',
      lastName: 'Lee',
      archived: false,
      type: 'PERSON',
    });
    const page = await client.crm.owners.ownersApi.getPage('JORDAN@example.com');
    expect(page.results.map((o) => o.id)).toEqual([jordan]);
  });

  it('answers 404 for an archived (deactivated) owner unless archived=true', async () => {
    const gone = fake.addOwner({ email: 'gone@example.com' });
    fake.archiveOwner(gone);
    await expect(client.crm.owners.ownersApi.getById(Number(gone))).rejects.toMatchObject({ code: 404 });
    const archived = await client.crm.owners.ownersApi.getById(Number(gone), 'id', true);
    expect(archived).toMatchObject({ id: gone, archived: true, userId: null });
  });
});
