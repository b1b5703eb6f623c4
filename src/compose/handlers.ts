import type { ChannelAccess } from '../core/channelAccess.js';
import { createHandoffService } from '../core/handoffs.js';
import { createHeldBack } from '../core/heldBack.js';
import { membership } from '../core/membership.js';
import type { Replies } from '../core/replies.js';
import { viewerOf } from '../core/requestContext.js';
import type { SlackFiles } from '../core/slackFiles.js';
import { lastStepCheck, nextStepCheck } from '../domain/firstStep.js';
import { can } from '../domain/lifecycle.js';
import { createErasure } from '../erasure/erase.js';
import { createAsks } from '../escalation/asks.js';
import type { StatusEvents } from '../escalation/awayCheck.js';
import type { Escalations } from '../escalation/escalations.js';
import type { FirstSteps } from '../escalation/firstSteps.js';
import { createOwnerActions } from '../escalation/ownerActions.js';
import type { Sweeper } from '../escalation/sweep.js';
import type { HomeViews } from '../home/homeViews.js';
import type { Parked } from '../outbox/parked.js';
import { createOutcomeAnswers } from '../outcomes/outcomeAnswers.js';
import type { Outcomes } from '../outcomes/outcomes.js';
import { createOutcomeUndo } from '../outcomes/outcomeUndo.js';
import { createEdits } from '../packets/edits.js';
import { createFollowers } from '../packets/followers.js';
import { createPacketService } from '../packets/index.js';
import { createLookup } from '../packets/lookup.js';
import { createMessageLinks } from '../packets/messageLinks.js';
import { createHelpRequests } from '../partners/helpRequests.js';
import { createPartnerDirectory } from '../partners/partners.js';
import type { MyDays } from '../program/myDays.js';
import { namedInProgram } from '../program/people.js';
import { createExports } from '../revops/exports.js';
import { createRevops } from '../revops/revops.js';
import { programAdminOf, scoreCheckOf } from './reporting.js';
import {
  awayOf,
  componentLog,
  guestsOf,
  pausesOf,
  reportingZone,
  type Services,
  type Shared,
} from './types.js';

/** What a Slack handler may change about a handoff, and with what help. */
export interface HandlerParts {
  sweeper: Sweeper;
  firstSteps: FirstSteps;
  outcomes: Outcomes;
  escalations: Escalations;
  parked: Parked;
  replies: Replies;
  files: SlackFiles;
  homeViews: HomeViews;
  home: Services['handlers']['home'];
  /** Statuses Slack sends, for the away check. */
  statusEvents: StatusEvents;
  /** The channels the app was removed from. */
  channelAccess: ChannelAccess;
  /** Each person's own days. */
  myDays: MyDays;
}

/** Packets in, decisions and owner actions: what changes a handoff. */
function decisionServices(s: Shared, p: HandlerParts) {
  const { program, db, clock, onOutboxWrite } = s;
  const { settings } = program;
  const log = componentLog(s.logger);
  const edits = createEdits({
    db,
    clock,
    lifecycle: s.lifecycle,
    adminUserIds: program.adminUserIds,
    onOutboxWrite,
  });
  const packets = createPacketService({
    db,
    clock,
    logger: log('packets'),
    directory: s.directory,
    windows: s.windows,
    scoring: {
      get bands() {
        return { ready: settings.get('scoreReady'), fix: settings.get('scoreFix') };
      },
      get maxWindowDays() {
        return settings.get('scoreMaxWindowDays');
      },
    },
    // The score's weights in force: a packet is scored with them when reviewed.
    scoreWeights: () => s.program.state().scoreWeights,
    get conflictLookbackDays() {
      return settings.get('conflictLookbackDays');
    },
    onOutboxWrite,
    edits,
    crm: s.crm,
    policies: s.policies,
    covers: s.covers,
    away: awayOf(settings),
    pools: { list: () => s.policies.pools(), next: p.escalations.nextFromPool },
    guests: guestsOf(settings),
  });
  const handoffs = createHandoffService({
    db,
    clock,
    logger: log('handoffs'),
    expireIfDue: p.sweeper.expireIfDue,
    firstStallNudge: (handoff, at, stepDue) => {
      const nudge = p.outcomes.nextNudge(handoff, null, at);
      if (!nudge || !stepDue) return nudge;
      // Not before the first step's checks are over (reminded, checked in, the owner told): one "any news?" then.
      // A policy's take-back is no check of the AE's: it ends their deal, so no nudge is due at its moment.
      const ae = { id: handoff.aeUserId, timeZone: handoff.aeTimeZone };
      const { take_back: _takeBack, ...checks } = s.windows.stepSchedule(
        stepDue,
        ae,
        s.policies.afterAccept(handoff),
      );
      const last = lastStepCheck(checks);
      return last && last.getTime() > nudge.getTime() ? last : nudge;
    },
    businessHours: (from, to, ae) => s.windows.businessHoursBetween(from, to, ae),
    firstStepDue: (at, ae) => s.windows.businessDaysAfter(at, settings.get('firstStepBusinessDays'), ae),
    closedDay: (date, ae) => s.windows.closedDay(date, ae),
    firstStepCheck: (due, ae, at) =>
      nextStepCheck(s.windows.stepSchedule(due, ae, s.policies.afterAccept(ae.policy)), at),
    lifecycle: s.lifecycle,
    adminUserIds: program.adminUserIds,
  });
  const ownerActions = createOwnerActions({
    db,
    clock,
    logger: log('owner-actions'),
    directory: s.directory,
    windows: s.windows,
    expireIfDue: p.sweeper.expireIfDue,
    adminUserIds: program.adminUserIds,
    lifecycle: s.lifecycle,
    policies: s.policies,
    guests: guestsOf(settings),
  });
  return { edits, packets, handoffs, ownerActions, asks: asksOf(s, p) };
}

/** What the AE may ask before deciding: the settings read at each use. */
function asksOf(s: Shared, p: HandlerParts) {
  const { settings } = s.program;
  return createAsks({
    db: s.db,
    clock: s.clock,
    logger: componentLog(s.logger)('asks'),
    lifecycle: s.lifecycle,
    adminUserIds: s.program.adminUserIds,
    expireIfDue: p.sweeper.expireIfDue,
    pauses: pausesOf(s),
    moreTime: {
      get days() {
        return settings.get('moreTimeDays');
      },
      get approval() {
        return settings.get('moreTimeApproval');
      },
    },
  });
}

/** Program-wide requests: help, exports, partners, lookups. */
function programServices(s: Shared, p: HandlerParts) {
  const { config, db, clock, onOutboxWrite, program } = s;
  const log = componentLog(s.logger);
  const roles = { revopsUserIds: program.revopsUserIds, adminUserIds: program.adminUserIds };
  const lookup = createLookup({ db, clock, ...roles, packetPreview: s.surfaces.packetPreview });
  return {
    revops: createRevops({ db, clock, logger: log('revops'), ...roles, onOutboxWrite }),
    helpRequests: createHelpRequests({
      db,
      clock,
      logger: log('help-requests'),
      channelId: () => s.internalChannels.channelId('partnerHelp'),
      onOutboxWrite,
    }),
    exports: createExports({
      db,
      clock,
      background: s.background,
      logger: log('export'),
      files: p.files,
      replies: p.replies,
      get timeZone() {
        return reportingZone(config, program.settings);
      },
      get reportingCurrency() {
        return program.settings.get('reportingCurrency');
      },
      directory: s.directory,
      ...roles,
    }),
    partners: createPartnerDirectory({
      db,
      clock,
      logger: log('partners'),
      directory: s.directory,
      internalChannels: s.internalChannels,
      ...roles,
      internalTeamIds: s.startup.internalTeamIds,
      onOutboxWrite,
      managers: {
        program: s.program,
        lookupUser: (id) => s.directory.lookupUser(id),
        lookupByEmail: async (email) => s.directory.lookupByEmail?.(email),
      },
    }),
    lookup,
    followers: createFollowers({
      db,
      clock,
      logger: log('followers'),
      lookup,
      roles,
      people: {
        lookupUser: (id) => s.directory.lookupUser(id),
        lookupByEmail: async (email) => s.directory.lookupByEmail?.(email),
        // A plain `@name` in `/handoff follow <#> @name`: someone the program names (managers, partner managers…).
        candidates: async () => namedInProgram(s.program.state()),
      },
      onOutboxWrite,
    }),
    heldBack: createHeldBack({ db, clock, adminUserIds: program.adminUserIds, onOutboxWrite }),
    messageLinks: createMessageLinks({
      db,
      clock,
      logger: log('message-links'),
      slack: s.clients.interactive,
      directory: s.directory,
      adminUserIds: program.adminUserIds,
      onOutboxWrite,
    }),
  };
}

/** The AE's answers to a reported outcome, and the undo of a step within its window. */
function outcomeServices(s: Shared, outcomes: Outcomes) {
  const { program, db, clock, lifecycle } = s;
  const deps = {
    db,
    clock,
    logger: componentLog(s.logger)('outcomes'),
    lifecycle,
    outcomes,
    adminUserIds: program.adminUserIds,
  };
  return {
    outcomeAnswers: createOutcomeAnswers(deps),
    outcomeUndo: createOutcomeUndo({
      ...deps,
      get undoSeconds() {
        return program.settings.get('outcomeUndoSeconds');
      },
      // Undoing the step that was the first step done reopens it: its checks from now on.
      firstStepCheck: (due, ae, at) =>
        nextStepCheck(s.windows.stepSchedule(due, ae, s.policies.afterAccept(ae.policy)), at),
    }),
  };
}

/** What the Slack handlers use. */
export function handlerDeps(s: Shared, p: HandlerParts): Services['handlers'] {
  const { config, clock, program } = s;
  return {
    roles: program,
    settings: program.settings,
    ...decisionServices(s, p),
    ...programServices(s, p),
    outcomes: p.outcomes,
    firstSteps: p.firstSteps,
    ...outcomeServices(s, p.outcomes),
    replies: p.replies,
    parked: p.parked,
    home: p.home,
    homeAsked: p.homeViews.asked,
    homeShown: p.homeViews.shown,
    background: (task) => void s.background.run('background work after a request', task),
    channelJoined: p.channelAccess.joined,
    slackEvents: {
      statusChanged: p.statusEvents.changed,
      revoked: (by) => s.clients.connection.revokeEverywhere(by),
      channelLeft: p.channelAccess.left,
    },
    memberOf: membership(s.directory),
    slackRejected: () => s.clients.connection.rejected,
    editable: (ctx, h) => can(viewerOf(ctx, program.adminUserIds), 'edit', h, clock.now()),
    ...(s.crm.connectors.length > 0 ? { crm: s.crm } : {}),
    ...(s.ownCrm ? { ownCrm: s.ownCrm } : {}),
    covers: s.covers,
    erasure: createErasure({
      db: s.db,
      clock,
      logger: s.logger.child({ component: 'erasure' }),
      config,
      onOutboxWrite: s.onOutboxWrite,
    }),
    myDays: p.myDays,
    programAdmin: programAdminOf(s),
    scoreCheck: scoreCheckOf(s),
    pools: () => s.policies.pools(),
  };
}
