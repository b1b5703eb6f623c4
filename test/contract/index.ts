import { readdirSync } from 'node:fs';
import { ENGINE_NEUTRAL } from '../../src/db/engine.js';
import { besideNeighbour, type Contract, type Engine } from './engine.js';

type Name = (typeof ENGINE_NEUTRAL)[number];

/**
 * One contract per repository file written for both engines, `<name>.contract.ts` for each name in ENGINE_NEUTRAL: a
 * name without its file fails the import, and a contract file of no listed repository fails here.
 */
const unlisted = readdirSync(import.meta.dirname)
  .map((file) => file.match(/^(\w+)\.contract\.ts$/)?.[1])
  .filter((name) => name !== undefined && !(ENGINE_NEUTRAL as readonly string[]).includes(name));
if (unlisted.length > 0)
  throw new Error(`contracts of no repository in ENGINE_NEUTRAL: ${unlisted.join(', ')}`);

export const CONTRACTS = Object.fromEntries(
  await Promise.all(
    ENGINE_NEUTRAL.map(async (name) => [name, (await import(`./${name}.contract.ts`)).default as Contract]),
  ),
) as Record<Name, Contract>;

/** Every contract on the engine, then again beside a neighbour installation (test/contract/engine.ts). */
export function runContracts(engine: Engine): void {
  for (const run of Object.values(CONTRACTS)) run(engine);
  for (const [name, run] of Object.entries(CONTRACTS))
    if (name !== 'installations') run(besideNeighbour(engine));
}
