import { accountKey } from '../domain/accountMatch.js';

/**
 * Two spellings of one account's name, compared with both sides normalised: their keys (`accountKey`: case, accents,
 * punctuation, `&` as "and", a leading "The" and legal forms ignored) without spaces, so "O'Brien Health" and "OBrien
 * Health", "A.B. Dental" and "AB Dental", "Smith & Jones" and "Smith and Jones", "Clínica Saúde" and "Clinica Saude"
 * are one account.
 */
export function sameAccountName(a: string, b: string): boolean {
  const key = (name: string) => accountKey(name).replaceAll(' ', '');
  return key(a) !== '' && key(a) === key(b);
}

/** At most this many words of a name are asked for in one HubSpot filter group (its limit is 6 filters a group). */
const TOKENS_MAX = 4;

/**
 * The words of a name a CRM's search can ask for as tokens (HubSpot splits text into tokens on anything that is not a
 * letter or digit): as typed (lowercase) and without accents, each the longest few of at least three characters, not
 * "and" nor a legal form (which the other spelling may lack). Empty when the name has none.
 */
export function nameTokens(name: string): { typed: string[]; plain: string[] } {
  const keyWords = new Set(accountKey(name).split(' '));
  const pick = (text: string, inKey: (w: string) => boolean) =>
    [
      ...new Set(
        text
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter((w) => w.length >= 3 && w !== 'and' && inKey(w)),
      ),
    ]
      .sort((x, y) => y.length - x.length)
      .slice(0, TOKENS_MAX);
  const strip = (w: string) => w.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return {
    typed: pick(name, (w) => keyWords.has(strip(w))),
    plain: pick(strip(name), (w) => keyWords.has(w)),
  };
}
