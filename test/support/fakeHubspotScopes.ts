/**
 * The scopes of the fake HubSpot's token (a service key's or a legacy private app's: both are granted scopes one by
 * one), and what each endpoint the app calls requires. A call without one of its scopes is refused as HubSpot
 * refuses it: 403, category MISSING_SCOPES, the scopes that would do in `errors[].context.requiredGranularScopes`.
 */

/** Every scope docs/crm.md asks for: the fake's token has them all unless a test says otherwise. */
export const ALL_SCOPES = [
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.companies.read',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.owners.read',
  'settings.currencies.read',
] as const;

/**
 * The scopes one of which a call needs (HubSpot's reference lists them per endpoint): deals and their pipelines by
 * the deal scopes, companies by the company scope, notes (engagements) by the contact scopes, owners (the users
 * records are assigned to) by the owners scope.
 */
export function requiredScopes(method: string, path: string): string[] {
  // The multicurrency settings (company currency, exchange rates), read with their own scope.
  if (path.startsWith('/settings/currencies/')) return ['settings.currencies.read'];
  const [, , kind, type, id] = path.split('/').filter((p) => p !== '') as (string | undefined)[];
  const read = method === 'GET' || id === 'search' || (id === 'batch' && path.endsWith('/read'));
  if (kind === 'pipelines' && type === 'deals') return ['crm.objects.deals.read'];
  if (kind === 'owners') return ['crm.objects.owners.read'];
  if (kind !== 'objects') return [];
  if (type === 'deals') return [read ? 'crm.objects.deals.read' : 'crm.objects.deals.write'];
  if (type === 'companies') return ['crm.objects.companies.read'];
  if (type === 'notes') return [read ? 'crm.objects.contacts.read' : 'crm.objects.contacts.write'];
  return [];
}

/** The body of HubSpot's 403 for a token without the scope a call needs. */
export function missingScopesBody(needed: string[], correlationId: string): Record<string, unknown> {
  return {
    status: 'error',
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    correlationId,
    errors: [
      {
        message: 'One or more of the following scopes are required.',
        context: { requiredGranularScopes: needed },
      },
    ],
    links: { scopes: 'https://developers.hubspot.com/scopes' },
    category: 'MISSING_SCOPES',
  };
}
