/**
 * The seed of a randomized test: a fixed default per file, so every run (and CI) repeats the same cases, or
 * `SEED=<n>` (FC_SEED is still read) to explore others or replay a failure. fast-check prints the seed and the
 * shrunk counterexample when a property fails; the drills print theirs in their report line.
 */
export function seedOf(fixedDefault: number): number {
  const given = process.env.SEED ?? process.env.FC_SEED;
  return given === undefined || given === '' ? fixedDefault : Number(given);
}
