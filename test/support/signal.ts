/**
 * A one-shot signal between two flows of a test: one awaits `fired`, the other calls `fire()` (a promise and its
 * resolve, as `Promise.withResolvers` gives from Node 22).
 */
export function signal(): { fired: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
