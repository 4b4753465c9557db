// The officer register (docs/api.md, /api/v1/officers/*).
import { http, API_BASE, type Page } from './http'
import { uploadImport, type Problem } from './catalogue'

export type OfficerStatus = 'active' | 'suspended' | 'revoked' | 'retired'
export type CredentialState = 'valid' | 'expiring' | 'expired' | 'not_yet_valid' | 'inactive'

export interface Officer {
  id: number
  user_id: number | null
  username: string
  unit_id: number
  unit_name: string
  name: string
  cert_no: string
  issuing_authority: string
  valid_from: string
  valid_to: string
  domains: string[]
  legal_qualification: boolean
  legal_cert_no: string
  status: OfficerStatus
  state: CredentialState
  credential_valid: boolean
  expiring_soon: boolean
  days_left: number
  on: string
  first_review_on: string | null
  version: number
  created_at: string
  can_edit?: boolean
}

export interface OfficerInput {
  user_id?: number | null
  unit_id: number
  name: string
  cert_no: string
  issuing_authority: string
  valid_from: string
  valid_to: string
  domains: string[]
  legal_qualification: boolean
  legal_cert_no?: string
}

export interface OfficerPatch {
  version: number
  user_id?: number | null
  unit_id?: number
  name?: string
  domains?: string[]
  legal_qualification?: boolean
  legal_cert_no?: string
}

export interface OfficerQuery {
  q?: string
  unit_id?: number
  status?: string
  state?: string
  domain?: string
  on?: string
  page?: number
  page_size?: number
}

export interface OfficerImportReport {
  ok: boolean
  dry_run: boolean
  created: number
  updated: number
  unchanged: number
  problems: Problem[]
}

export interface RatioItem {
  unit_id: number
  unit_name: string
  kind: string
  reviewers: number
  officers: number
  required: number
  percent: number | null
  meets: boolean
}
export interface ReviewerRatio {
  on: string
  threshold_permille: number
  basis: string
  basis_en: string
  items: RatioItem[]
}

export const officersApi = {
  list: (q: OfficerQuery) => http.get<Page<Officer> & { on: string; expiring_days: number }>('/officers', q as Record<string, string | number>),
  get: (id: number) => http.get<Officer>(`/officers/${id}`),
  create: (body: OfficerInput) => http.post<Officer>('/officers', body),
  update: (id: number, body: OfficerPatch) => http.patch<Officer>(`/officers/${id}`, body),
  setStatus: (id: number, body: { status: OfficerStatus; reason: string; version: number }) => http.post<Officer>(`/officers/${id}/status`, body),
  renew: (id: number, body: { version: number; cert_no?: string; issuing_authority?: string; valid_from: string; valid_to: string }) =>
    http.post<Officer>(`/officers/${id}/credential`, body),
  reviewerRatio: (q: { unit_id?: number; on?: string }) => http.get<ReviewerRatio>('/officers/reviewer-ratio', q as Record<string, string | number>),
  exportUrl: (q: { format: 'xlsx' | 'csv'; unit_id?: number }) => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null) p.set(k, String(v))
    return `${API_BASE}/officers/export?${p.toString()}`
  },
}

/** Imports the register; rejects with ImportProblems (the problems table) or ApiError. */
export function importOfficers(file: File, dryRun: boolean): Promise<OfficerImportReport> {
  return uploadImport<OfficerImportReport>('/officers/import', file, { dry_run: dryRun ? 'true' : undefined })
}
