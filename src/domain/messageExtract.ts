import { accountDomain, accountKey } from './accountMatch.js';

/**
 * What a Slack message may say about a deal, read by rule ("Hand off this deal"): the company names and web
 * domains it mentions, and its text as a person reads it. Deterministic and explainable: the same text always gives
 * the same candidates, in the order they were written, and nothing is guessed beyond them.
 */

/** At most this many names and domains are asked of the CRM (one query each side). */
export const CANDIDATES_MAX = { names: 6, domains: 3 } as const;

/** Domains of mail and chat providers and of links to tools: never a customer's account. */
const NOT_ACCOUNTS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'slack.com',
  'zoom.us',
  'google.com',
  'microsoft.com',
  'linkedin.com',
  'docusign.net',
  'hubspot.com',
  'salesforce.com',
  'force.com',
]);

/**
 * Capitalised words that begin a sentence or name a time, a greeting or a role rather than a company ("Hi team,
 * Northwind Logistics is moving…": the name is "Northwind Logistics", not "Hi").
 */
const NOT_NAMES = new Set(
  (
    'hi hello hey dear thanks thank cheers team all folks the a an and or but so our their we i you they he she it ' +
    'this that these those there here if when what who why how can could would should will please fyi btw also ' +
    'monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday next last ' +
    'january february march april may june july august september october november december q1 q2 q3 q4 ' +
    'eu us uk emea apac na latam vp ceo cfo cto cio coo svp evp ops it hr see note just let any quick update re'
  ).split(' '),
);

/** A word a company name may be made of: a capital letter first (accents allowed), then letters, digits, ' . & -. */
const NAME_WORD = /^[\p{Lu}][\p{L}\p{N}'’.&-]*$/u;
/** Small words that join the capitalised words of one name ("Smith & Jones", "Bank of Ireland"). */
const JOINERS = new Set(['&', 'and', 'of', 'de', 'la', 'du', 'von', 'van', 'der', 'y']);

/** A run joined by "and" may be one name ("Smith and Jones") or two ("Contoso and Litware"): both readings count. */
function readings(words: readonly string[]): string[][] {
  const parts: string[][] = [[]];
  for (const w of words) {
    if (w.toLowerCase() === 'and') parts.push([]);
    else parts.at(-1)?.push(w);
  }
  return parts.length > 1 ? [[...words], ...parts.filter((p) => p.length > 0)] : [[...words]];
}

/** Slack's markup made plain: `<https://x|label>` → label (or the link), `<@U…>` and `<#C…|name>` → @/#name. */
export function plainMessageText(text: string): string {
  return text
    .replace(/<mailto:([^|>]+)(?:\|([^>]+))?>/g, (_m, address: string, label?: string) => label ?? address)
    .replace(/<(https?:\/\/[^|>]+)(?:\|([^>]+))?>/g, (_m, url: string, label?: string) => label ?? url)
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<@[UW][A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => (name ? `@${name}` : '@someone'))
    .replace(/<!(here|channel|everyone)[^>]*>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** The registrable domains a text names (links, bare domains, email addresses), in order, each once. */
export function domainsIn(text: string, exclude: readonly string[] = []): string[] {
  const skip = new Set([...NOT_ACCOUNTS, ...exclude.map((d) => d.toLowerCase())]);
  const found: string[] = [];
  const raw = text.match(/(?:https?:\/\/)?(?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,}(?:\/[^\s<>|)]*)?/giu) ?? [];
  for (const token of raw) {
    const domain = accountDomain(token.replace(/^.*@/, ''));
    if (!domain || skip.has(domain) || found.includes(domain)) continue;
    found.push(domain);
  }
  return found.slice(0, CANDIDATES_MAX.domains);
}

/** The word as a name's word: its trailing punctuation off ("Logistics," → "Logistics"), possessive too. */
const bare = (word: string) =>
  /^(?:\p{Lu}\.)+$/u.test(word)
    ? word
    : word.replace(/^[("“'‘]+/, '').replace(/(?:['’]s)?[),.;:!?"”'’]*$/u, '');

/**
 * The company names a text may mention: each run of capitalised words (joined by "&", "of", "and"…), read left to
 * right, without the greetings, days, months and roles that start sentences; runs of two words or more first (a
 * company is rarely one common word), then single words, at most CANDIDATES_MAX.names, each once by its key.
 */
export function namesIn(text: string, exclude: readonly string[] = []): string[] {
  const skip = new Set(exclude.map(accountKey));
  const runs: string[][] = [];
  let run: string[] = [];
  const close = () => {
    while (run.length > 0 && JOINERS.has((run.at(-1) ?? '').toLowerCase())) run.pop();
    if (run.length > 0) runs.push(run);
    run = [];
  };
  for (const token of text.split(/\s+/)) {
    const word = bare(token);
    const ends = /[,.;:!?)]$/.test(token) && !/^(?:\p{Lu}\.)+$/u.test(token);
    if (word && NAME_WORD.test(word) && !(run.length === 0 && NOT_NAMES.has(word.toLowerCase())))
      run.push(word);
    else if (run.length > 0 && JOINERS.has(word.toLowerCase())) run.push(word);
    else close();
    if (ends) close();
  }
  close();
  const names = runs
    .flatMap(readings)
    .map((words) => words.filter((w, i) => i > 0 || !NOT_NAMES.has(w.toLowerCase())).join(' '))
    .filter((name) => name.length >= 2 && !NOT_NAMES.has(name.toLowerCase()));
  const ordered = [...names.filter((n) => n.includes(' ')), ...names.filter((n) => !n.includes(' '))];
  const seen = new Set<string>();
  return ordered
    .filter((name) => {
      const key = accountKey(name);
      if (!key || seen.has(key) || skip.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, CANDIDATES_MAX.names);
}
