/** Every callback, action and block id the app uses, in one place. */

import { FIELD_NAMES, fieldRecord, PACKET_FIELDS } from '../domain/packet.js';

export const CALLBACK_ID = {
  packet: 'handoff_packet',
  decline: 'handoff_decline',
  /** Accept with a commitment: the first step, its date, an estimated value. */
  accept: 'handoff_accept_modal',
  reassign: 'handoff_reassign',
  extend: 'handoff_extend',
  review: 'handoff_review',
  opportunity: 'handoff_opportunity_modal',
  lost: 'handoff_lost_modal',
  helpRequest: 'handoff_help_request',
  note: 'handoff_note_modal',
  cover: 'handoff_cover_modal',
  /** The partner's next move, edited after it was held back from the partner. */
  nextMove: 'handoff_next_move_modal',
  /** Before deciding: the AE's question to the author, and the author's answer. */
  question: 'handoff_question_modal',
  answer: 'handoff_answer_modal',
  /** After the Accept: the AE gives their first step a new date. */
  stepDate: 'handoff_step_date_modal',
  /** "Add to handoff": which open handoff a Slack message is attached to. */
  addToHandoff: 'handoff_add_message_modal',
  /** An editor of one part of the program: a pool, a policy, the calendar, the roles, the managers. */
  programPart: 'program_part_modal',
  /** "Your days": a person's working days, holiday regions and pause from their pools. */
  myDays: 'handoff_my_days_modal',
  /** The score's weights: one select per component, 0 to 3, opened from the score view. */
  scoreWeights: 'revops_score_weights_modal',
  /** "Review attribution": RevOps keep or change a class the CRM contradicts, with a reason. */
  attributionReview: 'attribution_review_modal',
  /** A workspace's own CRM: its admins give its credentials (`/handoff crm salesforce|hubspot`). */
  crmConnect: 'crm_connect_modal',
} as const;

/** The CRM form's inputs, one per credential (domain/crmCredentials.ts), by the credential's key. */
export const crmCredentialBlockId = (key: string) => `crm_${key}`;

/** The "Review attribution" modal's one input: why (kept with the decision). */
export const ATTRIBUTION_REVIEW_BLOCK_ID = 'attribution_review_note';

/** The question and answer modals' one input each, and the longest text of either. */
export const ASK_BLOCK_ID = { question: 'question_text', answer: 'answer_text' } as const;
export const ASK_TEXT_MAX = 1000;

/** The next-move modal's inputs. */
export const NEXT_MOVE_BLOCK_ID = { move: 'next_move_text', date: 'next_move_date' } as const;

/** The cover modal's inputs: who answers for the AE, and the cover's last day. */
export const COVER_BLOCK_ID = { cover: 'cover_user', from: 'cover_away_from', until: 'cover_until' } as const;

/** The "Your days" modal's inputs: working days, holiday regions, the pause's last day, and "until I resume". */
export const MY_DAYS_BLOCK_ID = {
  days: 'my_days_working',
  starts: 'my_days_starts',
  ends: 'my_days_ends',
  regions: 'my_days_regions',
  until: 'my_days_paused_until',
  resume: 'my_days_until_resumed',
} as const;
/** The value of the one "until I resume" checkbox. */
export const MY_DAYS_RESUME_OPTION = 'until_resumed';

/** The note modal's one input. */
export const NOTE_BLOCK_ID = 'note_text';
/** The longest note to the AE. */
export const NOTE_MAX = 1000;

/** The global shortcut (manifest.json) that opens the partner-help request. */
export const SHORTCUT_ID = {
  helpRequest: 'request_partner_help',
  /** The message shortcut "Hand off this deal": the packet prefilled from the message. */
  handOff: 'handoff_from_message',
  /** The message shortcut "Add to handoff": a message attached to an open handoff. */
  addToHandoff: 'add_to_handoff',
} as const;

/** The "Add to handoff" modal's one input: the handoff (a select of the person's open ones). */
export const ADD_TO_HANDOFF_BLOCK_ID = 'add_to_handoff_pick';

export const ACTION_ID = {
  accept: 'handoff_accept',
  /** A suggestion from the author's last packet for the partner, put in the open packet. */
  packetSuggest: 'packet_suggest',
  /** After the Accept: New date for the first step (opens its modal). */
  newStepDate: 'handoff_step_new_date',
  /** After the Accept: the AE hands the deal back to its owner (a confirm dialog, then done). */
  handBack: 'handoff_hand_back',
  decline: 'handoff_decline',
  /** The decline modal's reason select: each change updates the preview of the partner's words. */
  declineReason: 'handoff_decline_reason',
  reassign: 'handoff_reassign',
  extend: 'handoff_extend',
  withdraw: 'handoff_withdraw',
  helpClaim: 'handoff_help_claim',
  homePeriod: 'handoff_home_period',
  homeExport: 'handoff_home_export',
  /** View a handoff (the packet as the AE sees it, and its history) from `/handoff list` or the App Home. */
  view: 'handoff_view',
  /** Edit an undecided handoff (its author, owner or an admin). */
  edit: 'handoff_edit',
  /** After the AE's answer, Edit becomes a note to the AE (a reply under their packet). */
  note: 'handoff_note',
  /** The author's notice of a held-back partner next move: confirm it as still true, or edit it. */
  heldBackConfirm: 'handoff_held_back_confirm',
  heldBackEdit: 'handoff_held_back_edit',
  /** The AE's answers to an outcome the owner or author reported: confirm it (the partner hears it), or not. */
  reportConfirm: 'handoff_report_confirm',
  reportDecline: 'handoff_report_decline',
  /** Undo of an outcome step within its undo window, on its recorder's notice. */
  outcomeUndo: 'handoff_outcome_undo',
  /** Before deciding: the AE asks the author (a modal), or asks for more time; the author answers (a modal). */
  askQuestion: 'handoff_ask_question',
  answerQuestion: 'handoff_answer_question',
  askMoreTime: 'handoff_ask_more_time',
  /** The owner's one click on the AE's request for more time. */
  grantMoreTime: 'handoff_grant_more_time',
  /** The App Home's "Edit my days": opens the "Your days" modal. */
  myDays: 'my_days',
  /** The App Home's program buttons: `program_open:<page>`, a page of the program (its value too). */
  programOpen: 'program_open',
  /** Edit one part of the program from its page (value: `<part>:<key>`, an empty key for a new one). */
  programEdit: 'program_edit',
  /** Follow a handoff from its view: all its news, or its decisions only; and Unfollow. */
  follow: 'handoff_follow',
  followDecisions: 'handoff_follow_decisions',
  unfollow: 'handoff_unfollow',
  /** RevOps' App Home: "Score against outcomes" opens the score view; its period; its Weights editor. */
  scoreCheck: 'revops_score_check',
  scoreCheckPeriod: 'revops_score_check_period',
  scoreWeights: 'revops_score_weights',
  /** A "Review attribution" item in RevOps' App Home: keep the class, or change it (each opens a modal). */
  reviewKeep: 'attribution_review_keep',
  reviewChange: 'attribution_review_change',
  /** The action id of every input element; the block id says which field it is. */
  value: 'value',
} as const;

/** The program editors' inputs; a policy's level rows are `levelBlockId(row, field)`. */
export const PROGRAM_BLOCK_ID = {
  id: 'program_id',
  name: 'program_name',
  members: 'program_members',
  cap: 'program_cap',
  /** How a pool shares its handoffs (plain turns, fair per week or month); its weights are `weightBlockId` rows. */
  fairness: 'program_fairness',
  managers: 'program_managers',
  /** A pool's or a partner's managers' user group. */
  managersGroup: 'program_managers_group',
  remove: 'program_remove',
  partners: 'program_route_partners',
  pools: 'program_route_pools',
  apply: 'program_apply_open',
  closures: 'program_closures',
  holidays: 'program_holidays',
  regions: 'program_regions',
  admins: 'program_admins',
  revops: 'program_revops',
  adminGroup: 'program_admin_group',
  revopsGroup: 'program_revops_group',
  notify: 'program_notify',
  contacts: 'program_contacts',
} as const;

/** A policy editor's level row input: `program_level_<row>_<when|action|to|channels>`. */
export const levelBlockId = (row: number, field: 'when' | 'action' | 'to' | 'channels') =>
  `program_level_${row}_${field}`;
/** The weights editor's input of a score component (`score_weight_<component>`), and its note (why). */
export const scoreWeightBlockId = (component: string) => `score_weight_${component}`;
export const SCORE_WEIGHTS_NOTE_BLOCK_ID = 'score_weights_note';
/** A program setting's input in its group's editor: `program_setting_<key>`. */
export const settingBlockId = (key: string) => `program_setting_${key}`;
/** A managers editor row: `program_manager_<row>_<ae|manager>`. */
export const managerBlockId = (row: number, field: 'ae' | 'manager') => `program_manager_${row}_${field}`;
/** The pool editor's weight rows: row `row`'s person picker (`user`) and its number (`value`). */
export const weightBlockId = (row: number, field: 'user' | 'value') => `program_weight_${row}_${field}`;
/** The most weight rows a pool editor shows (two inputs each: Slack allows 100 blocks in a modal). */
export const WEIGHT_ROWS_MAX = 20;

export const COMMAND = '/handoff';

/** Block ids of the packet modal's inputs, by packet field (each `blockId` of domain/packetFields.ts). */
export const PACKET_BLOCK_ID = fieldRecord(FIELD_NAMES, (field) => PACKET_FIELDS[field].blockId);

/** The packet's "or a pool (round robin)" select, shown when the policy file names pools. */
export const PACKET_POOL_BLOCK_ID = 'ae_pool';

export const AGREED_IN_WRITING_OPTION = PACKET_FIELDS.partnerAgreedInWriting.form.option;
export const ON_PRIORITY_LIST_OPTION = PACKET_FIELDS.onPriorityList.form.option;

/**
 * Inputs of the packet modal that hold more than one packet field. The two yes/no fields are one checkbox group
 * (options ON_PRIORITY_LIST_OPTION and AGREED_IN_WRITING_OPTION); the contact's name and role share
 * PACKET_BLOCK_ID.partnerContactName, the account's name and domain PACKET_BLOCK_ID.accountName. The separate blocks
 * of before (on_priority_list, partner_agreed_in_writing, partner_contact_role, account_domain) are still read.
 */
export const PACKET_FORM_BLOCK_ID = {
  confirmations: 'packet_confirmations',
} as const;

/** New date's date; and, on a deal accepted before first steps, the step's words to name it. */
export const STEP_DATE_BLOCK_ID = { due: 'step_new_due', text: 'step_new_text' } as const;

export const ACCEPT_BLOCK_ID = {
  step: 'accept_first_step',
  due: 'accept_first_step_due',
  value: 'accept_estimated_value',
  crmOpportunity: 'accept_crm_opportunity',
  crmCreate: 'accept_crm_create',
} as const;

export const DECLINE_BLOCK_ID = {
  reason: 'decline_reason',
  note: 'decline_note',
  /** What the partner will read, for the reason picked (no input). */
  preview: 'decline_partner_preview',
} as const;

export const OWNER_BLOCK_ID = {
  actions: 'owner_actions',
  newAe: 'reassign_ae',
  days: 'window_days',
} as const;

/** Value of the single option in the review's confirmation checkboxes. */
export const CONFIRM_OPTION = 'confirmed';

export const REVIEW_BLOCK_ID = {
  override: 'send_anyway_reason',
  /** "These are the same partner" (a new name, or a workspace's name, matched to the partner). */
  confirmPartner: 'confirm_partner',
  /** "The partner may read this as written" (partner-visible text that reads as internal). */
  confirmInternalText: 'confirm_internal_text',
  /** The attribution details, asked on the review only when the rule needs them (an opportunity of unknown age). */
  opportunityCreatedOn: 'review_opportunity_created_on',
  partnerTouchOn: 'review_partner_touch_on',
  /** What to do while the AE is away or has a cover (radio buttons). */
  absence: 'review_absence',
  /** Which of the CRM's opportunities on the account is this deal, or none of these (a select). */
  attributionPick: 'review_attribution_pick',
  /** Why not the account's owner in the CRM, when the author chose another AE. */
  ownerReason: 'review_owner_reason',
} as const;

/** One button per outcome step: `handoff_outcome_<outcome>`. */
export const OUTCOME_ACTION_PREFIX = 'handoff_outcome_';

export const OUTCOME_BLOCK_ID = {
  crmOpportunity: 'outcome_crm_opportunity',
  reason: 'outcome_lost_reason',
  note: 'outcome_note',
} as const;

export const HELP_BLOCK_ID = {
  account: 'help_account',
  partner: 'help_partner',
  ask: 'help_ask',
} as const;

export const HELP_LIMITS = { account: 150, partner: 150, ask: 1000 } as const;
