import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@hubspot/api-client';
import type { Logger } from '../../logger.js';
import { realTimers } from '../../runtime/timers.js';
import { classifyAnswer, HUBSPOT_CODES, hubspotAnswer } from './failures.js';
import {
  createHubspotAccounts,
  createSearchSlots,
  DEAL_PROPERTIES,
  type DealObject,
  type HubspotCall,
  type SearchSlot,
} from './hubspotAccounts.js';
import { hubspotReads, verifyHubspot } from './hubspotChecks.js';
import { companiesMatching } from './hubspotCompanies.js';
import {
  type CrmActivity,
  type CrmConnector,
  CrmError,
  type CrmFields,
  type CrmRecord,
  type CrmStates,
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
/** Deals per batch read: HubSpot's limit. */
const BATCH_READ_MAX = 100;
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

/** What the connector's calls share: the client, the deadline of a call, the search limit, the stage labels. */
interface HubspotApi {
  client: Client;
  call: HubspotCall;
  searchSlot: SearchSlot;
  timeoutMs: number;
  logger: Logger;
  stages?: { at: number; labels: Map<string, string> };
}

/**
 * HubSpot through @hubspot/api-client with a service key (or an existing legacy private app's access token). The client's own retries are off (the
 * outbox owns retries); each call has a deadline, after which a write counts as possibly done.
 */
export function createHubspot(settings: HubspotSettings, logger: Logger): CrmConnector {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const client = new Client({
    accessToken: settings.accessToken,
    basePath: settings.apiUrl.replace(/\/$/, ''),
    numberOfApiCallRetries: 0,
  });
  const api: HubspotApi = {
    client,
    call: (run, write, ms = timeoutMs) => call(run, write, ms),
    // Searches wait for their slot in HubSpot's per-second search limit (hubspotAccounts.ts).
    searchSlot: createSearchSlots(),
    timeoutMs,
    logger,
  };
  const accounts = createHubspotAccounts({ ...api, toRecord: (deal) => toRecord(api, deal) });

  return {
    system: 'hubspot',
    label: 'HubSpot',
    // The cheapest call the app's scopes allow: one deal (a token without crm.objects.deals.read is refused here),
    // its answer checked for HubSpot's shape; the doctor also reads companies and notes (hubspotChecks.ts).
    verify: () => verifyHubspot(client, api.call),
    reads: () => hubspotReads(client, api.call),
    lookup: (id, opts = {}) => lookup(api, id, opts.timeoutMs),
    opportunitiesOn: accounts.opportunitiesOn,
    accountsMatching: (candidates, opts = {}) => companiesMatching(api, candidates, opts),
    states: (ids) => states(api, ids),
    findActivity: (recordId, activity) => findActivity(api, recordId, activity),
    writeActivity: (recordId, activity) => writeActivity(api, recordId, activity),
    async writeFields(recordId, fields: CrmFields) {
      if (Object.keys(fields).length === 0) return;
      await api.call(() => client.crm.deals.basicApi.update(recordId, { properties: fields }), true);
    },
    recordUrl() {
      // The portal id is part of a deal's URL and is not known from the token alone: the link the author typed is kept.
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
    throw classify(error, write);
  } finally {
    done.abort();
  }
}

/** By the HTTP status first, then HubSpot's category (services/crm/failures.ts). */
function classify(error: unknown, write: boolean): CrmError {
  if (error instanceof CrmError) return error;
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
      return new CrmError(`HubSpot refused the access token (${code ?? `HTTP ${status}`})`, opts);
    case 'not_found':
      return new CrmError(`HubSpot: not found (${message})`, opts);
    default:
      return new CrmError(
        status === 403
          ? `HubSpot: the access token lacks a scope${scopes ? ` (it needs ${scopes.join(' or ')})` : ''}: ${message}`
          : `HubSpot: HTTP ${status}: ${message}`,
        opts,
      );
  }
}

async function stageLabels(api: HubspotApi): Promise<Map<string, string>> {
  if (api.stages && realTimers.monotonic() - api.stages.at < STAGES_TTL_MS) return api.stages.labels;
  const result = await api.call(() => api.client.crm.pipelines.pipelinesApi.getAll('deals'), false);
  const labels = new Map<string, string>();
  for (const pipeline of result.results)
    for (const stage of pipeline.stages) labels.set(stage.id, stage.label);
  api.stages = { at: realTimers.monotonic(), labels };
  return labels;
}

function closedState(p: Record<string, string | null>) {
  const won = p.hs_is_closed_won === 'true' || p.dealstage === 'closedwon';
  const closed = won || p.hs_is_closed === 'true' || p.dealstage === 'closedlost';
  return { closed, won };
}

async function toRecord(api: HubspotApi, deal: DealObject): Promise<CrmRecord> {
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
    const deal = await api.call(
      () => api.client.crm.deals.basicApi.getById(id, DEAL_PROPERTIES),
      false,
      timeoutMs,
    );
    return await toRecord(api, deal as DealObject);
  } catch (error) {
    if (error instanceof CrmError && error.opts.notFound) return undefined;
    throw error;
  }
}

async function states(api: HubspotApi, ids: readonly string[]): Promise<CrmStates> {
  const states: CrmStates = new Map();
  for (let i = 0; i < ids.length; i += BATCH_READ_MAX) {
    const inputs = ids.slice(i, i + BATCH_READ_MAX).map((id) => ({ id }));
    const result = await api.call(
      () =>
        api.client.crm.deals.batchApi.read({
          inputs,
          properties: ['dealstage', 'hs_is_closed', 'hs_is_closed_won', 'createdate'],
          propertiesWithHistory: [],
        }),
      false,
    );
    for (const deal of result.results as DealObject[]) {
      states.set(deal.id, {
        ...closedState(deal.properties),
        ...createdOf(deal.properties.createdate),
      });
    }
  }
  return states;
}

async function findActivity(
  api: HubspotApi,
  recordId: string,
  activity: CrmActivity,
): Promise<string | undefined> {
  await api.searchSlot(api.timeoutMs);
  const result = await api.call(
    () =>
      api.client.crm.objects.notes.searchApi.doSearch({
        // A note on this deal (the search's association filter) whose body holds the event's marker: the same marker
        // on another deal (the handoff linked elsewhere since, another install of the app) is not this write.
        filterGroups: [
          {
            filters: [
              { propertyName: 'associations.deal', operator: 'EQ' as never, value: recordId },
              {
                propertyName: 'hs_note_body',
                operator: 'CONTAINS_TOKEN' as never,
                value: activity.marker,
              },
            ],
          },
        ],
        properties: ['hs_note_body'],
        limit: 10,
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
      api.client.crm.objects.notes.basicApi.create({
        properties: { hs_timestamp: activity.at.toISOString(), hs_note_body: noteBody(activity) },
        associations: [
          {
            to: { id: recordId },
            types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: NOTE_TO_DEAL }],
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
