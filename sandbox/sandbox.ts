/**
 * The local sandbox: the real app (Bolt's HTTP receiver, real request signing, a real SQLite file) against the fake
 * Slack Web API of the tests, seeded with a small workspace, plus a web page on localhost that plays Slack's part:
 * it shows each person's DMs, channels, App Home and modals from what the app really sent, and turns clicks and
 * submissions into the signed payloads Slack would send. A fake Salesforce (the tests' too) is the app's CRM: the
 * page shows its opportunities with the Tasks the app wrote, and closes them won or lost as a seller would.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { build } from 'esbuild';
import { DateTime } from 'luxon';
import type { Clock } from '../src/clock.js';
import { awayOf } from '../src/compose/types.js';
import { type RunningApp, startHandoffApp } from '../src/compose.js';
import { type Config, loadConfig } from '../src/config.js';
import { type AppDatabase, openDatabase } from '../src/db/client.js';
import { firstInstallationOf } from '../src/db/owned.js';
import { nextDueAt } from '../src/db/repositories/dueTimes.js';
import { bindWorkspace, ensurePartner } from '../src/db/repositories/partners.js';
import { handoffs } from '../src/db/schema.js';
import { sqliteStorage } from '../src/db/storage.js';
import { type AwayRules, awayFrom } from '../src/domain/absence.js';
import { isBusinessDay } from '../src/domain/businessDays.js';
import { holidayCalendar } from '../src/domain/holidays.js';
import { OUTCOME_LABEL } from '../src/domain/outcomes.js';
import { createLogger } from '../src/logger.js';
import { FakeSalesforce, type FakeSalesforceTask } from '../test/support/fakeSalesforce.js';
import { FakeSlack, type FakeView, type StoredMessage } from '../test/support/fakeSlack.js';
import { postEvent, postInteraction, postSlashCommand } from '../test/support/signing.js';
import {
  PARTNER_TEAM,
  type Role,
  type SandboxUser,
  sandboxChannels,
  sandboxMessages,
  sandboxOpportunities,
  sandboxTeams,
  sandboxUsers,
  TEAM,
} from './cast.js';
import { ClockJobs, settleOutbox } from './clockJobs.js';
import { MANIFEST_FILE, MessageActions, readMessageShortcuts, seedMessages } from './messageActions.js';
import {
  addSandboxCurrencies,
  moneyForPanel,
  opportunityChange,
  panelChoices,
  polledMessage,
  SANDBOX_CORPORATE,
  savedMessage,
} from './salesforcePanel.js';
import { SlackSide } from './slackSide.js';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));
const APP_ID = 'A0SANDBOX';
/** Largest request body the page may send (a modal's state is a few kilobytes). */
const MAX_BODY_BYTES = 1_000_000;
/** How often the app reads closed deals back from the fake Salesforce (CRM_POLL_SECONDS), in seconds. */
const CRM_POLL_SECONDS = 60;
/** Where a person would open an opportunity in Salesforce (the fake has no pages): what they paste in a packet. */
const lightningUrl = (id: string) => `https://sandbox.lightning.force.com/lightning/r/Opportunity/${id}/view`;
/**
 * The sandbox's escalation policy file (ESCALATION_POLICY_FILE): a pool of the cast's two AEs, and for Meridian a
 * reminder at half the window, the owner and #partner-marketing at the due time, and a reassignment to the pool 4
 * business hours later; after the Accept (issue 51), the AE reminded the business day before their first step, asked
 * on its date, the owner told a business day later and the deal taken back to the pool a business day after that.
 * Other partners (Tailspin, a new one typed in a packet) follow the default policy (no take-back).
 */
export const SANDBOX_POLICY_FILE = fileURLToPath(new URL('./policies.json', import.meta.url));
/**
 * "Next due" looks this far ahead at most. It skips what is due within the next minute (a post paced a second after
 * another, say): that happens on its own, as the sandbox clock runs on real time between moves.
 */
const NEXT_DUE_WITHIN_DAYS = 60;
const NEXT_DUE_AFTER_MS = 60_000;
/** Slack's limit on a status text. */
const STATUS_TEXT_MAX = 100;
/** An emoji code as Slack writes it in a status (`:palm_tree:`). */
const EMOJI_CODE = /^:[a-z0-9_+'-]{1,60}:$/;

/** Real time, moved forward by the clock control. */
export class SandboxClock implements Clock {
  private offsetMs: number;
  /** Business days the clock control has moved, for the page. */
  businessDays = 0;
  /** Moves to what was next due ("Next due"), for the page. */
  jumps = 0;
  /** Starts at `startAt` (default: now), then runs with real time. */
  private readonly initialOffset: number;
  constructor(startAt?: Date) {
    this.offsetMs = startAt ? startAt.getTime() - Date.now() : 0;
    this.initialOffset = this.offsetMs;
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
    this.offsets.push({ from: Date.now(), offset: this.offsetMs });
  }
  /** The offsets the clock had, each from the real time it was set (the first: from the start). */
  private readonly offsets: { from: number; offset: number }[] = [];
  /**
   * The sandbox time at a real time (ms) now past: what the clock read then. The fake Slack stamps its calls and
   * response_url answers in real time; the page places ephemerals among messages (stamped in sandbox time) by this.
   */
  at(realMs: number): number {
    let offset = this.initialOffset;
    for (const o of this.offsets) if (o.from <= realMs) offset = o.offset;
    return realMs + offset;
  }
  get offset(): number {
    return this.offsetMs;
  }
}

export interface SandboxOptions {
  /** Port of the web page; 0 for any free one. */
  port?: number;
  databasePath: string;
  /** Extra settings for the app (see .env.example). */
  env?: Record<string, string>;
  /** Log lines of the app go here (default: stdout at LOG_LEVEL). */
  logSink?: NodeJS.WritableStream;
  /** The sandbox time at start (default: now): a replay starts on a chosen day, such as a Sunday evening. */
  startAt?: Date;
  /** The app manifest whose message shortcuts the page offers (default: the repository's manifest.json). */
  manifestFile?: string;
}

export interface Sandbox {
  url: string;
  slack: FakeSlack;
  /** The app's CRM: a fake Salesforce seeded with the opportunities of cast.ts. */
  salesforce: FakeSalesforce;
  /** The 18-character ids of the seeded opportunities, in the order of `sandboxOpportunities`. */
  opportunityIds: string[];
  app: RunningApp;
  database: AppDatabase;
  clock: SandboxClock;
  /** The app's scheduled jobs, fired on the sandbox clock (see clockJobs.ts). */
  jobs: ClockJobs;
  /** Moves the clock N business days ahead (same local time), running every job due on the way. */
  advanceBusinessDays(days: number): Promise<void>;
  /**
   * Moves the clock to the next moment something is due in the app (a reminder, a check-in, an expiry, a policy's
   * step, a post kept for an AE's morning), running it; the moment moved to, or undefined when nothing is due within
   * NEXT_DUE_WITHIN_DAYS (the clock stays).
   */
  advanceToNextDue(): Promise<Date | undefined>;
  /** Closes an opportunity won or lost in the fake Salesforce, then has the app read closed deals back at once. */
  closeOpportunity(id: string, won: boolean): Promise<ClosedOpportunity>;
  /** People's messages and the app's message shortcuts (messageActions.ts); `sent`: the shortcuts sent to the app. */
  messageActions: MessageActions;
  stop(): Promise<void>;
}

/** A handoff linked to an opportunity, as the Salesforce panel names it. */
export interface LinkedHandoff {
  id: number;
  account: string;
  status: string;
  outcome: string | null;
}

/** What closing an opportunity did: the handoffs linked to it afterwards, and a sentence for the page. */
export interface ClosedOpportunity {
  opportunity: string;
  stage: string;
  handoffs: LinkedHandoff[];
  message: string;
}

interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  at: number;
}

type Json = Record<string, unknown>;

const userById = (id: string): SandboxUser | undefined =>
  Object.values(sandboxUsers).find((u) => u.id === id);

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  // Slack's own limits, trigger ids' 3 seconds included: the sandbox must not hide a slow views.open.
  // Slack's rate limits on, as in a real workspace: a person clicking around never meets them, the app's pacing neither.
  const slack = await FakeSlack.start({ teamId: TEAM, fileProcessingCalls: 0, rateLimits: true });
  // Made fresh each run: the app's receiver listens on a random port, and nobody else can sign for it.
  const SIGNING_SECRET = randomBytes(24).toString('hex');
  for (const user of Object.values(sandboxUsers)) slack.addUser(user);
  for (const team of sandboxTeams) slack.addTeam(team);
  for (const channel of Object.values(sandboxChannels)) {
    slack.addChannel({ ...channel, members: [...channel.members, slack.botUserId] });
  }
  const clock = new SandboxClock(opts.startAt);
  // Statuses expire on the sandbox clock: "back on Monday" is Monday in sandbox time, as the app reads it.
  slack.now = () => clock.now().getTime();
  // What people wrote before the sandbox started: Dana's deal in #ext-meridian, a thread in #partner-marketing.
  seedMessages(slack, sandboxMessages, clock.now().getTime());
  // The fake Salesforce stamps Tasks with the sandbox clock, so they read at the time of the change that wrote them;
  // the seeded opportunities with a creation date of some weeks back, as a real pipeline's (the review's attribution
  // reads it).
  let seedingAt: number | undefined;
  // A multi-currency org (USD corporate, EUR and GBP at fixed rates): the Money section converts what it reads.
  const salesforce = await FakeSalesforce.start({
    now: () => seedingAt ?? clock.now().getTime(),
    multiCurrency: true,
    currency: SANDBOX_CORPORATE,
  });
  addSandboxCurrencies(salesforce);
  const ownerIds = salesforceOwners(salesforce);
  const startDay = DateTime.fromJSDate(clock.now(), { zone: 'America/New_York' });
  const opportunityIds = sandboxOpportunities.map((o) => {
    seedingAt = clock.now().getTime() - o.createdDaysAgo * 86_400_000;
    const { owner, ...fields } = o.account;
    const accountId = salesforce.addAccount({ ...fields, ...(owner ? { ownerId: ownerIds(owner) } : {}) });
    return salesforce.addOpportunity({
      name: o.name,
      stageName: o.stageName,
      amount: o.amount,
      accountId,
      closeDate: startDay.plus({ days: o.closesInDays }).toISODate() ?? undefined,
      ...(o.currency ? { currencyIsoCode: o.currency } : {}),
    });
  });
  seedingAt = undefined;
  const config: Config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DATABASE_PATH: opts.databasePath,
    LOG_LEVEL: 'info',
    ADMIN_USER_IDS: sandboxUsers.admin.id,
    REVOPS_USER_IDS: sandboxUsers.admin.id,
    ESCALATION_CHANNEL_ID: sandboxChannels.internal.id,
    DIGEST_CHANNEL_ID: sandboxChannels.internal.id,
    PARTNER_HELP_CHANNEL_ID: sandboxChannels.internal.id,
    DEFAULT_TIMEZONE: 'America/New_York',
    OUTBOX_POLL_INTERVAL_MS: '200',
    // A sandbox started by a test runs on real time, whatever the day and hour: what the app sends on its own goes at
    // once there. `npm run sandbox` (main.ts) waits for each reader's working hours, as an install does.
    SEND_OUTSIDE_WORKING_HOURS: 'true',
    SALESFORCE_LOGIN_URL: salesforce.loginUrl,
    SALESFORCE_CLIENT_ID: salesforce.clientId,
    SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
    CRM_POLL_SECONDS: String(CRM_POLL_SECONDS),
    ESCALATION_POLICY_FILE: SANDBOX_POLICY_FILE,
    ...opts.env,
    // The app's receiver on this machine only, as the page and the fakes: nothing of the sandbox is on the network.
    HOST: '127.0.0.1',
  });
  const database: AppDatabase = openDatabase(config.databasePath);
  await seedPartnerDirectory(database, clock.now());
  const logger = createLogger(config.logLevel, opts.logSink ?? process.stdout);
  const app = await startHandoffApp({
    config,
    db: database.db,
    storage: sqliteStorage(database),
    clock,
    logger,
  });
  // node-cron fires the jobs on real time; the sandbox fires them on its own clock instead (clockJobs.ts).
  await app.scheduler.stop();
  const jobs = new ClockJobs(app.scheduler, clock, {
    nextDue: (after) => nextDueAt(firstInstallationOf(database.db), after),
    // Until nothing is due, not one look: posts due at one moment go out before the clock moves on.
    settle: () => settleOutbox(app.outbox),
  });
  jobs.start();
  const appPort = app.port;
  const eventsUrl = `http://127.0.0.1:${appPort}/slack/events`;
  // Slack's events about what people do (a status set, the app removed from a channel, the app uninstalled) come from
  // the fake Slack itself, signed, as Slack sends them (slackSide.ts).
  slack.subscribeEvents(eventsUrl, SIGNING_SECRET);
  const slackSide = new SlackSide(slack, `http://127.0.0.1:${appPort}/healthz`);

  const script = await build({
    entryPoints: [join(WEB, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    sourcemap: 'inline',
  });
  const appJs = script.outputFiles[0]?.text ?? '';

  const awayRules = awayOf(app.program.settings);
  const state = new PageState(slack, (user) => slackStatusFor(slack, user, clock.now(), awayRules));
  // The clock's business days are New York's (DEFAULT_TIMEZONE): by default US public holidays such as Thanksgiving are
  // skipped, as the app skips each AE's own country's (HOLIDAY_REGIONS).
  const isClosed = holidayCalendar(config.calendar.holidayRegions, config.calendar.closureDates);
  let eventCounter = 0;
  const messageActions = new MessageActions({
    slack,
    shortcuts: readMessageShortcuts(opts.manifestFile ?? MANIFEST_FILE),
    trigger: (userId) => state.trigger(userId),
    responseUrl: (userId, channel) => state.responseUrl(userId, channel),
    channelName: (id) => state.channelName(id),
    send: (payload) => postInteraction(eventsUrl, SIGNING_SECRET, payload),
  });

  /**
   * Moves the clock N business days (same local time, weekends and holidays skipped), running every scheduled job
   * that would have run on the way (the digest at its Monday slot, the sweep), as clockJobs.ts describes.
   */
  let moving: Promise<unknown> = Promise.resolve();
  /**
   * One move at a time, each from where the last one left the clock: two clicks in a row are two moves. (Each used to
   * count its days from the clock as it was when clicked, before the move under way had ended, so three clicks moved
   * the clock one day and the page said 3.)
   */
  function advanceBusinessDays(days: number): Promise<void> {
    const next = moving.then(() => moveBusinessDays(days));
    moving = next.catch(() => undefined);
    return next;
  }

  /** The next moment something is due (to the minute the sweep runs at), within NEXT_DUE_WITHIN_DAYS; else undefined. */
  async function nextDue(): Promise<Date | undefined> {
    const now = clock.now().getTime();
    const due = await nextDueAt(firstInstallationOf(database.db), new Date(now + NEXT_DUE_AFTER_MS));
    if (!due || due.getTime() > now + NEXT_DUE_WITHIN_DAYS * 86_400_000) return undefined;
    return new Date(Math.ceil(due.getTime() / 60_000) * 60_000);
  }

  /** "Next due": one move, like the others (after the one under way), to the next moment something is due. */
  function advanceToNextDue(): Promise<Date | undefined> {
    const next = moving.then(async () => {
      const at = await nextDue();
      if (!at) return undefined;
      await jobs.advanceTo(at);
      clock.jumps += 1;
      return at;
    });
    moving = next.catch(() => undefined);
    return next;
  }

  async function moveBusinessDays(days: number): Promise<void> {
    const calendar = {
      timeZone: app.program.settings.get('defaultTimeZone'),
      dayStart: app.program.settings.get('businessDayStart'),
      dayEnd: app.program.settings.get('businessDayEnd'),
      isHoliday: isClosed,
    };
    let at = DateTime.fromJSDate(clock.now(), { zone: calendar.timeZone });
    for (let counted = 0; counted < days; ) {
      at = at.plus({ days: 1 });
      if (isBusinessDay(at, calendar)) counted += 1;
    }
    await jobs.advanceTo(at.toJSDate());
    clock.businessDays += days;
  }

  /**
   * The opportunities the panel shows: the seeded ones first, then those created since (the app creates one at an
   * accept when the AE asks it to).
   */
  const panelOpportunityIds = () => [
    ...opportunityIds,
    ...salesforce
      .allOpportunities()
      .map((o) => String(o.Id))
      .filter((id) => !opportunityIds.includes(id)),
  ];
  /** An opportunity's 18-character id, from its 18- or 15-character id. */
  const opportunityId = (id: string) => panelOpportunityIds().find((o) => o === id || o.slice(0, 15) === id);

  function linkedHandoffs(id: string): LinkedHandoff[] {
    return database.db
      .select({
        id: handoffs.id,
        account: handoffs.accountName,
        status: handoffs.status,
        outcome: handoffs.outcome,
      })
      .from(handoffs)
      .where(and(eq(handoffs.crmSystem, 'salesforce'), eq(handoffs.crmRecordId, id)))
      .orderBy(handoffs.id)
      .all();
  }

  /**
   * Closes the opportunity in the fake Salesforce, then runs the app's read-back at once, as its next poll would
   * (nobody waits a minute in front of the page).
   */
  async function closeOpportunity(id: string, won: boolean): Promise<ClosedOpportunity> {
    // A seller closing a deal dates it today (their day), so it counts in the period it closed in.
    const today = DateTime.fromJSDate(clock.now(), {
      zone: app.program.settings.get('defaultTimeZone'),
    }).toISODate();
    if (today) salesforce.changeOpportunity(id, { closeDate: today });
    salesforce.closeOpportunity(id, { won });
    await app.crmReadBack.poll();
    const linked = linkedHandoffs(id);
    const stage = String(salesforce.opportunity(id)?.StageName ?? '');
    return { opportunity: id, stage, handoffs: linked, message: closedMessage(stage, won, linked) };
  }

  /** The fake Salesforce as the page shows it: each opportunity with its Tasks and the handoffs linked to it. */
  function salesforcePanel(user: SandboxUser) {
    const tasks = salesforce.tasks();
    return {
      ...panelChoices(salesforce),
      opportunities: panelOpportunityIds().flatMap((id) => {
        const o = salesforce.opportunity(id);
        if (!o) return [];
        return [
          {
            id,
            name: String(o.Name ?? ''),
            stage: String(o.StageName ?? ''),
            ...moneyForPanel(salesforce, o),
            /** The day it was created (its age decides the handoff's attribution). */
            createdOn: String(o.CreatedDate ?? '').slice(0, 10),
            closed: o.IsClosed === true,
            won: o.IsWon === true,
            lightningUrl: lightningUrl(id),
            handoffs: linkedHandoffs(id),
            tasks: tasks.filter((t) => t.WhatId === id).map((t) => taskForPage(t, user)),
          },
        ];
      }),
    };
  }

  const userPayload = (user: SandboxUser) => ({
    id: user.id,
    username: user.name,
    name: user.name,
    team_id: user.team_id,
  });
  const teamPayload = (user: SandboxUser) => ({
    id: user.team_id,
    domain: user.team_id === PARTNER_TEAM ? 'meridian' : 'acme',
  });

  async function command(user: SandboxUser, channel: string, line: string) {
    const [command = '', ...rest] = line.trim().split(/\s+/);
    const trigger = state.trigger(user.id);
    const responseUrl = state.responseUrl(user.id, channel);
    const response = await postSlashCommand(eventsUrl, SIGNING_SECRET, {
      token: 'sandbox-verification-token',
      team_id: user.team_id,
      team_domain: teamPayload(user).domain,
      channel_id: channel,
      channel_name: state.channelName(channel),
      user_id: user.id,
      user_name: user.name,
      command,
      text: rest.join(' '),
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: trigger,
    });
    await state.ackBody(response, user.id, channel);
    return { status: response.status };
  }

  async function action(user: SandboxUser, body: Json) {
    const where = body.where as Json;
    const act = { ...(body.action as Json), action_ts: (Date.now() / 1000).toFixed(6) };
    const base = {
      type: 'block_actions',
      user: userPayload(user),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      team: teamPayload(user),
      enterprise: null,
      is_enterprise_install: false,
      actions: [act],
    };
    let payload: Json;
    if (where.kind === 'view') {
      const viewId = String(where.viewId);
      const view = slack.view(viewId);
      if (!view) return { error: 'view_not_found' };
      payload = {
        ...base,
        container: { type: 'view', view_id: viewId },
        trigger_id: state.trigger(user.id, view.type === 'modal' ? viewId : undefined),
        view: { ...view, state: { values: (body.values as Json) ?? {} } },
      };
    } else {
      const channel = String(where.channel);
      const ts = String(where.ts);
      const ephemeral = where.ephemeral === true;
      const message = slack.messagePayload(channel, ts);
      if (!ephemeral && !message) return { error: 'message_not_found' };
      payload = {
        ...base,
        container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: ephemeral },
        trigger_id: state.trigger(user.id),
        channel: { id: channel, name: state.channelName(channel) },
        ...(message ? { message } : {}),
        state: { values: {} },
        response_url: state.responseUrl(user.id, channel, ephemeral ? undefined : ts),
      };
    }
    const response = await postInteraction(eventsUrl, SIGNING_SECRET, payload);
    return { status: response.status };
  }

  async function submit(user: SandboxUser, body: Json) {
    const viewId = String(body.viewId);
    const view = slack.view(viewId);
    if (!view) return { error: 'view_not_found' };
    const payload = {
      type: 'view_submission',
      team: teamPayload(user),
      user: userPayload(user),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      trigger_id: state.trigger(user.id, viewId),
      view: { ...view, state: { values: (body.values as Json) ?? {} } },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const response = await postInteraction(eventsUrl, SIGNING_SECRET, payload);
    const text = await response.text();
    // Anything but a 200 with a JSON body (or none) is a failure Slack shows on the modal, which stays as it was.
    if (response.status !== 200) return { status: response.status };
    let answer: Json;
    try {
      answer = (text ? JSON.parse(text) : {}) as Json;
    } catch {
      return {
        status: response.status,
        error: 'The app answered the submission with something other than JSON.',
      };
    }
    // Slack applies the answer to the modal's stack: errors keep the view, update replaces it, push stacks a view
    // on it, clear closes them all, an empty answer closes the submitted view.
    const outcome = slack.answerViewSubmission(viewId, answer);
    if (!outcome.ok) return { status: response.status, error: outcome.error };
    if (outcome.action === 'errors') return { status: response.status, errors: answer.errors };
    return { status: response.status };
  }

  /** The person closes the modal's top view (its close button): Slack takes it off the stack, then tells the app. */
  async function close(user: SandboxUser, viewId: string) {
    const view = slack.view(viewId);
    const closed = slack.closeView(viewId);
    if (!closed.ok) return { error: closed.error };
    if (view?.notify_on_close) {
      await postInteraction(eventsUrl, SIGNING_SECRET, {
        type: 'view_closed',
        team: teamPayload(user),
        user: userPayload(user),
        api_app_id: APP_ID,
        token: 'sandbox-verification-token',
        view,
        is_cleared: closed.cleared,
        is_enterprise_install: false,
      });
    }
    return { status: 200 };
  }

  async function openHome(user: SandboxUser) {
    eventCounter += 1;
    const home = slack.homeView(user.id);
    const response = await postEvent(eventsUrl, SIGNING_SECRET, {
      token: 'sandbox-verification-token',
      team_id: TEAM,
      api_app_id: APP_ID,
      type: 'event_callback',
      event_id: `Ev0SANDBOX${eventCounter}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user: user.id,
        channel: slack.dmChannelFor(user.id),
        tab: 'home',
        event_ts: (Date.now() / 1000).toFixed(6),
        // Once a Home was published, Slack sends it along (the app reads its private_metadata).
        ...(home ? { view: home } : {}),
      },
      authorizations: [
        { team_id: TEAM, user_id: slack.botUserId, is_bot: true, is_enterprise_install: false },
      ],
    });
    return { status: response.status };
  }

  const page = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'sandbox page request failed');
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Only this page may drive the sandbox: no other Host (DNS rebinding), no other Origin (a page elsewhere
    // posting to localhost), and JSON only, which a cross-site form or no-cors fetch cannot send.
    const port = (page.address() as AddressInfo).port;
    const self = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!self.includes(req.headers.host ?? '')) return sendText(res, 421, 'unknown host', 'text/plain');
    const origin = req.headers.origin;
    if (origin !== undefined && !self.some((h) => origin === `http://${h}`)) {
      return sendText(res, 403, 'foreign origin', 'text/plain');
    }
    if (req.method === 'GET') {
      if (url.pathname === '/') return sendFile(res, join(WEB, 'index.html'), 'text/html; charset=utf-8');
      if (url.pathname === '/style.css')
        return sendFile(res, join(WEB, 'style.css'), 'text/css; charset=utf-8');
      if (url.pathname === '/app.js') return sendText(res, 200, appJs, 'text/javascript; charset=utf-8');
      if (url.pathname === '/favicon.ico') return sendText(res, 204, '', 'image/x-icon');
      if (url.pathname.startsWith('/files/')) {
        const file = slack.file(url.pathname.slice('/files/'.length));
        if (!file) return sendText(res, 404, 'no such file', 'text/plain');
        return sendBytes(res, file.bytes, file.mimetype || 'application/octet-stream');
      }
      if (url.pathname === '/api/state') {
        const user = userById(url.searchParams.get('user') ?? '') ?? sandboxUsers.author;
        // The app's /healthz only while Manage apps is open: it writes a probe row.
        const app = await slackSide.panel(user, url.searchParams.get('place') === 'apps');
        const snapshot = state.snapshot(user, clock);
        // What "Next due" would move the clock to, in the viewer's zone.
        const due = await nextDue();
        const clockShown = {
          ...snapshot.clock,
          nextDue: due
            ? {
                at: due.toISOString(),
                local: DateTime.fromJSDate(due, { zone: user.tz ?? 'UTC' }).toFormat('ccc d LLL, HH:mm'),
              }
            : null,
        };
        const shortcuts = messageActions.menu(user);
        return sendJson(res, 200, {
          ...snapshot,
          clock: clockShown,
          salesforce: salesforcePanel(user),
          app,
          shortcuts,
        });
      }
      return sendText(res, 404, 'not found', 'text/plain');
    }
    if (req.method !== 'POST') return sendText(res, 405, 'method not allowed', 'text/plain');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendText(res, 415, 'JSON only', 'text/plain');
    }
    let body: Json;
    try {
      body = JSON.parse((await readBody(req)) || '{}') as Json;
    } catch {
      return sendJson(res, 400, { error: 'The request was not valid JSON, or too large.' });
    }
    const user = userById(String(body.user ?? ''));
    if (!user) return sendJson(res, 400, { error: 'unknown user' });
    // Slack's own requests (its /invite and /remove included), then what Slack would not send an uninstalled app.
    const side = (await slackSide.route(url.pathname, user, body)) ?? slackSide.refusal(url.pathname);
    if (side) return sendJson(res, side.status, side.body);
    // People's messages, and the app's message shortcuts on them.
    const said = await messageActions.route(url.pathname, user, body);
    if (said) return sendJson(res, said.status, said.body);
    switch (url.pathname) {
      case '/api/command':
        return sendJson(res, 200, await command(user, String(body.channel), String(body.text ?? '')));
      case '/api/action':
        return sendJson(res, 200, await action(user, body));
      case '/api/submit':
        return sendJson(res, 200, await submit(user, body));
      case '/api/close':
        return sendJson(res, 200, await close(user, String(body.viewId)));
      case '/api/home':
        return sendJson(res, 200, await openHome(user));
      case '/api/clock': {
        // "Next due": to the next moment something is due, instead of whole business days.
        if (body.to !== undefined) {
          if (body.to !== 'next' || body.businessDays !== undefined) {
            return sendJson(res, 400, { error: 'to must be "next", without businessDays' });
          }
          const at = await advanceToNextDue();
          if (!at) {
            return sendJson(res, 400, {
              error: `Nothing is due in the next ${NEXT_DUE_WITHIN_DAYS} days: the clock stays where it is.`,
            });
          }
          return sendJson(res, 200, { now: clock.now().toISOString(), movedTo: at.toISOString() });
        }
        const days = Number(body.businessDays);
        if (!Number.isInteger(days) || days < 1 || days > 30) {
          return sendJson(res, 400, { error: 'businessDays must be a whole number from 1 to 30' });
        }
        await advanceBusinessDays(days);
        return sendJson(res, 200, { now: clock.now().toISOString() });
      }
      case '/api/status': {
        // Your own Slack status, as you would set it in Slack: Slack sends the app user_status_changed at once, and
        // the app also reads it with users.profile.get.
        const change = statusChange(body, user, clock.now());
        if ('error' in change) return sendJson(res, 400, { error: change.error });
        await slack.changeStatus(user.id, change);
        return sendJson(res, 200, { slackStatus: slackStatusFor(slack, user, clock.now(), awayRules) });
      }
      case '/api/salesforce/close': {
        if (typeof body.won !== 'boolean') {
          return sendJson(res, 400, { error: 'won must be true (Close won) or false (Close lost)' });
        }
        const asked = typeof body.opportunity === 'string' ? body.opportunity : '';
        const id = opportunityId(asked);
        if (!id) {
          return sendJson(res, 400, {
            error: `The fake Salesforce has no opportunity ${JSON.stringify(asked.slice(0, 40))}.`,
          });
        }
        const stage = String(salesforce.opportunity(id)?.StageName ?? '');
        if (salesforce.opportunity(id)?.IsClosed === true) {
          return sendJson(res, 400, { error: `That opportunity is already closed (${stage}).` });
        }
        return sendJson(res, 200, await closeOpportunity(id, body.won));
      }
      case '/api/salesforce/change': {
        // A seller's edit of the record (amount, currency, stage, close date): the fake record only, no poll.
        const asked = typeof body.opportunity === 'string' ? body.opportunity : '';
        const id = opportunityId(asked);
        if (!id) {
          return sendJson(res, 400, {
            error: `The fake Salesforce has no opportunity ${JSON.stringify(asked.slice(0, 40))}.`,
          });
        }
        const read = opportunityChange(body, salesforce);
        if ('error' in read) return sendJson(res, 400, { error: read.error });
        salesforce.changeOpportunity(id, read.change);
        return sendJson(res, 200, { message: savedMessage(String(salesforce.opportunity(id)?.Name ?? id)) });
      }
      case '/api/salesforce/poll': {
        // "Poll the CRM now": the app's read-back at once, as its next poll would (nobody waits a minute).
        const result = await app.crmReadBack.poll();
        return sendJson(res, 200, { ...result, message: polledMessage(result) });
      }
      default:
        return sendText(res, 404, 'not found', 'text/plain');
    }
  }

  await new Promise<void>((resolve, reject) => {
    page.once('error', reject);
    page.listen(opts.port ?? 3100, '127.0.0.1', () => resolve());
  });
  const { port } = page.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    slack,
    app,
    database,
    clock,
    jobs,
    salesforce,
    opportunityIds,
    advanceBusinessDays,
    advanceToNextDue,
    closeOpportunity,
    messageActions,
    async stop() {
      page.closeAllConnections();
      await new Promise<void>((resolve) => page.close(() => resolve()));
      await jobs.stop();
      await app.stop();
      database.close();
      await slack.stop();
      await salesforce.stop();
    },
  };
}

/**
 * What the page shows, derived from the fake Slack's records: which modal each person has open (the fake Slack's
 * view stack of the modal opened with a trigger id handed out for them), the ephemeral messages only they see, and
 * the conversations they are in.
 */
class PageState {
  private readonly triggers = new Map<string, string>();
  private readonly responseUrls = new Map<string, { user: string; channel: string }>();
  /** The root view of the modal each person opened last; its open stack is the fake Slack's. */
  private readonly modals = new Map<string, string>();
  private readonly ackEphemerals: Ephemeral[] = [];
  private seenCalls = 0;

  constructor(
    private readonly slack: FakeSlack,
    /** A person's Slack status as the page shows it (null: none). */
    private readonly statusOf: (user: SandboxUser) => PageStatus | null,
  ) {}

  trigger(userId: string, viewId?: string): string {
    const id = this.slack.issueTriggerId(viewId ? { viewId } : {});
    this.triggers.set(id, userId);
    return id;
  }

  responseUrl(userId: string, channel: string, ts?: string): string {
    const url = this.slack.responseUrl(ts ? { channel, ts } : { channel });
    this.responseUrls.set(url, { user: userId, channel });
    return url;
  }

  channelName(id: string): string {
    const channel = this.slack.channels().find((c) => c.id === id);
    return channel ? channel.name : 'directmessage';
  }

  /** A slash command's immediate answer (`ack({ text })`) is an ephemeral message to whoever typed it. */
  async ackBody(response: Response, user: string, channel: string): Promise<void> {
    const text = await response.text();
    if (!text) return;
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = { text };
    }
    if (body.response_type === 'in_channel') return;
    this.ackEphemerals.push({
      channel,
      user,
      text: String(body.text ?? ''),
      ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
      at: Date.now(),
    });
  }

  /** Modals opened by the app since the last look, each the modal of the person its trigger id was for. */
  private syncModals(): void {
    const calls = this.slack.calls;
    for (; this.seenCalls < calls.length; this.seenCalls += 1) {
      const call = calls[this.seenCalls];
      if (!call || call.status === 0) break;
      if (!call.ok || (call.method !== 'views.open' && call.method !== 'views.push')) continue;
      const user = this.triggers.get(String(call.args.trigger_id));
      const view = (call.response as { view?: FakeView }).view;
      if (!user || !view) continue;
      if (call.method === 'views.open' || !this.modals.has(user))
        this.modals.set(user, view.root_view_id ?? view.id);
    }
  }

  private ephemeralsFor(userId: string): Ephemeral[] {
    const posted = this.slack.callsTo('chat.postEphemeral').flatMap((call): Ephemeral[] =>
      call.args.user === userId
        ? [
            {
              channel: String(call.args.channel),
              user: userId,
              text: String(call.args.text ?? ''),
              ...(Array.isArray(call.args.blocks) ? { blocks: call.args.blocks } : {}),
              at: call.at,
            },
          ]
        : [],
    );
    const responded = this.slack.responses.flatMap((r): Ephemeral[] => {
      const target = this.responseUrls.get(r.url);
      const body = r.body;
      if (!target || target.user !== userId) return [];
      if (
        body.response_type === 'in_channel' ||
        body.replace_original === true ||
        body.delete_original === true
      )
        return [];
      return [
        {
          channel: target.channel,
          user: userId,
          text: String(body.text ?? ''),
          ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
          at: r.at,
        },
      ];
    });
    return [...this.ackEphemerals.filter((e) => e.user === userId), ...posted, ...responded].sort(
      (a, b) => a.at - b.at,
    );
  }

  snapshot(user: SandboxUser, clock: SandboxClock) {
    this.syncModals();
    // In sandbox time, as the messages' ts: after a move of the clock they sort among them, not before them all.
    const ephemerals = this.ephemeralsFor(user.id).map((e) => ({ ...e, at: clock.at(e.at) }));
    const dm = this.slack.dmChannelFor(user.id);
    const internal = user.team_id === TEAM;
    const conversations = [
      ...this.slack
        .channels()
        .filter((c) => c.members.includes(user.id))
        .map((c) => ({
          id: c.id,
          name: c.name,
          kind: 'channel' as const,
          external: Boolean(c.is_ext_shared),
          /** Whether the app is a member (it can post there). */
          appIn: c.members.includes(this.slack.botUserId),
        })),
      // External people have no App Home or DM with another organisation's app.
      ...(internal
        ? [{ id: dm, name: 'Handoff (app)', kind: 'dm' as const, external: false, appIn: true }]
        : []),
    ].map((c) => ({
      ...c,
      messages: threads(this.slack.messages(c.id)).map((m) => ({
        ...m,
        shown: shownAt(user, Number(m.ts) * 1000),
        replies: m.replies.map((r) => ({ ...r, shown: shownAt(user, Number(r.ts) * 1000) })),
      })),
      ephemerals: ephemerals.filter((e) => e.channel === c.id || (c.kind === 'dm' && e.channel === user.id)),
    }));
    const root = this.modals.get(user.id);
    const stack = (root && this.slack.viewStack(root)) || [];
    const top = stack.at(-1);
    const modal = top ? this.slack.view(top) : undefined;
    const home = internal ? this.slack.homeView(user.id) : undefined;
    return {
      me: { ...user },
      users: Object.values(sandboxUsers).map((u) => ({
        id: u.id,
        name: u.real_name ?? u.name,
        title: u.does,
        role: u.role,
        external: u.team_id !== TEAM,
        status: this.statusOf(u),
      })),
      // What a conversations select's filter reads: Slack Connect (shared with another organization) and private.
      channels: this.slack.channels().map((c) => ({
        id: c.id,
        name: c.name,
        external: Boolean(c.is_ext_shared),
        private: Boolean(c.is_private),
      })),
      clock: {
        now: clock.now().toISOString(),
        local: DateTime.fromJSDate(clock.now(), { zone: user.tz ?? 'UTC' }).toFormat(
          'ccc d LLL yyyy, HH:mm ZZZZ',
        ),
        advancedBusinessDays: clock.businessDays,
        /** Moves to what was next due. */
        jumps: clock.jumps,
        /** Today in the viewer's zone (the first day a status can say they are back is the next one). */
        today: DateTime.fromJSDate(clock.now(), { zone: user.tz ?? 'UTC' }).toISODate(),
      },
      conversations,
      home: home ? { id: home.id, blocks: home.blocks } : null,
      modal: modal ? { view: modal, depth: stack.length } : null,
    };
  }
}

/** A person's Slack status as the page shows it. */
export interface PageStatus {
  text: string;
  emoji: string;
  /** Unix seconds when Slack clears it; 0: never. */
  expiration: number;
  /** The day they are back (the expiration's day in their zone), when it clears at midnight; else null. */
  backOn: string | null;
  /** When it clears, for the page: "back Mon 30 Nov" (at midnight), "until Mon 30 Nov, 14:00", or null. */
  shownUntil: string | null;
  /** Whether the app reads it as away (AWAY_STATUS_WORDS, AWAY_STATUS_EMOJI). */
  away: boolean;
}

/** The status the fake Slack shows for a person now (an expired one is none, as Slack clears it). */
export function slackStatusFor(
  slack: FakeSlack,
  user: SandboxUser,
  now: Date,
  rules: AwayRules,
): PageStatus | null {
  const profile = slack.users().find((u) => u.id === user.id)?.profile;
  const text = profile?.status_text ?? '';
  const emoji = profile?.status_emoji ?? '';
  const expiration = profile?.status_expiration ?? 0;
  if ((text === '' && emoji === '') || (expiration > 0 && expiration * 1000 <= now.getTime())) return null;
  const ends = expiration > 0 ? DateTime.fromSeconds(expiration, { zone: user.tz ?? 'UTC' }) : undefined;
  const atMidnight = ends !== undefined && ends.hour === 0 && ends.minute === 0;
  return {
    text,
    emoji,
    expiration,
    backOn: atMidnight ? ends.toISODate() : null,
    shownUntil: !ends
      ? null
      : atMidnight
        ? `back ${ends.toFormat('ccc d LLL')}`
        : `until ${ends.toFormat('ccc d LLL, HH:mm')}`,
    away: awayFrom({ text, emoji, expiration }, rules, now) !== undefined,
  };
}

/**
 * A status change from the page: `text` and `emoji` (both empty: clear it) and `backOn`, the day the person is back
 * (YYYY-MM-DD, optional): Slack clears the status at 00:00 that day in their zone. An error says what to fix.
 */
export function statusChange(
  body: Json,
  user: SandboxUser,
  now: Date,
): { text: string; emoji: string; expiration: Date | null } | { error: string } {
  const text = body.text ?? '';
  const emoji = body.emoji ?? '';
  const backOn = body.backOn ?? '';
  if (typeof text !== 'string') return { error: 'text must be a string (empty for none).' };
  if (typeof emoji !== 'string')
    return { error: 'emoji must be a string like :palm_tree: (empty for none).' };
  if (typeof backOn !== 'string') return { error: 'backOn must be a day like 2026-12-04, or empty.' };
  const shown = text.trim();
  if (shown.length > STATUS_TEXT_MAX)
    return { error: `A status text is at most ${STATUS_TEXT_MAX} characters, as in Slack.` };
  if (emoji !== '' && !EMOJI_CODE.test(emoji))
    return {
      error: `emoji must be an emoji code like :palm_tree:, or empty (not ${JSON.stringify(emoji.slice(0, 40))}).`,
    };
  if (shown === '' && emoji === '') {
    if (backOn !== '')
      return { error: 'Give a status text or an emoji to show until then; an empty status clears it.' };
    return { text: '', emoji: '', expiration: null };
  }
  if (backOn === '') return { text: shown, emoji, expiration: null };
  const zone = user.tz ?? 'UTC';
  const day = DateTime.fromISO(backOn, { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(backOn) || !day.isValid)
    return {
      error: `backOn must be a day like 2026-12-04, or empty (not ${JSON.stringify(backOn.slice(0, 40))}).`,
    };
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  if (day <= today)
    return { error: `The day you are back must be after today (${today.toISODate()} in the sandbox).` };
  if (day > today.plus({ years: 1 })) return { error: 'The day you are back must be within a year.' };
  return { text: shown, emoji, expiration: day.startOf('day').toJSDate() };
}

/** When a message was posted, in sandbox time and the viewer's zone. */
/** A message's time in its reader's zone: its ts is sandbox time (the fake Slack stamps it with the sandbox clock). */
const shownAt = (user: SandboxUser, ms: number) =>
  DateTime.fromMillis(ms, { zone: user.tz ?? 'UTC' }).toFormat('ccc d LLL, HH:mm');

/** A Task as the Salesforce panel shows it: its creation time in sandbox time (the fake's clock) and the viewer's zone. */
function taskForPage(task: FakeSalesforceTask, user: SandboxUser) {
  // Salesforce writes '2026-11-23T14:05:00.000+0000'.
  const created = DateTime.fromISO(task.CreatedDate.replace(/\+0000$/, 'Z'), { zone: user.tz ?? 'UTC' });
  return {
    id: task.Id,
    subject: task.Subject ?? '',
    description: task.Description ?? '',
    status: task.Status,
    created: created.isValid ? created.toFormat('ccc d LLL, HH:mm') : task.CreatedDate,
  };
}

/** What the page says after a close: what the app made of it, or why nothing changed in Slack. */
function closedMessage(stage: string, won: boolean, linked: LinkedHandoff[]): string {
  const closed = `${stage} in the fake Salesforce.`;
  if (linked.length === 0)
    return `${closed} No handoff is linked to this opportunity: nothing changes in Slack.`;
  const outcome = won ? 'won' : 'lost';
  const sentences = linked.map((h) => {
    if (h.outcome === outcome) return `The app read it back: handoff #${h.id} is recorded as ${outcome}.`;
    if (h.outcome === 'won' || h.outcome === 'lost') {
      return `Handoff #${h.id} keeps the outcome it already had (${OUTCOME_LABEL[h.outcome].toLowerCase()}).`;
    }
    if (h.status === 'sent') {
      return `Handoff #${h.id} is not accepted yet: the app reads back accepted handoffs only, and records it once the AE accepts.`;
    }
    if (h.status === 'accepted')
      return `Handoff #${h.id} is not recorded yet: the app tries again each minute.`;
    return `Handoff #${h.id} was ${h.status}: the app does not read it back.`;
  });
  return [closed, ...sentences].join(' ');
}

/** Top-level messages in post order, each with its thread replies. */
function threads(messages: StoredMessage[]) {
  const top = messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  return top.map((m) => ({
    ...m,
    replies: messages.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts),
  }));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendText(res: http.ServerResponse, status: number, text: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

function sendBytes(res: http.ServerResponse, bytes: Buffer, type: string): void {
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('image/') ? {} : { 'content-disposition': 'attachment' }),
  });
  res.end(bytes);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

function sendFile(res: http.ServerResponse, path: string, type: string): void {
  sendText(res, 200, readFileSync(path, 'utf8'), type);
}

/** Collects log lines (for tests). */
export function logCollector(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
}

/** The Salesforce user of one of the cast (made once, with their Slack email), to own an account. */
function salesforceOwners(salesforce: FakeSalesforce): (role: Role) => string {
  const made = new Map<Role, string>();
  return (role) => {
    const user = sandboxUsers[role];
    const [firstName = '', ...rest] = (user.real_name ?? user.name).split(' ');
    const id =
      made.get(role) ?? salesforce.addUser({ firstName, lastName: rest.join(' '), email: user.email });
    made.set(role, id);
    return id;
  };
}

/**
 * The partner directory as an installed app knows it after its first weeks: Meridian and Tailspin, each with its
 * Slack Connect workspace, so a Meridian packet sent to #ext-tailspin is refused (a rival's channel), as the README
 * walkthrough shows, instead of asking whether Tailspin is Meridian.
 */
async function seedPartnerDirectory(database: AppDatabase, at: Date): Promise<void> {
  await firstInstallationOf(database.db).transaction(async (tx) => {
    for (const team of sandboxTeams.filter((t) => t.id !== TEAM)) {
      const partner = await ensurePartner(tx, team.name, at);
      await bindWorkspace(tx, { teamId: team.id, teamName: team.name }, partner.id, 'U0SANDBOX', at);
    }
  });
}
