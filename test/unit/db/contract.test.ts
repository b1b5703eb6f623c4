import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_NEUTRAL } from '../../../src/db/engine.js';
import { besideNeighbour, sqliteEngine } from '../../contract/engine.js';
import { CONTRACTS } from '../../contract/index.js';

// The repository contracts on SQLite (the same tests run on Postgres in npm run test:pg: test/postgres/contract.test.ts).
for (const contract of Object.values(CONTRACTS)) contract(sqliteEngine);
// And beside a neighbour installation on the same database.
for (const [name, contract] of Object.entries(CONTRACTS))
  if (name !== 'installations') contract(besideNeighbour(sqliteEngine));

describe('repository files written for both engines', () => {
  // What db/engine.ts asks of them: SQLite's own ways of running a query would fail on Postgres.
  it.each([...ENGINE_NEUTRAL])(
    '%s.ts runs queries by awaiting them, on the executor’s own tables',
    (name) => {
      const source = readFileSync(
        join(import.meta.dirname, '../../../src/db/repositories', `${name}.ts`),
        'utf8',
      );
      // A prepared query of both engines is called with its executor first: `query.all(exec, …)` is allowed.
      expect(source.match(/\.(get|all|run|prepare)\((?!exec\b|tx\b)/g) ?? []).toEqual([]);
      expect(source).toMatch(/tablesOf\(|preparedQuery\(/);
      expect(source).not.toMatch(/^import \{[^}]*\} from '\.\.\/schema\.js'/m);
    },
  );
});
