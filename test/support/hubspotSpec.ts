import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { HubspotRequest } from './fakeHubspot.js';

/**
 * HubSpot's own OpenAPI specs for the 2026-09 APIs the app calls (test/vendor/hubspot/, with their source), and a
 * check of one request against them: the method and path template exist, each query parameter is the operation's,
 * and the JSON body validates against the operation's request schema (ajv, already a devDependency for the Slack
 * manifest's schema: its draft-07 validator reads OpenAPI 3.0's schema objects once `example` and the int formats
 * are allowed).
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const DIR = join(import.meta.dirname, '../vendor/hubspot');
const FILES = ['deals', 'notes', 'companies', 'crmOwners', 'pipelines', 'multicurrency'] as const;

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { $ref?: string } }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas?: Record<string, unknown> };
}

const specs = Object.fromEntries(
  FILES.map((name) => [name, JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Spec]),
) as Record<(typeof FILES)[number], Spec>;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['int32', 'int64', 'double', 'float']) ajv.addFormat(format, true);
for (const [name, spec] of Object.entries(specs))
  ajv.addSchema({ $id: `${name}.json`, components: { schemas: spec.components.schemas ?? {} } });
const validators = new Map<string, ValidateFunction>();

/** The spec a path belongs to: the CRM objects' specs share their templates, told apart by the object type. */
function specFor(path: string): (typeof FILES)[number] | undefined {
  const objects = /^\/crm\/objects\/2026-09\/([^/]+)/.exec(path)?.[1];
  if (objects === 'deals' || objects === 'notes' || objects === 'companies') return objects;
  if (path.startsWith('/crm/owners/2026-09')) return 'crmOwners';
  if (path.startsWith('/crm/pipelines/2026-09/')) return 'pipelines';
  if (path.startsWith('/settings/currencies/2026-09/')) return 'multicurrency';
  return undefined;
}

/** The template that matches the path (literal segments over parameters), with its operation for the method. */
function operationOf(spec: Spec, method: string, path: string) {
  const matches = Object.entries(spec.paths).flatMap(([template, item]) => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = item[method.toLowerCase()] as Operation | undefined;
    if (!pattern.test(path) || !operation) return [];
    const literal = template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
    return [{ template, operation, literal }];
  });
  return matches.sort((a, b) => b.literal - a.literal)[0];
}

/** What is wrong with one request by HubSpot's spec; empty when nothing is. */
export function specProblems(request: HubspotRequest): string[] {
  const what = `${request.method} ${request.path}`;
  const name = specFor(request.path);
  if (!name) return [`${what}: no vendored 2026-09 spec covers this path`];
  const found = operationOf(specs[name], request.method, request.path);
  if (!found) return [`${what}: no such operation in ${name}.json`];
  const problems: string[] = [];
  const query = (found.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  for (const key of Object.keys(request.query))
    if (!query.includes(key)) problems.push(`${what}: query parameter ${key} is not ${found.template}'s`);
  const ref = found.operation.requestBody?.content?.['application/json']?.schema?.$ref;
  if (!ref) {
    if (request.body !== undefined) problems.push(`${what}: a body, where ${found.template} takes none`);
    return problems;
  }
  const key = `${name}.json${ref}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: key });
    validators.set(key, validate);
  }
  if (!validate(request.body))
    problems.push(`${what}: body against ${ref}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  return problems;
}
