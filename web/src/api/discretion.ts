// The discretion engine and the penalty lists (/api/v1/discretion/…, docs/api.md).
import { http } from './http'

export type ListEffect = 'no_penalty' | 'reduced' | 'lighter' | 'heavier' | 'exempt_compulsion'

export interface FactInfo {
  key: string
  type: 'bool' | 'int' | 'fen' | 'date' | 'enum' | 'date_list'
  label_zh: string
  label_en: string
  values?: string[]
  min?: number
  max?: number
  required: boolean
}

export interface ListKind {
  id: string
  name_zh: string
  name_en: string
  effect: ListEffect
  builtin: boolean
}

export interface PenaltyList {
  id: number
  unit_id: number
  unit_name: string
  kind_id: string
  kind_name_zh: string
  kind_name_en: string
  effect: ListEffect
  title: string
  version: number
  published_number?: number | null
  published_from?: string | null
}

export interface ListVersion {
  id: number
  list_id: number
  number: number
  status: 'draft' | 'published'
  effective_from: string | null
  effective_to: string | null
  note: string
  entries: number | ListEntry[]
}

export interface ListEntry {
  id: number
  version_id: number
  matter_code: string
  condition: unknown
  modality: 'must' | 'may'
  law: string
  article: string
  wording: string
  ordinal: number
}

export interface EntryBody {
  matter_code: string
  condition: unknown
  modality: 'must' | 'may'
  law: string
  article: string
  wording: string
}

export interface FineBounds {
  min: number | null
  max: number | null
  basis: 'fixed' | 'gains' | 'value' | 'fallback' | 'none'
  base: number | null
}
export interface AllowedRange {
  kinds: string[]
  fine: FineBounds
}
export interface Ground {
  source: 'statute' | 'list' | 'tier'
  effect: string
  modality: 'must' | 'may'
  law: string
  article: string
  text_zh: string
  text_en: string
  applied: boolean
  entry_id?: number
  list_kind?: string
}
export interface Outcome {
  band: 'no_penalty' | 'reduced' | 'lighter' | 'general' | 'heavier'
  band_zh: string
  modality: 'must' | 'may'
  reduced_allowed: boolean
  education_required: boolean
  reason_required: boolean
  exempt_compulsion: boolean
  range: AllowedRange
  if_punished: AllowedRange | null
  statutory: AllowedRange
  tier_index: number | null
  tier_range: AllowedRange | null
  grounds: Ground[]
  limitation: { start: string; years: number; deadline: string; expired: boolean | null; article: string }
  explanation_zh: string[]
  explanation_en: string[]
}
export interface Problem {
  code: string
  field: string
  message_zh: string
  message_en: string
  article: string
}
export interface EvaluateResult {
  matter: {
    code: string
    name: string
    penalty_provision: string
    violated_provision: string
    range_text: string
    sample: boolean
    tiers: Array<{ name: string; band: string | null; conditions_text: string; standard_text: string }>
  }
  on: string
  unit_id: number
  facts: Record<string, unknown>
  outcome: Outcome
  ok?: boolean
  problems?: Problem[]
}

export interface EvaluateBody {
  matter_code: string
  facts: Record<string, unknown>
  on?: string
  unit_id?: number
}

export const discretionApi = {
  /** Matters of the catalogue (code or name contains `q`), for picking one. */
  searchMatters: (q: string) =>
    http.get<{ items: Array<{ code: string; name: string }> }>('/catalogue/matters', { q, page_size: 20 }),
  facts: () => http.get<{ items: FactInfo[] }>('/discretion/facts'),
  kinds: () => http.get<{ items: ListKind[] }>('/discretion/list-kinds'),
  addKind: (body: { id: string; name_zh: string; name_en: string; effect: ListEffect }) =>
    http.post<ListKind>('/discretion/list-kinds', body),
  lists: (q: { unit_id?: number | string; kind?: string }) =>
    http.get<{ items: PenaltyList[] }>('/discretion/lists', q),
  list: (id: number) =>
    http.get<PenaltyList & { versions: ListVersion[]; can_edit: boolean }>(`/discretion/lists/${id}`),
  version: (id: number, versionId: number) =>
    http.get<ListVersion & { entries: ListEntry[] }>(`/discretion/lists/${id}/versions/${versionId}`),
  create: (body: { unit_id: number | string; kind_id: string; title: string }) =>
    http.post<{ id: number; draft_version_id: number }>('/discretion/lists', body),
  newDraft: (id: number) => http.post<{ version_id: number; number: number }>(`/discretion/lists/${id}/drafts`, {}),
  addEntry: (id: number, versionId: number, body: EntryBody) =>
    http.post<ListEntry>(`/discretion/lists/${id}/versions/${versionId}/entries`, body),
  updateEntry: (id: number, entryId: number, body: EntryBody) =>
    http.put<ListEntry>(`/discretion/lists/${id}/entries/${entryId}`, body),
  removeEntry: (id: number, entryId: number) => http.del<void>(`/discretion/lists/${id}/entries/${entryId}`),
  publish: (id: number, versionId: number, body: { effective_from: string; note?: string }) =>
    http.post<unknown>(`/discretion/lists/${id}/versions/${versionId}/publish`, body),
  evaluate: (body: EvaluateBody) => http.post<EvaluateResult>('/discretion/evaluate', body),
  check: (body: EvaluateBody & { proposal: { kinds: string[]; fine?: number; reason?: string } }) =>
    http.post<EvaluateResult>('/discretion/check', body),
}
