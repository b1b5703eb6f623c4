import { classifyAnswer, HUBSPOT_CODES, hubspotAnswer } from './failures.js';
import { HubspotHttpError } from './hubspotApi.js';
import { CrmError } from './types.js';

/**
 * The codes of a write HubSpot refused by the account's own rules (enforced on every CRM write from the 2026-09
 * version): a property an admin made required when another has a value, or required on the Create Record form. HubSpot
 * answers 400, category VALIDATION_ERROR, each error naming the property in `context.propertyName`.
 */
const RULE_CODES = new Set(['MISSING_CONDITIONAL_REQUIRED_PROPERTY', 'MISSING_REQUIRED_PROPERTY']);

/** Labels of HubSpot's default deal and note properties, as its settings show them; any other is named as sent. */
const PROPERTY_LABELS: Record<string, string> = {
  dealtype: 'Deal type',
  dealname: 'Deal name',
  dealstage: 'Deal stage',
  pipeline: 'Pipeline',
  amount: 'Amount',
  closedate: 'Close date',
  description: 'Deal description',
  hubspot_owner_id: 'Deal owner',
  deal_currency_code: 'Currency',
  hs_priority: 'Priority',
  hs_next_step: 'Next step',
  hs_note_body: 'Note body',
  hs_timestamp: 'Activity date',
};

/** What was refused, in words: "the deal update", "the new note". */
function writeOf(request: { method: string; path: string }): string {
  const type = /\/crm\/objects\/[^/]+\/([^/]+)/.exec(request.path)?.[1];
  const noun = type === 'deals' ? 'deal' : type === 'notes' ? 'note' : (type ?? 'record');
  return request.method === 'PATCH' ? `the ${noun} update` : `the new ${noun}`;
}

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The refusal of a write by an account's validation rule, in plain words ("HubSpot refused the deal update: the 'Deal
 * type' property is required by your HubSpot admin's rules."), or undefined when the error is not one.
 */
export function validationRefusal(error: unknown): CrmError | undefined {
  if (!(error instanceof HubspotHttpError) || error.code !== 400) return undefined;
  const body = parsed(error.body) as
    | { category?: unknown; errors?: { code?: unknown; context?: { propertyName?: unknown } }[] }
    | undefined;
  if (body?.category !== 'VALIDATION_ERROR' || !Array.isArray(body.errors)) return undefined;
  const names = body.errors
    .filter((e) => typeof e?.code === 'string' && RULE_CODES.has(e.code))
    .flatMap((e) => (Array.isArray(e.context?.propertyName) ? e.context.propertyName : []))
    .filter((n): n is string => typeof n === 'string');
  if (names.length === 0) return undefined;
  const labels = [...new Set(names)].map((n) => `'${PROPERTY_LABELS[n] ?? n}'`);
  const which =
    labels.length === 1
      ? `the ${labels[0]} property is`
      : `the ${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} properties are`;
  return new CrmError(
    `HubSpot refused ${writeOf(error.request)}: ${which} required by your HubSpot admin's rules.`,
    { transient: false, validation: true },
  );
}

/** By the HTTP status first, then HubSpot's category (failures.ts); a validation rule's refusal first of all. */
export function classifyHubspot(error: unknown, write: boolean): CrmError {
  if (error instanceof CrmError) return error;
  const refusal = validationRefusal(error);
  if (refusal) return refusal;
  const answer = hubspotAnswer(error);
  const { status, code, message, scopes } = answer;
  const { kind, opts } = classifyAnswer(HUBSPOT_CODES, answer, write);
  switch (kind) {
    case 'no_answer':
      return new CrmError(`HubSpot: no answer (${message})`, opts);
    case 'server':
      return new CrmError(`HubSpot: HTTP ${status}`, opts);
    case 'unreadable':
      return new CrmError(`HubSpot: an answer that could not be read (${message})`, opts);
    case 'rate_limited':
      return new CrmError('HubSpot: rate limited', opts);
    case 'auth':
      return new CrmError(`HubSpot refused the service key (${code ?? `HTTP ${status}`})`, opts);
    case 'not_found':
      return new CrmError(`HubSpot: not found (${message})`, opts);
    default:
      return new CrmError(
        status === 403
          ? `HubSpot: the service key lacks a scope${scopes ? ` (it needs ${scopes.join(' or ')})` : ''}: ${message}`
          : `HubSpot: HTTP ${status}: ${message}`,
        opts,
      );
  }
}
