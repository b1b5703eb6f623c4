import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { PROGRAM_PAGES, type ProgramPage, pagesFor, programPageModal } from '../../blocks/programPages.js';
import { isProgramPart } from '../../program/admin.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const NOT_YOURS =
  'Only the program’s admins (and RevOps for the policies, a pool’s managers for their pool) can open this.';

/** The clicked button's value (what Slack sends for a button; anything else is no value). */
const clickedValue = (body: BlockAction): string => {
  const action = body.actions[0];
  return action && 'value' in action && typeof action.value === 'string' ? action.value : '';
};

/** The App Home's program buttons: a page of the program, for someone who may open it. */
export function programOpenAction(deps: HandlerDeps) {
  return async (args: Args) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'a program page');
    const page = clickedValue(args.body) as ProgramPage;
    if (!PROGRAM_PAGES.includes(page)) return;
    const ctx = requestContext(args.body, deps);
    const model = await deps.programAdmin.model(ctx);
    if (!pagesFor(model).includes(page)) return reply(NOT_YOURS);
    await open(programPageModal(page, model));
  };
}

/** Edit (or New) on a program page: the part's editor, pushed on the page, for someone who may edit it. */
export function programEditAction(deps: HandlerDeps) {
  return async (args: Args) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'a program editor');
    const [part, key = ''] = clickedValue(args.body).split(':');
    if (!isProgramPart(part)) return;
    const ctx = requestContext(args.body, deps);
    const view = await deps.programAdmin.editor(ctx, part, key);
    if (!view) return reply(NOT_YOURS);
    await open(view);
  };
}
