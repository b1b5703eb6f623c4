import { isHttpUrl } from './packet.js';
import { type ComponentResult, missing, type ScoringInput, strong, weak } from './scoringModel.js';
import { accountWords, FILLER_WORDS, isPerson, nameParts, tokens } from './scoringWords.js';

/** The scorecard's proof component: what makes an evidence link specific to the deal (see scoring.ts). */

/** Evidence words a link's path can carry: what kind of record it is. */
export const EVIDENCE_WORDS = new Set(
  (
    'note notes minutes meeting meetings review reviews qbr qbrs ebr mbr recap summary thread threads archives ' +
    'archive transcript recording recordings call calls case study studies story stories deck slides proposal ' +
    'sow email mail message messages record records opportunity opportunities opp opps doc document ' +
    'documents report reports brief plan workshop demo agenda memo contract order quote rfp rfi ticket ' +
    'presentation'
  ).split(' '),
);
/** Words of site sections that are never the evidence itself (/about-us, /en/partners/, /index.html…). */
export const GENERIC_SECTIONS = new Set(
  (
    'home index html htm php aspx default about us aboutus company partners partner contact blog news products ' +
    'product solutions services customers en de fr es search login signin sign in www who we are our team'
  ).split(' '),
);
/** Document and record systems: a path there is a document or a record. */
export const RECORD_HOST =
  /(^|\.)(docs\.google\.com|drive\.google\.com|sharepoint\.com|slack\.com|salesforce\.com|force\.com|hubspot\.com|notion\.so|notion\.site|atlassian\.net|box\.com|dropbox\.com|gong\.io|zoom\.us|loom\.com|onedrive\.live\.com|dynamics\.com)$/i;
export const SHORTENER =
  /^(bit\.ly|tinyurl\.com|t\.co|goo\.gl|ow\.ly|buff\.ly|lnkd\.in|rebrand\.ly|is\.gd|cutt\.ly)$/i;
export const SEARCH_OR_SOCIAL =
  /(^|\.)(google\.[a-z.]+|bing\.com|duckduckgo\.com|linkedin\.com|twitter\.com|x\.com|facebook\.com|instagram\.com|youtube\.com)$/i;

export function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Words that tie a link to this deal: the account, the partner contact, the CRM opportunity id. */
export function evidenceNames(p: ScoringInput): Set<string> {
  const words = accountWords(p);
  if (isPerson(p.partnerContactName, p.partnerOrg)) {
    for (const part of nameParts(p.partnerContactName)) if (part.length >= 3) words.add(part.toLowerCase());
  }
  for (const word of tokens(p.crmOpportunity)) if (/\d/.test(word) && word.length >= 3) words.add(word);
  return words;
}

export function proof(p: ScoringInput): ComponentResult {
  if (!p.evidenceUrl) return missing('proof', 'no evidence link');
  if (!isHttpUrl(p.evidenceUrl)) return missing('proof', 'the evidence link is not a web address');
  const url = new URL(p.evidenceUrl);
  const host = url.hostname.replace(/^www\./, '');
  const segments = url.pathname.split('/').filter(Boolean).map(decoded);
  const words = tokens(`${segments.join(' ')} ${url.search} ${url.hash}`);
  const named = evidenceNames(p);
  const hostWords = tokens(host.split('.').slice(0, -1).join(' '));
  if (
    (words.length > 0 && words.every((w) => FILLER_WORDS.has(w) || /^(\p{L})\1+$/u.test(w))) ||
    hostWords.some((w) => FILLER_WORDS.has(w))
  ) {
    return missing('proof', 'the link is placeholder text (asdf, test…), not evidence');
  }
  if (segments.length === 0 && !url.search && !url.hash)
    return weak('proof', 'the link is a homepage, not the evidence itself');
  if (SHORTENER.test(host))
    return weak('proof', 'a short link hides what it points to; link the evidence itself');
  const record = RECORD_HOST.test(host);
  if (!record && SEARCH_OR_SOCIAL.test(host))
    return weak('proof', 'a search or social page, not the evidence itself');
  if (!url.search && !url.hash && words.every((w) => GENERIC_SECTIONS.has(w))) {
    return weak('proof', 'the link is a generic page (about, partners, blog…), not the evidence itself');
  }
  const describes = words.some((w) => EVIDENCE_WORDS.has(w) || named.has(w));
  if (!describes && !(record && segments.length >= 1)) {
    return weak(
      'proof',
      'the link does not say what it is: no account, contact, opportunity id or kind of evidence (notes, thread…) in it',
    );
  }
  return strong('proof', 'a specific evidence link that says what it points to');
}
