import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@hubspot/api-client';
import { CRMS } from '../domain/crmFacts.js';
import type { Logger } from '../logger.js';
import { realTimers } from '../runtime/timers.js';
import {
  createHubspotAccounts,
  createSearchSlots,
  DEAL_PROPERTIES,
  type HubspotCall,
  type SearchSlot,
} from './hubspotAccounts.js';
import { type HubspotApiCalls, type HubspotObject, hubspotApi } from './hubspotApi.js';
import { hubspotReads, verifyHubspot } from './hubspotChecks.js';
import { hubspotClosedDeals } from './hubspotClosedDeals.js';
import { companiesMatching } from './hubspotCompanies.js';
import { createDeal, findCreatedDeal } from './hubspotDeals.js';
import { classifyHubspot } from './hubspotErrors.js';
import { closedState, hubspotCurrency, hubspotStates } from './hubspotMoney.js';
import {
  type CrmActivity,
  type CrmConnector,
  CrmError,
  type CrmFields,
  type CrmRecord,
  type CrmTimers,
  createdOf,
} from './types.js';

export interface HubspotSettings {
  accessToken: string;
  apiUrl: string;
  /** Per call (default 10 s): a call that takes longer counts as a lost answer. */
  timeoutMs?: number;
}

/** HubSpot's association type for a note on a deal (HUBSPOT_DEFINED). */
const NOTE_TO_DEAL = 214;
/** How long the pipelines' stage labels are kept before they are read again. */
const STAGES_TTL_MS = 10 * 60_000;

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The note's body: the event's line as a heading, the facts, and the marker a lost write is found by. */
export function noteBody(activity: CrmActivity): string {
  const lines = activity.lines.map(escapeHtml).join('<br>');
  return `<p><strong>${escapeHtml(activity.subject)}</strong></p><p>${lines}</p><p>ref ${activity.marker}</p>`;
}

/** What the connector's calls share: the typed API, the deadline of a call, the search limit, the stage labels. */
export interface HubspotApi {
  hs: HubspotApiCalls;
  call: HubspotCall;
  searchSlot: SearchSlot;
  timeoutMs: number;
  logger: Logger;
  stages?: { at: number; labels: Map<string, string> };
}

/**
 * HubSpot with a Service Key (a legacy token works alike: docs/crm.md#hubspot), through its date-versioned APIs
 * (hubspotApi.ts). The client's own retries are off (the outbox owns retries); each call has a deadline, after which a
 * write counts as possibly done. HubSpot's per-second search limit is counted on `timers` (the app's real time).
 */
export function createHubspot(
  settings: HubspotSettings,
  logger: Logger,
  timers: CrmTimers = realTimers,
): CrmConnector {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const client = new Client({
    accessToken: settings.accessToken,
    basePath: settings.apiUrl.replace(/\/$/, ''),
    numberOfApiCallRetries: 0,
  });
  const hs = hubspotApi(client);
  const api: HubspotApi = {
    hs,
    call: (run, write, ms = timeoutMs) => call(run, write, ms),
    // Searches wait for their slot in HubSpot's per-second search limit (hubspotAccounts.ts).
    searchSlot: createSearchSlots(timers),
    timeoutMs,
    logger,
  };
  const accounts = createHubspotAccounts({ ...api, timers, toRecord: (deal) => toRecord(api, deal) });

  return {
    system: 'hubspot',
    label: CRMS.hubspot.label,
    // The cheapest call the app's scopes allow: one deal (a key without crm.objects.deals.read is refused here),
    // its answer checked for HubSpot's shape; the doctor also reads companies, notes, owners and currencies.
    verify: () => verifyHubspot(hs, api.call),
    reads: () => hubspotReads(hs, api.call),
    lookup: (id, opts = {}) => lookup(api, id, opts.timeoutMs),
    opportunitiesOn: accounts.opportunitiesOn,
    accountsMatching: (candidates, opts = {}) => companiesMatching(api, candidates, opts),
    states: (ids) => hubspotStates(api, ids, () => stageLabels(api)),
    currency: () => hubspotCurrency(api),
    closedDeals: (from, to, limit) => hubspotClosedDeals(api, { from, to, limit }),
    findActivity: (recordId, activity) => findActivity(api, recordId, activity),
    writeActivity: (recordId, activity) => writeActivity(api, recordId, activity),
    findCreated: (record) => findCreatedDeal(api, record),
    create: (record) => createDeal(api, record),
    async writeFields(recordId, fields: CrmFields) {
      if (Object.keys(fields).length === 0) return;
      await api.call(() => hs.update('deals', recordId, { properties: fields }), true);
    },
    recordUrl() {
      // The portal id is part of a deal's URL and is not known from the key alone: the link the author typed is kept.
      return undefined;
    },
  };
}

async function call<T>(run: () => Promise<T>, write: boolean, ms: number): Promise<T> {
  // The deadline's timer is cancelled once the call answers (its rejection is the race's, already settled).
  const done = new AbortController();
  const deadline = sleep(ms, undefined, { signal: done.signal }).then((): never => {
    throw new CrmError(`HubSpot: no answer within ${ms} ms`, { transient: true, uncertain: write });
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    throw classifyHubspot(error, write);
  } finally {
    done.abort();
  }
}

/** The deal stages' labels by id, across the deal pipelines (kept a while). */
export async function stageLabels(api: HubspotApi): Promise<Map<string, string>> {
  if (api.stages && realTimers.monotonic() - api.stages.at < STAGES_TTL_MS) return api.stages.labels;
  const result = await api.call(() => api.hs.pipelines('deals'), false);
  const labels = new Map<string, string>();
  for (const pipeline of result.results)
    for (const stage of pipeline.stages) labels.set(stage.id, stage.label);
  api.stages = { at: realTimers.monotonic(), labels };
  return labels;
}

async function toRecord(api: HubspotApi, deal: HubspotObject): Promise<CrmRecord> {
  const p = deal.properties;
  let stage = p.dealstage ?? '';
  try {
    stage = (await stageLabels(api)).get(stage) ?? stage;
  } catch (error) {
    api.logger.debug({ err: error }, 'HubSpot pipeline stages not read; showing the stage id');
  }
  return {
    ref: { system: 'hubspot', id: deal.id },
    name: p.dealname ?? `Deal ${deal.id}`,
    stage,
    ...closedState(p),
    ...createdOf(p.createdate),
    closedOn: closedState(p).closed && p.closedate ? p.closedate.slice(0, 10) : null,
  };
}

async function lookup(
  api: HubspotApi,
  id: string,
  timeoutMs: number | undefined,
): Promise<CrmRecord | undefined> {
  try {
    const deal = await api.call(() => api.hs.get('deals', id, DEAL_PROPERTIES), false, timeoutMs);
    return await toRecord(api, deal);
  } catch (error) {
    if (error instanceof CrmError && error.opts.notFound) return undefined;
    throw error;
  }
}

async function findActivity(
  api: HubspotApi,
  recordId: string,
  activity: CrmActivity,
): Promise<string | undefined> {
  await api.searchSlot(api.timeoutMs);
  const result = await api.call(
    () =>
      api.hs.search('notes', {
        // A note on this deal (the search's association filter) whose body holds the event's marker: the same marker
        // on another deal (the handoff linked elsewhere since, another install of the app) is not this write.
        filterGroups: [
          {
            filters: [
              { propertyName: 'associations.deal', operator: 'EQ', value: recordId },
              { propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN', value: activity.marker },
            ],
          },
        ],
        properties: ['hs_note_body'],
        sorts: [],
        limit: 10,
        after: '0',
      }),
    false,
  );
  // The marker as the body ends with it (`ref cosell12e34` is not `ref cosell12e345`).
  const hit = result.results.find((note) =>
    (note.properties.hs_note_body ?? '').includes(`<p>ref ${activity.marker}</p>`),
  );
  if (hit) api.logger.debug({ dealId: recordId, noteId: hit.id }, 'HubSpot note found by its marker');
  return hit?.id;
}

async function writeActivity(api: HubspotApi, recordId: string, activity: CrmActivity): Promise<string> {
  const note = await api.call(
    () =>
      api.hs.create('notes', {
        properties: { hs_timestamp: activity.at.toISOString(), hs_note_body: noteBody(activity) },
        associations: [
          {
            to: { id: recordId },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_DEAL }],
          },
        ],
      }),
    true,
  );
  if (!note?.id)
    throw new CrmError('HubSpot: the answer to a new note has no id', {
      transient: true,
      uncertain: true,
    });
  return note.id;
}
