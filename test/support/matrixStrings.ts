/** Every string anywhere in a value (a Slack call's arguments, a view): the text a reader could be shown. */
export function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsIn(item);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) yield* stringsIn(v);
}
