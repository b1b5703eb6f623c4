import { expect } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { acceptHandoff, type StepTyped } from './acceptFlow.js';
import type { RecordedCall, StoredMessage } from './fakeSlack.js';
import { type Harness, SIGNING_SECRET, waitFor } from './harness.js';
import { parseCsv } from './metrics-csv.js';
import { appHomeOpened, blockAction, declineSubmission } from './payloads.js';
import { people, TEAM } from './people.js';
import { postEvent } from './signing.js';

/**
 * RevOps tests (App Home by role, CSV export, weekly digest): helpers that act as Slack would, and read back what
 * the fake Slack recorded.
 */

/** Cron schedules that never fire in a test (1 January, midnight): the tests drive the sweep and the digest. */
export const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *', DIGEST_SCHEDULE: '0 0 1 1 *' };

/** RevOps (REVOPS_USER_IDS) is Mo; the admin (ADMIN_USER_IDS) is Olu. */
export const revopsUser = { id: people.member.id, team_id: TEAM };
export const adminUser = { id: people.owner.id, team_id: TEAM };
export const ROLES = { REVOPS_USER_IDS: people.member.id, ADMIN_USER_IDS: people.owner.id };

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type Block = {
  type: string;
  block_id?: string;
  text?: { text?: string };
  fields?: { text: string }[];
  elements?: {
    type: string;
    action_id?: string;
    value?: string;
    initial_option?: { value: string };
    text?: { text?: string };
  }[];
  slack_file?: { id?: string };
  alt_text?: string;
};

/** Every views.publish call the fake received (also the refused ones), in order. */
export const publishCalls = (h: Harness) => h.slack.calls.filter((c) => c.method === 'views.publish');

/** Every Web API call of one method, ok or not. */
export const allCallsTo = (h: Harness, method: string) => h.slack.calls.filter((c) => c.method === method);

/**
 * Waits for the next views.publish (after `before` of them) to be answered, and returns it; with `userId`, the next
 * one to that person's Home (another Home may be republished meanwhile, after a change it shows).
 */
export async function nextPublish(
  h: Harness,
  before: number,
  what = 'views.publish',
  userId?: string,
): Promise<RecordedCall> {
  return waitFor(
    () => {
      const later = publishCalls(h).slice(before);
      const call = userId === undefined ? later[0] : later.find((c) => c.args.user_id === userId);
      return call && call.status !== 0 ? call : undefined;
    },
    8000,
    what,
  );
}

let eventCounter = 0;

/** The person opens the App Home (a signed app_home_opened event); resolves with the answered publish call. */
export async function openHome(h: Harness, userId: string): Promise<RecordedCall> {
  const before = publishCalls(h).length;
  eventCounter += 1;
  const response = await postEvent(
    h.eventsUrl,
    SIGNING_SECRET,
    appHomeOpened(userId, `EvRevops${eventCounter}`),
  );
  expect(response.status).toBe(200);
  // The first publish to this person's Home after the event: a change committed before the open may still be
  // expanding (db/repositories/changes.ts) and republish another opened Home meanwhile, which is not this one's.
  return nextPublish(h, before, `the App Home of ${userId}`, userId);
}

export const viewOf = (call: RecordedCall | undefined) =>
  (call?.args.view ?? {}) as { type: string; private_metadata?: string; blocks: Block[] };

export const blocksOf = (call: RecordedCall | undefined) => viewOf(call).blocks ?? [];

/** Every button and select of a list of blocks: action id, value, block id. */
export function elementsOf(blocks: readonly Block[]) {
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => ({ ...e, blockId: b.block_id })));
}

/** The headline section: its fields as label → value. */
export function headlineFields(blocks: readonly Block[]): Record<string, string> {
  const section = blocks.find((b) => b.type === 'section' && (b.fields?.length ?? 0) > 0);
  return Object.fromEntries(
    (section?.fields ?? []).map((f) => {
      const [label = '', ...rest] = f.text.split('\n');
      return [label.replace(/^\*|\*$/g, ''), rest.join('\n')];
    }),
  );
}

/** The headline's fields as RevOps read them, in order: each says in one italic line how it is counted. */
export function expectHeadline(blocks: readonly Block[]): Record<string, string> {
  const fields = headlineFields(blocks);
  expect(Object.keys(fields)).toEqual([
    'Handoffs sent',
    'AE requests',
    'AE windows closed',
    'Acceptance rate',
    'Silence rate',
    'Time to decision',
    'Repeat use',
    'AE requests for partner help',
    'Average packet score',
    'Outcomes recorded',
  ]);
  for (const text of Object.values(fields)) expect(text).toMatch(/\n_[^_\n]+_$/);
  return fields;
}

/** A headline figure without its definition (the one italic line under it). */
export const headlineFigure = (blocks: readonly Block[], label: string) =>
  headlineFields(blocks)[label]?.split('\n').slice(0, -1).join('\n');

export const imageBlocks = (blocks: readonly Block[]) => blocks.filter((b) => b.type === 'image');

/**
 * The App Home's trend table (its week lines), each as [week of, sent, accepted, declined, expired, acceptance]:
 * the Home shows the trend as figures, not as a chart image (see blocks/metrics.ts trendTable).
 */
export const trendRows = (blocks: readonly Block[]) =>
  blocks
    .flatMap((b) => (b.type === 'section' && b.text?.text?.includes('```') ? b.text.text.split('\n') : []))
    .filter((line) => /^\d{4}-\d\d-\d\d /.test(line))
    .map((line) => line.trim().split(/\s+/));

export const sectionTexts = (blocks: readonly Block[]) =>
  blocks.flatMap((b) => (b.type === 'section' && b.text?.text ? [b.text.text] : []));

/** A click in the App Home: Slack sends the view instead of a message, and no response_url. */
export function homeClick(
  actionId: string,
  value: string,
  user: { id: string; team_id: string },
  privateMetadata = '',
) {
  const {
    response_url: _none,
    channel: _channel,
    message: _message,
    ...rest
  } = blockAction({ actionId, value, user });
  return {
    ...rest,
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', type: 'home', blocks: [], private_metadata: privateMetadata },
  };
}

/** RevOps pick a period in the App Home's static select. */
export function homePeriodSelect(
  period: string,
  user: { id: string; team_id: string },
  privateMetadata = '',
) {
  const click = homeClick(ACTION_ID.homePeriod, period, user, privateMetadata);
  return {
    ...click,
    actions: [
      {
        type: 'static_select',
        action_id: ACTION_ID.homePeriod,
        block_id: 'home_revops',
        selected_option: { text: { type: 'plain_text', text: period }, value: period },
        action_ts: '1700000001.000200',
      },
    ],
  };
}

const aeUser = { id: people.ae.id, team_id: TEAM };

/**
 * The AE clicks Accept in the DM the app sent them, and submits the accept modal with its defaults (or what `typed`
 * changes: a first step due today keeps the deal's stall nudge on its quiet period alone).
 */
export async function acceptInDm(h: Harness, handoff: HandoffRow, dm: StoredMessage, typed?: StepTyped) {
  expect(
    await acceptHandoff(h, {
      handoffId: handoff.id,
      user: aeUser,
      channelId: dm.channel,
      messageTs: dm.ts,
      responseUrl: h.slack.responseUrl({ channel: dm.channel, ts: dm.ts }),
      ...(typed ? { typed } : {}),
    }),
  ).toEqual({});
}

/** The AE clicks Decline in the DM, then submits the reason modal. */
export async function declineInDm(
  h: Harness,
  handoff: HandoffRow,
  dm: StoredMessage,
  reason: string,
  note?: string,
) {
  const opened = h.slack.callsTo('views.open').length;
  const click = await h.interact(
    blockAction({
      actionId: ACTION_ID.decline,
      value: String(handoff.id),
      user: aeUser,
      channelId: dm.channel,
      messageTs: dm.ts,
      triggerId: h.slack.issueTriggerId(),
      responseUrl: h.slack.responseUrl({ channel: dm.channel, ts: dm.ts }),
    }),
  );
  expect(click.status).toBe(200);
  await waitFor(() => h.slack.callsTo('views.open').length > opened, 4000, 'the decline modal');
  const submit = await h.interact(
    declineSubmission({ handoffId: handoff.id, reason, user: aeUser, ...(note ? { note } : {}) }),
  );
  expect(submit.status).toBe(200);
}

/** CSV text to objects keyed by the header row. */
export function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...records] = parseCsv(text);
  for (const r of records) expect(r).toHaveLength(header.length);
  return {
    header,
    rows: records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? '']))),
  };
}

/** The text of the touch log file uploaded into a DM, by its completion call. */
export function uploadedCsv(
  h: Harness,
  completion: RecordedCall,
): { fileId: string; name: string; text: string } {
  const [entry] = completion.args.files as { id: string }[];
  const file = h.slack.file(entry?.id ?? '');
  if (!file) throw new Error('the uploaded file is missing');
  expect(file.completed).toBe(true);
  return { fileId: file.id, name: file.name, text: file.bytes.toString('utf8') };
}

const completions = (h: Harness) => h.slack.callsTo('files.completeUploadExternal');
export const exportFailures = (h: Harness) => h.logs.filter((l) => l.msg === 'touch log export failed');

/**
 * Does `action` and waits for the CSV upload it starts (its files.completeUploadExternal); fails at once, with the
 * app's error, when the export failed instead.
 */
export async function uploadOf(h: Harness, action: () => Promise<unknown>): Promise<RecordedCall> {
  const done = completions(h).length;
  const failed = exportFailures(h).length;
  await action();
  const deadline = Date.now() + 8000;
  for (;;) {
    // The export is the completion shared into a channel (the requester's DM).
    const completion = completions(h)
      .slice(done)
      .find((c) => typeof c.args.channel_id === 'string');
    if (completion) return completion;
    const failure = exportFailures(h)[failed];
    if (failure) throw new Error(`the export failed: ${JSON.stringify(failure.err)}`);
    if (Date.now() > deadline) throw new Error('timed out waiting for the CSV upload');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
