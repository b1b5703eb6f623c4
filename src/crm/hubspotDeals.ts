import type { HubspotCall, SearchSlot } from './hubspotAccounts.js';
import type { HubspotApiCalls, HubspotPipeline } from './hubspotApi.js';
import { carriesMarker } from './newRecord.js';
import { CrmError, type CrmNewRecord } from './types.js';

/** HubSpot's association type for a deal on a company (HUBSPOT_DEFINED). */
const DEAL_TO_COMPANY = 5;

interface Deps {
  hs: HubspotApiCalls;
  call: HubspotCall;
  searchSlot: SearchSlot;
  timeoutMs: number;
}

/** The pipeline a new deal goes in ("default", else the first) and its first open stage, by display order. */
export function firstOpenStage(
  pipelines: readonly HubspotPipeline[],
): { pipeline: string; stage: string } | undefined {
  const ordered = [...pipelines].sort((a, b) => a.displayOrder - b.displayOrder);
  const pipeline = ordered.find((p) => p.id === 'default') ?? ordered[0];
  const stage = [...(pipeline?.stages ?? [])]
    .filter((s) => !s.archived && s.metadata?.isClosed !== 'true')
    .sort((a, b) => a.displayOrder - b.displayOrder)[0];
  return pipeline && stage ? { pipeline: pipeline.id, stage: stage.id } : undefined;
}

/**
 * POST objects/deals: the deal in the first open stage of the default pipeline, closing on the record's day, at the
 * estimate, associated with the matched company in the same call (needs `crm.objects.deals.write`).
 */
export async function createDeal(deps: Deps, record: CrmNewRecord): Promise<string> {
  const pipelines = await deps.call(() => deps.hs.pipelines('deals'), false);
  const first = firstOpenStage(pipelines.results);
  if (!first)
    throw new CrmError('HubSpot: the deal pipeline has no open stage to start a deal in', {
      transient: false,
    });
  const deal = await deps.call(
    () =>
      deps.hs.create('deals', {
        properties: {
          dealname: record.name,
          pipeline: first.pipeline,
          dealstage: first.stage,
          closedate: `${record.closeDate}T00:00:00.000Z`,
          description: record.description,
          ...(record.amount === null ? {} : { amount: String(record.amount) }),
        },
        associations:
          record.accountId === null
            ? []
            : [
                {
                  to: { id: record.accountId },
                  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: DEAL_TO_COMPANY }],
                },
              ],
      }),
    true,
  );
  if (!deal?.id)
    throw new CrmError('HubSpot: the answer to a new deal has no id', { transient: true, uncertain: true });
  return deal.id;
}

/** The deal created earlier with this one's marker: by its exact name, then the marker's line in its description. */
export async function findCreatedDeal(deps: Deps, record: CrmNewRecord): Promise<string | undefined> {
  await deps.searchSlot(deps.timeoutMs);
  const result = await deps.call(
    () =>
      deps.hs.search('deals', {
        filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: record.name }] }],
        properties: ['dealname', 'description'],
        sorts: [],
        limit: 50,
        after: '0',
      }),
    false,
  );
  return result.results.find((deal) => carriesMarker(deal.properties.description, record.marker))?.id;
}
