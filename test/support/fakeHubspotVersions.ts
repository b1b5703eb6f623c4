/**
 * The fake HubSpot's API versions: the date-versioned paths (`/crm/objects/2026-09/deals`, `/crm/owners/2026-09/{id}`,
 * `/crm/pipelines/2026-09/deals`, `/settings/currencies/2026-09/...`) reach the same handlers as the v3 ones, and the
 * account's validation rules, which HubSpot enforces on CRM writes from its 2026-09 version (HubSpot's changelog,
 * "CRM API Write Validation Enforcement Starting with the 2026-09 API Version"): a refused write answers 400,
 * category VALIDATION_ERROR, each error with its code and `context.propertyName`.
 */
import { randomUUID } from 'node:crypto';

/** The date versions the fake knows. */
export const DATE_VERSIONS = ['2026-03', '2026-09'] as const;

/** A path as the fake's router reads it (v3's layout), and the version the caller named. */
export function canonicalPath(path: string): { path: string; version: string } {
  const parts = path.split('/').filter((p) => p !== '');
  const [root, kind, version, ...rest] = parts;
  if (version !== undefined && (DATE_VERSIONS as readonly string[]).includes(version)) {
    if (root === 'crm' && (kind === 'objects' || kind === 'owners' || kind === 'pipelines'))
      return { path: `/${['crm', 'v3', kind, ...rest].join('/')}`, version };
    if (root === 'settings' && kind === 'currencies')
      return { path: `/${['settings', 'currencies', ...rest].join('/')}`, version };
  }
  const legacy = /^\/crm\/(v\d)\//.exec(path)?.[1];
  return { path, version: legacy ?? 'unknown' };
}

/** Whether a path is one of HubSpot's legacy (v1 to v4) APIs, unsupported from 2027. */
export const isLegacyPath = (path: string): boolean => /^\/(crm|settings)\/v\d+\//.test(path);

export interface ValidationRule {
  object: 'deals' | 'notes';
  /** The property the rule requires, by its internal name ('dealtype'). */
  property: string;
  /**
   * A conditional rule: required when this property has one of these values (checked on updates and creations).
   * Without it, the property is required on creation (the Create Record form's rule).
   */
  when?: { property: string; values: readonly string[] };
}

type Properties = Record<string, string | null | undefined>;

export class ValidationRules {
  private rules: ValidationRule[] = [];

  add(rule: ValidationRule): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  /** HubSpot's 400 body for a write the rules refuse (the object as it would be after it), or undefined. */
  refusal(
    object: ValidationRule['object'],
    write: 'create' | 'update',
    after: Properties,
  ): Record<string, unknown> | undefined {
    const missing = this.rules.filter((rule) => {
      if (rule.object !== object) return false;
      const value = after[rule.property];
      if (value !== null && value !== undefined && value !== '') return false;
      if (rule.when) return rule.when.values.includes(String(after[rule.when.property] ?? ''));
      return write === 'create';
    });
    if (missing.length === 0) return undefined;
    return {
      status: 'error',
      message: 'Property values were not valid',
      correlationId: randomUUID(),
      category: 'VALIDATION_ERROR',
      errors: missing.map((rule) =>
        rule.when
          ? {
              code: 'MISSING_CONDITIONAL_REQUIRED_PROPERTY',
              message: `${rule.property} is required because of a conditional property rule based on [${rule.when.property}]`,
              context: { propertyName: [rule.property] },
            }
          : {
              code: 'MISSING_REQUIRED_PROPERTY',
              message: `A value for ${rule.property} must be provided`,
              context: { propertyName: [rule.property] },
            },
      ),
    };
  }
}
