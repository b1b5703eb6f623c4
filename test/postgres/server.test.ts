import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { postgresBinDir } from '../support/postgres.js';
import { asRoot, NOBODY } from '../support/unprivileged.js';

/** The run's throwaway server (test/support/postgres.ts) is what the tests of this project assume it is. */
describe('the throwaway Postgres server', () => {
  it('is a local, unprivileged, non-durable server in a temporary folder', async () => {
    const client = new pg.Client({ connectionString: inject('postgresUrl') });
    await client.connect();
    const setting = async (name: string) => (await client.query(`show ${name}`)).rows[0]?.[name];
    try {
      expect(await setting('listen_addresses')).toBe('127.0.0.1');
      expect(await setting('fsync')).toBe('off');
      const sockets = await setting('unix_socket_directories');
      expect(sockets.startsWith(join(tmpdir(), 'handoff-pg-'))).toBe(true);
      expect(statSync(join(sockets, 'data')).uid).toBe(asRoot ? NOBODY : process.getuid?.());
    } finally {
      await client.end();
    }
  });

  it('is found in PG_BIN when set, which must hold the binaries', () => {
    const found = postgresBinDir({});
    expect(postgresBinDir({ PG_BIN: found })).toBe(found);
    expect(() => postgresBinDir({ PG_BIN: tmpdir() })).toThrow(/does not hold initdb/);
  });
});
