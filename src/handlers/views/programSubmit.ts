import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { programPageModal } from '../../blocks/programPages.js';
import { isProgramPart, PAGE_OF, type ProgramPart } from '../../program/admin.js';
import type { PartForm } from '../../program/saves.js';
import { isSettingsGroup } from '../../program/settings.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';
import {
  readCalendarForm,
  readManagersForm,
  readPartnerForm,
  readPolicyForm,
  readPoolForm,
  readRolesForm,
} from './programForms.js';
import { readSettingsForm } from './settingsForm.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = Args['view']['state']['values'];

/** Which part the editor edits: from its private metadata (the app's own), checked again by the save. */
function partOf(metadata: string): { part: ProgramPart; key: string } | undefined {
  try {
    const parsed = JSON.parse(metadata) as { part?: unknown; key?: unknown };
    return isProgramPart(parsed.part) && typeof parsed.key === 'string'
      ? { part: parsed.part, key: parsed.key }
      : undefined;
  } catch {
    return undefined;
  }
}

const READERS: Record<ProgramPart, (values: Values, key: string, admin: boolean) => PartForm> = {
  pool: (values, key, admin) => ({ part: 'pool', key, form: readPoolForm(values, key, admin) }),
  policy: (values, key) => ({ part: 'policy', key, form: readPolicyForm(values, key) }),
  calendar: (values) => ({ part: 'calendar', form: readCalendarForm(values) }),
  roles: (values) => ({ part: 'roles', form: readRolesForm(values) }),
  managers: (values) => ({ part: 'managers', form: readManagersForm(values) }),
  partner: (values, key) => ({ part: 'partner', key, form: readPartnerForm(values, key) }),
  settings: (values, key) => ({
    part: 'settings',
    key,
    form: readSettingsForm(values, isSettingsGroup(key) ? key : 'window'),
  }),
};

/**
 * Saving a program editor: inline errors on the input at fault; saved, the editor closes on its page, which
 * shows the program as it is now (an editor opened on no page becomes that page), and the App Home is published again.
 */
export function programPartSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view, client, logger }: Args) => {
    const which = partOf(view.private_metadata);
    if (!which) {
      await ack();
      return;
    }
    const ctx = requestContext(body, deps);
    const admin = deps.programAdmin.mayEdit(ctx, 'pool', '');
    const saved = await deps.programAdmin.save(ctx, READERS[which.part](view.state.values, which.key, admin));
    if (saved.kind === 'errors') {
      await ack({ response_action: 'errors', errors: saved.errors });
      return;
    }
    if (saved.kind === 'forbidden') {
      await ack();
      await deps.replies.ephemeral(
        undefined,
        'You may not edit this part of the program (any more): nothing was saved.',
        body.user.id,
      );
      return;
    }
    // A channel a policy or a setting now names is asked about at once (not at the next minutely re-check): internal text goes
    // only to a channel Slack confirms is not shared with another organization.
    if (which.part === 'policy' || which.part === 'settings')
      deps.background(async () => {
        await deps.partners.recheckSharing();
      });
    const page = programPageModal(PAGE_OF[which.part], await deps.programAdmin.model(ctx));
    // The editor was pushed on its page: it closes, and the page under it shows the edit. Replacing the editor with
    // the page instead would leave the old page under it, and the third edit from there would hit Slack's limit of
    // three views in a stack (push_limit_reached).
    const under = typeof view.previous_view_id === 'string' ? view.previous_view_id : '';
    if (under) {
      await ack();
      await client.views
        .update({ view_id: under, view: page })
        .catch((error: unknown) => logger.warn(`The program page after an edit: ${String(error)}`));
    } else await ack({ response_action: 'update', view: page });
    if (saved.applied.length > 0)
      await deps.replies.ephemeral(
        undefined,
        `Saved, and applied to ${saved.applied.length} open handoff${saved.applied.length === 1 ? '' : 's'}: ${saved.applied.map((id) => `#${id}`).join(', ')}.`,
        body.user.id,
      );
    await publishHome(deps, { client, logger }, body.user.id).catch((error: unknown) =>
      logger.warn(`App Home after a program edit: ${String(error)}`),
    );
  };
}
