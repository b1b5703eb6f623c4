import { describe, expect, it } from 'vitest';
import {
  operatorHosts,
  parseOperatorHost,
  salesforceAddressRefusal,
} from '../../../src/domain/salesforceHosts.js';

describe('the addresses the app may send Salesforce credentials to', () => {
  it.each([
    'https://acme.my.salesforce.com',
    'https://ACME.my.salesforce.com/',
    'https://acme--uat.sandbox.my.salesforce.com',
    'https://acme.my.salesforce.com:443',
    'https://login.salesforce.com',
    'https://test.salesforce.com',
  ])('takes Salesforce’s own host %s', (address) => {
    expect(salesforceAddressRefusal(address, [])).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:8080', 'not-salesforce'],
    ['https://10.0.0.1', 'not-salesforce'],
    ['https://169.254.169.254', 'not-salesforce'],
    ['https://[::1]', 'not-salesforce'],
    ['https://2130706433', 'not-salesforce'],
    ['https://localhost', 'not-salesforce'],
    ['https://my.salesforce.com', 'not-salesforce'],
    ['https://acme.my.salesforce.com.evil.example', 'not-salesforce'],
    ['https://evilmy.salesforce.com', 'not-salesforce'],
    ['https://acme.lightning.force.com', 'not-salesforce'],
    ['https://user:pass@acme.my.salesforce.com', 'not-salesforce'],
    ['https://acme.my.salesforce.com:8443', 'not-salesforce'],
    ['http://acme.my.salesforce.com', 'not-https'],
    ['ftp://acme.my.salesforce.com', 'not-https'],
    ['not a url', 'unparsable'],
  ])('refuses %s (%s)', (address, why) => {
    expect(salesforceAddressRefusal(address, [])).toBe(why);
  });

  it('takes a host the operator names, over http only where the entry says http, on its port only', () => {
    const hosts = operatorHosts('http://127.0.0.1:4000, sf-proxy.corp.example', undefined);
    expect(hosts).toEqual([
      { host: '127.0.0.1:4000', http: true },
      { host: 'sf-proxy.corp.example', http: false },
    ]);
    expect(salesforceAddressRefusal('http://127.0.0.1:4000', hosts)).toBeUndefined();
    expect(salesforceAddressRefusal('http://127.0.0.1:4001', hosts)).toBe('not-salesforce');
    expect(salesforceAddressRefusal('https://sf-proxy.corp.example/', hosts)).toBeUndefined();
    expect(salesforceAddressRefusal('http://sf-proxy.corp.example', hosts)).toBe('not-https');
    expect(salesforceAddressRefusal('https://sf-proxy.corp.example:8443', hosts)).toBe('not-salesforce');
  });

  it("takes SALESFORCE_LOGIN_URL's host, as the operator wrote it", () => {
    const hosts = operatorHosts(undefined, 'http://127.0.0.1:4567');
    expect(salesforceAddressRefusal('http://127.0.0.1:4567/services', hosts)).toBeUndefined();
  });

  it('reads an entry as a bare origin only', () => {
    expect(parseOperatorHost('HTTPS://Proxy.Example:8443')).toEqual({
      host: 'proxy.example:8443',
      http: false,
    });
    expect(parseOperatorHost('proxy.example/path')).toBeUndefined();
    expect(parseOperatorHost('user@proxy.example')).toBeUndefined();
    expect(parseOperatorHost('ftp://proxy.example')).toBeUndefined();
    expect(parseOperatorHost(' ')).toBeUndefined();
  });
});
