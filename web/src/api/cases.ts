// Case handling (案件办理, issue 5): /api/v1/cases/*, /api/v1/reviews (docs/api.md "Cases").
// A refused step answers the usual error body plus the rule id and the article that refused it
// ({"error":{"code","message","field","rule","article"}}); `refusalOf` reads them.
import { http, ApiError, type Page } from './http'
import type { TimelineEntry } from './record'

export type CaseState =
  | 'lead'
  | 'not_filed'
  | 'investigation'
  | 'review'
  | 'notice'
  | 'hearing'
  | 'legal_review'
  | 'amending'
  | 'pending_decision'
  | 'decided'
  | 'served'
  | 'executed'
  | 'closed'
  | 'archived'
export type ProcedureKind = 'ordinary' | 'simplified'
export type PartyKind = 'person' | 'organisation'
export type SourceId = 'inspection' | 'complaint' | 'hotline' | 'referral' | 'discovered'
export type OutcomeId = 'penalty' | 'no_penalty' | 'not_established' | 'transfer'
export type ReviewStatus = 'none' | 'pending' | 'agree' | 'amend' | 'disagree'
export type TimerStatus = 'running' | 'due_soon' | 'overdue' | 'done' | 'lapsed'
/** the permission a step needs */
export type StepAuthority = 'cases.write' | 'cases.approve' | 'cases.review'
export type FieldType = 'date' | 'text' | 'bool' | 'int' | 'fen' | 'enum' | 'ids' | 'kinds' | 'object'

export interface PenaltyValue {
  kinds: string[]
  /** fen */
  fine: number
  /** fen */
  confiscation: number
}

export interface StepField {
  name: string
  type: FieldType
  required: boolean
  label_zh: string
  label_en: string
  values?: string[]
}

export interface RuleMessage {
  rule: string
  article: string
  message_zh: string
  message_en: string
}

/** A step possible in the case's current state (only those are offered). */
export interface AllowedStep {
  step: string
  name_zh: string
  name_en: string
  permission: StepAuthority
  /** whether the caller holds the step's permission */
  can: boolean
  article: string
  evidence_stage: string
  /** the evidence target of uploads for this case ("case:<id>", target_kind "record") */
  evidence_target: string
  fields: StepField[]
  /** decide only: refusals that stand in the way whatever is entered */
  blocked_by?: RuleMessage[]
}

export interface Timer {
  id: string
  rule_id: string
  name_zh: string
  name_en: string
  article: string
  party: boolean
  start: string
  due: string
  status: TimerStatus
  provisional: boolean
}

export interface Reason {
  id: string
  zh: string
  en: string
  article: string
}

export interface CaseOfficer {
  id: number
  name?: string
  cert_no?: string
  unit_id?: number
  credential_valid?: boolean
  expiring_soon?: boolean
}

export interface StepEvidence {
  id: number
  file_name: string
  content_type: string
  stage: string
  hash: string
  size: number
  captured_at: string
}

export interface CaseStep {
  id: number
  step: string
  name_zh: string
  name_en: string
  date: string
  data: Record<string, unknown>
  actor_id: number | null
  actor_name: string
  created_at: string
  seq: number
  evidence: StepEvidence[]
}

export interface CaseDocument extends StepEvidence {
  step: string
  step_id: number
}

export interface Party {
  kind: PartyKind
  name: string
  credit_code: string
  address: string
  representative: string
  subject: string
  /** person only: in full for those who write or approve the case, else masked */
  id_number?: string
  id_number_masked?: boolean
}

export interface DiscretionResult {
  outcome?: {
    band: string
    band_zh: string
    range?: { kinds: string[]; fine: { min: number | null; max: number | null; basis: string; base: number | null } }
    explanation_zh?: string[]
    explanation_en?: string[]
  }
  problems?: Array<{ code: string; field: string; message_zh: string; message_en: string; article: string }>
  ok?: boolean
  on?: string
  proposal?: PenaltyValue
  reason?: string
}

export interface CaseDetail {
  id: number
  case_no: string
  procedure: ProcedureKind
  state: CaseState
  state_zh: string
  state_en: string
  unit: { id: number; name: string }
  matter: { code: string; name: string; domain: string }
  source: SourceId
  source_ref: string
  title: string
  place: string
  form_no: string | null
  party: Party
  act_date: string
  act_end_date: string
  discovered_date: string
  safety_harm: boolean
  limitation: { start: string; years: number; last_day: string; article: string }
  officers: CaseOfficer[]
  recused: CaseOfficer[]
  procedure_state: Record<string, unknown> & {
    proposal?: PenaltyValue
    proposed_outcome?: OutcomeId | null
    proposal_reason?: string
    notice?: { date: string; penalty: PenaltyValue; hearing_right: boolean } | null
    decision?: { outcome: OutcomeId; penalty: PenaltyValue; date: string; overdue: boolean } | null
  }
  facts: Record<string, unknown>
  discretion: DiscretionResult
  hearing_triggers: Reason[]
  legal_review: { status: ReviewStatus; round: number; required: boolean; reasons: Reason[] }
  collective_discussion: { required: boolean; done: boolean }
  non_coercive_steps: number
  timers: Timer[]
  next_due: Timer | null
  publication: { kind: string; rule_id: string; decision_date: string; due_date: string; published_at: string | null } | null
  steps: CaseStep[]
  documents: CaseDocument[]
  allowed_steps: AllowedStep[]
  version: number
  created_at: string
  updated_at: string
}

export interface CaseSummary {
  id: number
  case_no: string
  procedure: ProcedureKind
  state: CaseState
  state_zh: string
  unit_id: number
  unit_name: string
  matter_code: string
  matter_name: string
  domain: string
  title: string
  party_kind: PartyKind
  party_name: string
  act_date: string
  filed_date: string | null
  decided_date: string | null
  outcome: OutcomeId | null
  fine: number
  due: { date: string; timer: string; status: 'running' | 'due_soon' | 'overdue' } | null
  legal_review: ReviewStatus
  version: number
  created_at: string
}

export interface CasePage extends Page<CaseSummary> {
  total_capped?: boolean
  next_after?: number | null
}

export interface CaseQuery {
  unit_id?: number | string
  matter?: string
  /** comma-separated states */
  state?: string
  officer_id?: number
  due?: '' | 'soon' | 'overdue'
  domain?: string
  procedure?: '' | ProcedureKind
  q?: string
  sort?: '-id' | 'id' | 'due_date'
  page?: number
  page_size?: number
}

export interface CaseMeta {
  states: Array<{ id: CaseState; zh: string; en: string }>
  steps: Array<{ step: string; name_zh: string; name_en: string; permission: StepAuthority; article: string; evidence_stage: string }>
  sources: Array<{ id: SourceId; zh: string }>
  non_coercive_means: Array<{ id: string; zh: string }>
  simplified_limits: { person_fen: number; organisation_fen: number; article: string }
  params: Record<string, number | boolean>
}

export interface PartyInput {
  kind: PartyKind
  name: string
  id_number?: string
  credit_code?: string
  address?: string
  representative?: string
}

export interface NewCaseBody {
  unit_id: number
  matter_code: string
  source: SourceId
  source_ref?: string
  title: string
  place?: string
  party: PartyInput
  act_date: string
  act_end_date?: string
  discovered_date: string
  safety_harm?: boolean
  officer_ids?: number[]
  facts?: Record<string, unknown>
}

export interface NewSimplifiedBody {
  unit_id: number
  matter_code: string
  title: string
  place: string
  party: PartyInput
  act_date: string
  date?: string
  penalty: PenaltyValue
  reason?: string
  basis: string
  officer_ids: number[]
  credentials_shown: boolean
  party_signed?: boolean
  facts?: Record<string, unknown>
}

export interface ReviewItem {
  id: number
  case_no: string
  state: CaseState
  unit_id: number
  unit_name: string
  matter_code: string
  matter_name: string
  title: string
  party_name: string
  fine: number
  due_date: string | null
  version: number
  submitted_at: string
}

export interface ReviewReportFields {
  facts: string
  basis: string
  qualifications: string
  procedure: string
  discretion: string
}

export interface ReviewReport {
  case_id: number
  case_no: string
  status: ReviewStatus
  round: number
  report: {
    matter?: { code: string; name: string }
    proposal?: { outcome: OutcomeId | ''; penalty: PenaltyValue; reason: string }
    notice?: { date: string; penalty: PenaltyValue; hearing_right: boolean } | null
    procedure?: Record<string, unknown>
    officers?: Array<{ id: number; name: string; cert_no: string; credential_valid: boolean; investigator: boolean }>
    discretion?: DiscretionResult
    required_because?: Reason[]
    submitted?: { step_id: number; date: string; by: string; round: number; note: string }
  } | null
  opinions: Array<{ step_id: number; step: string; date: string; by: string; round: number; data: Record<string, unknown> }>
}

/** An officer of the register (执法人员名册) as the register lists it, on a date. */
export interface RegisterOfficer {
  id: number
  user_id: number | null
  username: string
  unit_id: number
  unit_name: string
  name: string
  cert_no: string
  valid_from: string
  valid_to: string
  domains: string[]
  legal_qualification: boolean
  status: string
  /** valid | expiring | expired | not_yet_valid | inactive */
  state: string
  credential_valid: boolean
  expiring_soon: boolean
  days_left: number
}

/** The answer to a step: the case's new version and state, the step row and its record entry. */
export interface StepResult {
  id: number
  case_no: string
  version: number
  state: string
  state_zh: string
  state_en: string
  step: { id: number; step: string; date: string; seq: number }
  seq: number
}

export const casesApi = {
  meta: () => http.get<CaseMeta>('/cases/meta'),
  list: (q: CaseQuery) => http.get<CasePage>('/cases', q as Record<string, string | number>),
  get: (id: number | string) => http.get<CaseDetail>(`/cases/${id}`),
  create: (body: NewCaseBody) => http.post<CaseDetail>('/cases', body),
  createSimplified: (body: NewSimplifiedBody) => http.post<CaseDetail>('/cases/simplified', body),
  /** Takes a step; `body` holds "version" and the step's fields. Answers what changed (the new
   * version and state, the step row); read the case again with `get` to show it. */
  step: (id: number | string, step: string, body: Record<string, unknown>) =>
    http.post<StepResult>(`/cases/${id}/steps/${encodeURIComponent(step)}`, body),
  timeline: (id: number | string, page: number, page_size: number) =>
    http.get<Page<TimelineEntry>>(`/cases/${id}/timeline`, { page, page_size }),
  reviewReport: (id: number | string) => http.get<ReviewReport>(`/cases/${id}/review-report`),
  reviews: (status: 'pending' | 'agree' | 'amend' | 'disagree', page: number, page_size: number) =>
    http.get<Page<ReviewItem>>('/reviews', { status, page, page_size }),
  /** The officer register (another area's API), for the officers pickers. */
  officers: (q: { q?: string; unit_id?: number | string; state?: string; on?: string; page_size?: number }) =>
    http.get<Page<RegisterOfficer>>('/officers', q as Record<string, string | number>),
}

/** The refusal of a rule in an error answer: its message, field, rule id and article. */
export interface Refusal {
  status: number
  code: string
  message: string
  field?: string
  rule?: string
  article?: string
}

export function refusalOf(e: unknown): Refusal | null {
  if (!(e instanceof ApiError)) return null
  const body = (e.body as { error?: { rule?: string; article?: string } } | undefined)?.error
  return { status: e.status, code: e.code, message: e.message, field: e.field, rule: body?.rule, article: body?.article }
}
