import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../../src/configEnv.js';
import { CRM_MODULES } from '../../../src/crm/connectors.js';
import { CRM_CREDENTIALS } from '../../../src/domain/crmCredentials.js';
import {
  CRM_SYSTEMS,
  CRMS,
  type CrmFacts,
  type CrmSystem,
  isCrmSystem,
} from '../../../src/domain/crmFacts.js';
import { secretsOf } from '../../../src/secrets.js';

/**
 * The CRM registry (domain/crmFacts.ts): one row per CRM carries its words, its connect form's refused field and its
 * secret settings, and no other file of src/ spells a CRM's label, so a new map of labels cannot come back silently.
 */

// A value added to CrmSystem without its row does not compile here (nor in the registry).
const rows: Record<CrmSystem, CrmFacts> = CRMS;

describe('the CRM registry', () => {
  it('has a row for every CRM, in the order CRM_SYSTEMS lists them, and the connector table the same CRMs', () => {
    expect(Object.keys(rows)).toEqual([...CRM_SYSTEMS]);
    expect(Object.keys(CRM_MODULES)).toEqual([...CRM_SYSTEMS]);
    expect(Object.keys(CRM_CREDENTIALS)).toEqual([...CRM_SYSTEMS]);
    for (const system of CRM_SYSTEMS) expect(isCrmSystem(system)).toBe(true);
    expect(isCrmSystem('pipedrive')).toBe(false);
    expect(isCrmSystem('toString')).toBe(false);
  });

  it('gives each CRM its own label and words', () => {
    const labels = CRM_SYSTEMS.map((system) => CRMS[system].label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const system of CRM_SYSTEMS) {
      const row = CRMS[system];
      for (const word of [row.label, row.record, row.records, row.activity, row.how, row.settings.check])
        expect(word.trim()).not.toBe('');
    }
    expect(CRMS.salesforce).toMatchObject({ label: 'Salesforce', record: 'opportunity', activity: 'a Task' });
    expect(CRMS.hubspot).toMatchObject({ label: 'HubSpot', record: 'deal', activity: 'a note' });
  });

  it("shows a refusal under one of the CRM's own connect form fields", () => {
    for (const system of CRM_SYSTEMS)
      expect(CRM_CREDENTIALS[system].map((field) => field.key)).toContain(CRMS[system].refusedField);
  });

  it('names settings that exist, and keeps their values out of what the app prints', () => {
    const known = Object.keys(envSchema.shape);
    for (const system of CRM_SYSTEMS) {
      const { secrets, urls } = CRMS[system].settings;
      for (const name of [...secrets, ...urls]) expect(known).toContain(name);
      for (const name of secrets)
        expect(secretsOf({ [name]: `value-of-${name}` })).toEqual([`value-of-${name}`]);
      for (const name of urls)
        expect(secretsOf({ [name]: `https://user:pw-of-${name}@crm.example` })).toContain(`pw-of-${name}`);
    }
  });
});

const SRC = resolve(import.meta.dirname, '../../../src');

/** The .ts files under `dir`, at any depth. */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));

/** Every string literal of a file whose whole text is a CRM's label, as `<file> <line>: '<label>'`. */
function labelsIn(file: string, labels: ReadonlySet<string>): string[] {
  const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && labels.has(node.text)) {
      const line = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push(`${relative(SRC, file)} ${line}: '${node.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Where a CRM's label may be spelled: the registry, and nowhere else (its connector module reads its row too). */
const ALLOWED = new Set(['domain/crmFacts.ts']);

describe('the CRM labels in src/', () => {
  it('are spelled only in the registry: every other file reads them from it', () => {
    const labels = new Set(CRM_SYSTEMS.map((system) => CRMS[system].label));
    const spelled = filesUnder(SRC)
      .filter((file) => !ALLOWED.has(relative(SRC, file)))
      .flatMap((file) => labelsIn(file, labels));
    expect(spelled).toEqual([]);
  });

  it('finds a label spelled as a literal (the check itself works)', () => {
    const file = join(SRC, 'domain/crmFacts.ts');
    expect(labelsIn(file, new Set(['Salesforce', 'HubSpot']))).toEqual([
      expect.stringMatching(/^domain\/crmFacts\.ts \d+: 'Salesforce'$/),
      expect.stringMatching(/^domain\/crmFacts\.ts \d+: 'HubSpot'$/),
    ]);
  });
});
