/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The Salesforce panel of the sandbox page (not Slack: the fake Salesforce the app is connected to). Each opportunity
 * with its amount, currency, stage and close date, a form to change them as a seller would in Salesforce (the fake
 * record only: the app sees it at its next CRM poll), "Poll the CRM now", Close won / Close lost, the handoffs linked
 * to it and the Tasks the app wrote on it. What a person types in a form survives the page's redraws.
 */
import type { PageHooks } from './appControls.js';
import { escapeHtml } from './render.js';

type Json = Record<string, unknown>;

interface SalesforceTask {
  id: string;
  subject: string;
  description: string;
  status: string;
  /** Creation time in sandbox time, in the viewer's zone. */
  created: string;
}

export interface Opportunity {
  id: string;
  name: string;
  stage: string;
  amount: number | null;
  /** Its currency (the corporate one in a single-currency org). */
  currency: string;
  /** The amount in the corporate currency, at the org's rate. */
  amountCorporate: number | null;
  /** YYYY-MM-DD. */
  closeDate: string;
  createdOn: string;
  closed: boolean;
  won: boolean;
  lightningUrl: string;
  handoffs: { id: number; account: string; status: string; outcome: string | null }[];
  tasks: SalesforceTask[];
}

export interface SalesforcePanel {
  opportunities: Opportunity[];
  /** The stage picklist. */
  stages: string[];
  corporate: string;
  /** A multi-currency org's active currencies (units per corporate unit); empty in a single-currency org. */
  currencies: { isoCode: string; rate: number }[];
}

/** The place of the Salesforce panel (the others are 'home' and conversation ids). */
export const SALESFORCE = 'salesforce';

/** An amount in its currency: $125,000, €48,000, £86,500.50 (cents only when there are some). */
export function moneyText(amount: number, currency: string): string {
  const digits = Number.isInteger(amount) ? 0 : 2;
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${currency} ${amount.toLocaleString('en-US')}`;
  }
}

/** The amount with its currency, and what it is in the corporate currency when it is another. */
function amountHtml(o: Opportunity, corporate: string): string {
  if (o.amount === null) return '<span class="sf-amount sf-muted">No amount</span>';
  const converted =
    o.currency !== corporate && o.amountCorporate !== null
      ? ` <span class="sf-converted">≈ ${escapeHtml(moneyText(o.amountCorporate, corporate))} ${escapeHtml(corporate)}</span>`
      : '';
  return `<span class="sf-amount">${escapeHtml(moneyText(o.amount, o.currency))} ${escapeHtml(o.currency)}${converted}</span>`;
}

/** A value to copy: shown whole, selected with one click, and a Copy button. */
const copyable = (value: string, label: string) =>
  `<code class="sf-copyable">${escapeHtml(value)}</code> <button type="button" class="sf-copy" data-copy="${escapeHtml(value)}" aria-label="Copy the ${escapeHtml(label)}">Copy</button>`;

function linkedHtml(o: Opportunity): string {
  if (o.handoffs.length === 0) return '<span class="sf-muted">none yet</span>';
  return o.handoffs
    .map((h) => {
      const outcome = h.outcome ? `, ${h.outcome.replace('_', ' ')}` : '';
      return `<span class="sf-linked">#${h.id} ${escapeHtml(h.account)} (${escapeHtml(h.status)}${escapeHtml(outcome)})</span>`;
    })
    .join(' ');
}

function taskHtml(t: SalesforceTask, openTasks: ReadonlySet<string>): string {
  const open = openTasks.has(t.id) ? ' open' : '';
  return (
    `<li class="sf-task" data-task="${escapeHtml(t.id)}"><details data-task="${escapeHtml(t.id)}"${open}>` +
    `<summary><span class="sf-task-subject">${escapeHtml(t.subject)}</span> <time>${escapeHtml(t.created)}</time></summary>` +
    `<pre class="sf-task-description">${escapeHtml(t.description)}</pre></details></li>`
  );
}

const option = (value: string, chosen: string, label = value) =>
  `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(label)}</option>`;

/** The edit form: amount, currency (multi-currency orgs), stage, close date, Save. */
function editHtml(o: Opportunity, p: SalesforcePanel): string {
  const id = escapeHtml(o.id);
  const currency = p.currencies.length
    ? `<label>Currency <select name="currency">${p.currencies
        .map((c) =>
          option(
            c.isoCode,
            o.currency,
            c.isoCode === p.corporate
              ? `${c.isoCode} (corporate)`
              : `${c.isoCode} (${c.rate} per ${p.corporate})`,
          ),
        )
        .join('')}</select></label>`
    : '';
  return (
    `<form class="sf-edit" data-edit-opportunity="${id}" aria-label="Edit ${escapeHtml(o.name)}">` +
    `<label>Amount <input name="amount" inputmode="decimal" autocomplete="off" value="${o.amount === null ? '' : escapeHtml(String(o.amount))}" /></label>` +
    currency +
    `<label>Stage <select name="stage">${p.stages.map((s) => option(s, o.stage)).join('')}</select></label>` +
    `<label>Close date <input name="closeDate" type="date" required value="${escapeHtml(o.closeDate)}" /></label>` +
    '<button type="submit" class="sf-save">Save</button></form>'
  );
}

function opportunityHtml(o: Opportunity, p: SalesforcePanel, openTasks: ReadonlySet<string>): string {
  const stageClass = o.closed ? (o.won ? ' sf-won' : ' sf-lost') : '';
  const actions = o.closed
    ? ''
    : `<div class="sf-actions"><button type="button" class="sf-close sf-close-won" data-close-opportunity="${escapeHtml(o.id)}" data-won="true">Close won</button>` +
      `<button type="button" class="sf-close sf-close-lost" data-close-opportunity="${escapeHtml(o.id)}" data-won="false">Close lost</button></div>`;
  const tasks = o.tasks.length
    ? `<ol class="sf-tasks">${o.tasks.map((t) => taskHtml(t, openTasks)).join('')}</ol>`
    : '<p class="sf-muted">No Tasks yet: the app writes one when a handoff linked here is sent, and at every change after.</p>';
  return (
    `<article class="sf-opportunity" data-opportunity="${escapeHtml(o.id)}">` +
    `<header><strong class="sf-name">${escapeHtml(o.name)}</strong> <span class="sf-stage${stageClass}">${escapeHtml(o.stage)}</span>` +
    `${amountHtml(o, p.corporate)}</header>` +
    `<dl class="sf-fields"><dt>Id</dt><dd>${copyable(o.id, 'opportunity id')}</dd>` +
    `<dt>Lightning URL</dt><dd>${copyable(o.lightningUrl, 'Lightning URL')}</dd>` +
    `<dt>Created</dt><dd>${escapeHtml(o.createdOn)}</dd>` +
    `<dt>Close date</dt><dd class="sf-close-date">${escapeHtml(o.closeDate)}</dd>` +
    `<dt>Handoffs</dt><dd>${linkedHtml(o)}</dd></dl>${editHtml(o, p)}${actions}` +
    `<h3>Tasks <span class="sf-muted">(${o.tasks.length})</span></h3>${tasks}</article>`
  );
}

export function salesforceHtml(p: SalesforcePanel, openTasks: ReadonlySet<string>): string {
  const rates = p.currencies
    .filter((c) => c.isoCode !== p.corporate)
    .map((c) => `${c.rate} ${c.isoCode}`)
    .join(', ');
  const currencies = rates
    ? ` Its corporate currency is ${escapeHtml(p.corporate)}; one ${escapeHtml(p.corporate)} is ${escapeHtml(rates)}.`
    : '';
  return (
    '<h2>Salesforce</h2><section class="salesforce">' +
    '<p class="sf-about">A fake Salesforce: the app writes a Task here for every change of a linked handoff, and reads each linked deal back (amount, currency, stage, close date) at every CRM poll: each minute of the sandbox clock.' +
    `${currencies}</p>` +
    '<p class="sf-hint">To link a handoff, paste an opportunity\'s id or Lightning URL in the packet\'s CRM field. ' +
    'Save changes the record, as a seller would in Salesforce; the app sees it at its next poll. ' +
    'Close won and Close lost close the deal dated today and have the app read it back at once. ' +
    'Then open Home as Riley Ops (RevOps): its Money section shows what the app read.</p>' +
    '<div class="sf-poll"><button type="button" class="sf-poll-now" data-crm-poll>Poll the CRM now</button>' +
    '<span class="sf-muted">The app reads every linked deal at once, as its next poll would.</span></div>' +
    `${p.opportunities.map((o) => opportunityHtml(o, p, openTasks)).join('')}</section>`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// What a person types, kept across redraws

/** What was typed in each edit form not yet saved, and where the caret was. */
export interface Drafts {
  forms: Map<string, Record<string, string>>;
  focus?: { opportunity: string; name: string };
}

/** Marks a form changed by the person (called on input): its values are theirs until saved. */
export function markTyped(target: HTMLElement): void {
  target.closest<HTMLFormElement>('form[data-edit-opportunity]')?.setAttribute('data-typed', '');
}

/** The values of the edit forms a person changed, before the panel is drawn again. */
export function keepDrafts(root: HTMLElement): Drafts {
  const forms = new Map<string, Record<string, string>>();
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-edit-opportunity][data-typed]')) {
    const values: Record<string, string> = {};
    for (const field of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name]'))
      values[field.name] = field.value;
    forms.set(form.dataset.editOpportunity ?? '', values);
  }
  const active = document.activeElement as HTMLInputElement | null;
  const form = active?.closest?.<HTMLFormElement>('form[data-edit-opportunity]');
  return {
    forms,
    ...(form && active?.name
      ? { focus: { opportunity: form.dataset.editOpportunity ?? '', name: active.name } }
      : {}),
  };
}

/** Puts the kept values back into the forms just drawn, and the focus where it was. */
export function restoreDrafts(root: HTMLElement, drafts: Drafts): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-edit-opportunity]')) {
    const id = form.dataset.editOpportunity ?? '';
    const values = drafts.forms.get(id);
    if (values) {
      form.setAttribute('data-typed', '');
      for (const [name, value] of Object.entries(values)) {
        const field = form.querySelector<HTMLInputElement | HTMLSelectElement>(
          `[name="${CSS.escape(name)}"]`,
        );
        if (field) field.value = value;
      }
    }
    if (drafts.focus?.opportunity === id)
      form.querySelector<HTMLElement>(`[name="${CSS.escape(drafts.focus.name)}"]`)?.focus();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Saving, polling

/** Save: the sandbox changes the fake record (checked as Salesforce would); the app reads it at its next poll. */
export async function saveOpportunity(form: HTMLFormElement, hooks: PageHooks): Promise<void> {
  const value = (name: string) =>
    form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '';
  const body: Json = {
    opportunity: form.dataset.editOpportunity,
    amount: value('amount'),
    stage: value('stage'),
    closeDate: value('closeDate'),
    ...(form.querySelector('[name="currency"]') ? { currency: value('currency') } : {}),
  };
  const answer = await hooks.whileBusy(form.querySelector<HTMLElement>('.sf-save'), () =>
    hooks.post('/api/salesforce/change', body),
  );
  if (!answer || answer.error) return;
  // Saved: the form shows the record again (what was typed is now its value).
  form.removeAttribute('data-typed');
  if (typeof answer.message === 'string') hooks.showNotice(answer.message, 10_000);
  await hooks.refresh();
}

/** A click on "Poll the CRM now": handled (true) or not ours (false). */
export function salesforceClick(target: HTMLElement, hooks: PageHooks): boolean {
  const poll = target.closest<HTMLElement>('button[data-crm-poll]');
  if (!poll) return false;
  void hooks
    .whileBusy(poll, () => hooks.post('/api/salesforce/poll', {}))
    .then(async (answer) => {
      if (answer && typeof answer.message === 'string') hooks.showNotice(answer.message, 12_000);
      await hooks.refresh();
    });
  return true;
}
