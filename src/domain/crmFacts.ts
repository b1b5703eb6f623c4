/**
 * The CRMs the app knows, and the facts that are each CRM's: how its records are named to people, which credential
 * the connect form shows its refusal under, which settings hold its secrets, and what the start check and the doctor
 * tell the operator to look at. Plain facts, no network: the renderers and the rules read them as well as src/crm/.
 *
 * A third CRM is a value of `CrmSystem`, then its row here (the compiler asks for it), its recognisers of pasted links
 * (domain/crmLink.ts `LINKS`), its connect form's fields (domain/crmCredentials.ts), its connector module in src/crm/
 * and its row of crm/connectors.ts `CRM_MODULES`, and its settings (config.ts, configEnv.ts).
 */

/** The CRMs the app knows. */
export type CrmSystem = 'salesforce' | 'hubspot';

/** What the doctor says of one CRM: what it reads, and where to look when it refuses (doctor/crm.ts). */
export interface CrmDoctorWords {
  /** What the start check reads: "Opportunities". */
  reads: string;
  /** What to check when it refuses the credentials. */
  credentials: string;
  /** What to grant when it takes the credentials but refuses a read. */
  permissions: string;
  /** What to check when it cannot be reached. */
  reach: string;
  /** What to check when something else than its API answered at its address. */
  elsewhere: string;
  /** What the doctor does not try, since only a write would tell ('' or a sentence with its leading space). */
  untried: string;
}

/** One CRM's row. */
export interface CrmFacts {
  /** "Salesforce". */
  label: string;
  /** What a record is called there: "opportunity", "deal". */
  record: string;
  records: string;
  /** What the app writes on a record for each change of a handoff: "a Task", "a note". */
  activity: string;
  /** How to paste one, said when a link names no record. */
  how: string;
  /**
   * Whether its record ids are plain numbers: a bare number is then read as one of its records, but only while it is
   * connected (otherwise it could be any CRM's id, and stays text).
   */
  numericIds: boolean;
  /** The field of its connect form (domain/crmCredentials.ts) that a refusal by the CRM is shown under: the secret's. */
  refusedField: string;
  settings: {
    /** Its settings whose values are secrets, kept out of every log line and the doctor's report (secrets.ts). */
    secrets: readonly string[];
    /** Its settings that are URLs, which may carry a password (kept out the same way). */
    urls: readonly string[];
    /** What to check when it refuses the settings' credentials at start (crm/connectors.ts `verifyCrm`). */
    check: string;
  };
  doctor: CrmDoctorWords;
  /** How the privacy statement names what it is sent: "a completed Task", and whose it is: "org" (doctor/privacy.ts). */
  privacy: { writes: string; holder: string };
}

/** The registry: one row per CRM, in the order a pasted value is tried against them (a Salesforce id first). */
export const CRMS: Readonly<Record<CrmSystem, CrmFacts>> = {
  salesforce: {
    label: 'Salesforce',
    record: 'opportunity',
    records: 'opportunities',
    activity: 'a Task',
    how: "Paste the opportunity's address from Salesforce, or its 15- or 18-character id (it starts with 006).",
    numericIds: false,
    refusedField: 'clientSecret',
    settings: {
      secrets: ['SALESFORCE_CLIENT_SECRET'],
      urls: ['SALESFORCE_LOGIN_URL'],
      check:
        "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (the connected app's consumer key and secret), SALESFORCE_LOGIN_URL (your My Domain login URL), and that the connected app has the client credentials flow enabled with a run-as user",
    },
    doctor: {
      reads: 'Opportunities',
      credentials:
        "Check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (the app's consumer key and secret), SALESFORCE_LOGIN_URL (your My Domain login URL), and that the app has the client credentials flow enabled with a run-as user (docs/crm.md#salesforce).",
      permissions:
        'Give the run-as integration user API Enabled and Read on Opportunities and Accounts (docs/crm.md#salesforce).',
      reach: 'Check the network and SALESFORCE_LOGIN_URL, then run the doctor again.',
      elsewhere:
        "Check SALESFORCE_LOGIN_URL: it must be your org's My Domain login URL, and the instance it names must be Salesforce's REST API (docs/crm.md#salesforce).",
      untried: '',
    },
    privacy: { writes: 'a completed Task', holder: 'org' },
  },
  hubspot: {
    label: 'HubSpot',
    record: 'deal',
    records: 'deals',
    activity: 'a note',
    how: "Paste the deal's address from HubSpot, or its id (the number at the end of the address).",
    numericIds: true,
    refusedField: 'accessToken',
    settings: {
      secrets: ['HUBSPOT_ACCESS_TOKEN'],
      urls: ['HUBSPOT_API_URL'],
      check:
        "HUBSPOT_ACCESS_TOKEN (a Service Key from HubSpot's Settings → Integrations → Service Keys) and its scopes (docs/crm.md#hubspot)",
    },
    doctor: {
      reads: 'deals',
      credentials:
        "Check HUBSPOT_ACCESS_TOKEN: copy the service key again from HubSpot's Settings → Integrations → Service Keys (docs/crm.md#hubspot).",
      permissions: 'Add the crm.objects.deals.read scope to the service key (docs/crm.md#hubspot).',
      reach: 'Check the network and HUBSPOT_API_URL, then run the doctor again.',
      elsewhere:
        "Check HUBSPOT_API_URL: leave it unset for HubSpot's API (https://api.hubapi.com), or name a proxy that passes HubSpot's answers on unchanged.",
      untried:
        ' Not checked, since only a write would tell: crm.objects.contacts.write (the notes), and crm.objects.deals.write if HUBSPOT_PROPERTY_* is set.',
    },
    privacy: { writes: 'a note', holder: 'account' },
  },
};

/** Every CRM the app knows, in the registry's order. */
export const CRM_SYSTEMS = Object.keys(CRMS) as [CrmSystem, ...CrmSystem[]];

/** Whether a value names a CRM the app knows ("salesforce"), as a command's word or a form's metadata give it. */
export const isCrmSystem = (value: unknown): value is CrmSystem =>
  typeof value === 'string' && Object.hasOwn(CRMS, value);

/** Every CRM's settings whose values are secrets, then those that are URLs (secrets.ts). */
export const crmSecretSettings = (): { secrets: string[]; urls: string[] } => ({
  secrets: CRM_SYSTEMS.flatMap((system) => CRMS[system].settings.secrets),
  urls: CRM_SYSTEMS.flatMap((system) => CRMS[system].settings.urls),
});
