// The enforcement-matter catalogue (docs/api.md, /api/v1/catalogue/*).
import { http, request, API_BASE, ApiError, type Page } from './http'

export interface IdName {
  id: string
  zh: string
  en?: string
}
export interface CatalogueMeta {
  types: IdName[]
  domains: IdName[]
  penalty_kinds: IdName[]
  bands: IdName[]
  tier_columns: string[]
  matter_columns: string[]
}
export interface Fine {
  basis: 'fixed' | 'gains' | 'value'
  min: number | null
  max: number | null
  min_permille: number | null
  max_permille: number | null
  fallback_min: number | null
  fallback_max: number | null
  text: string
}
export interface Tier {
  ordinal: number
  name: string
  band: string | null
  conditions_text: string
  condition_json: string
  standard_text: string
  kinds: IdName[]
  fine: Fine | null
  source: string
  note: string
}
export interface Holder {
  unit_id: number
  unit_name: string
}
export interface MatterSummary {
  code: string
  name: string
  type: string
  type_zh: string
  domain: string
  domain_zh: string
  effective_from: string
  major_review: boolean
  sample: boolean
  range_text: string
  tiers: number
  holders: Holder[]
}
export interface Matter {
  code: string
  name?: string
  type?: string
  type_zh?: string
  domain?: string
  domain_zh?: string
  violated_provision?: string
  penalty_provision?: string
  range?: { text: string; kinds: IdName[]; fine: Fine | null }
  major_review?: boolean
  transfer_threshold?: string
  effective_from?: string
  effective_to?: string | null
  sample: boolean
  in_force: boolean
  on: string
  version: number
  can_edit: boolean
  tiers?: Tier[]
  versions: Array<{ id: number; effective_from: string; effective_to: string | null; name: string }>
  holdings: Array<{ id: number; unit_id: number; unit_name: string; start: string; end: string | null }>
  holders: Holder[]
}
export interface TierInput {
  name: string
  conditions_text?: string
  standard_text: string
  source?: string
  note?: string
}
export interface MatterInput {
  name: string
  type: string
  domain: string
  violated_provision: string
  penalty_provision: string
  range_text: string
  major_review: boolean
  transfer_threshold: string
  effective_from: string
  sample?: boolean
  tiers: TierInput[]
}
export interface Problem {
  sheet: string
  row: number
  column: string
  message: string
  message_zh: string
  message_en: string
}
export interface ImportReport {
  ok: boolean
  dry_run: boolean
  created: number
  versioned: number
  unchanged: number
  problems: Problem[]
}
/** An import refused for problems in the file: the table of them. */
export class ImportProblems extends ApiError {
  problems: Problem[]
  constructor(status: number, body: { code: string; message: string; field?: string }, problems: Problem[]) {
    super(status, body)
    this.problems = problems
  }
}

export interface MatterQuery {
  q?: string
  unit_id?: number | string
  type?: string
  domain?: string
  on?: string
  page?: number
  page_size?: number
}

export const catalogueApi = {
  meta: () => http.get<CatalogueMeta>('/catalogue/meta'),
  list: (q: MatterQuery) => http.get<Page<MatterSummary>>('/catalogue/matters', q as Record<string, string | number>),
  get: (code: string, on?: string) => http.get<Matter>(`/catalogue/matters/${encodeURIComponent(code)}`, { on }),
  create: (body: MatterInput & { code: string; holder_unit_ids: number[] }) => http.post<Matter>('/catalogue/matters', body),
  addVersion: (code: string, body: MatterInput & { version: number }) =>
    http.post<Matter>(`/catalogue/matters/${encodeURIComponent(code)}/versions`, body),
  transfer: (code: string, body: { from_unit_id: number; to_unit_id: number; effective_from: string; version: number }) =>
    http.post<Matter>(`/catalogue/matters/${encodeURIComponent(code)}/transfers`, body),
  addHolder: (code: string, body: { unit_id: number; effective_from: string; version: number }) =>
    http.post<Matter>(`/catalogue/matters/${encodeURIComponent(code)}/holders`, body),
  exportUrl: (q: { format: 'xlsx' | 'csv'; sheet?: 'tiers' | 'matters'; unit_id?: number | string; on?: string }) => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
    return `${API_BASE}/catalogue/export?${p.toString()}`
  },
}

/**
 * Uploads a file (xlsx or csv) as the raw body of POST `path` (an import endpoint). Resolves with
 * the report; rejects with ImportProblems (the problems table) or ApiError.
 */
export async function uploadImport<T>(path: string, file: File, query: Record<string, string | undefined>): Promise<T> {
  const lower = file.name.toLowerCase()
  const type = lower.endsWith('.csv')
    ? 'text/csv'
    : lower.endsWith('.xlsx')
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      : file.type || 'application/octet-stream'
  try {
    return await request<T>('POST', path, { query, body: new Blob([await file.arrayBuffer()], { type }) })
  } catch (e) {
    const problems = e instanceof ApiError ? (e.body as { problems?: Problem[] } | undefined)?.problems : undefined
    if (e instanceof ApiError && problems) {
      throw new ImportProblems(e.status, { code: e.code, message: e.message, field: e.field }, problems)
    }
    throw e
  }
}

/** Imports the catalogue (matters and benchmarks). */
export function importCatalogue(file: File, opts: { effective_from?: string; dry_run?: boolean }): Promise<ImportReport> {
  return uploadImport<ImportReport>('/catalogue/import', file, { effective_from: opts.effective_from, dry_run: opts.dry_run ? 'true' : undefined })
}

/** 分 → "1.5万元" / "5000元". */
export function fen(v: number | null | undefined): string {
  if (v === null || v === undefined) return ''
  const yuan = v / 100
  if (yuan >= 10000 && yuan % 1000 === 0) return `${yuan / 10000}万元`
  return `${yuan}元`
}
