// Evidence files (证据材料): docs/api.md "Evidence". Uploads go through XMLHttpRequest (progress
// events; the body is the File itself, streamed by the browser) with the metadata in the query.
import { ApiError, API_BASE, http, type ApiErrorBody, type Page } from './http'
import { i18n, currentLocale } from '../i18n'

export type StageId = 'initiation' | 'investigation' | 'review' | 'decision' | 'service' | 'execution'
export type TargetKind = 'enterprise' | 'record'

export interface EvidenceStage {
  id: StageId
  name: string
  name_zh: string
  name_en: string
}
export interface EvidenceMeta {
  stages: EvidenceStage[]
  content_types: string[]
  max_bytes: number
  hash_alg: string
}
export interface Evidence {
  id: number
  hash: string
  hash_alg: string
  size: number
  content_type: string
  file_name: string
  stage: StageId
  target_kind: TargetKind
  target: string
  unit_id: number
  unit_name: string
  captured_at: string
  device: string
  location: string
  note: string
  created_by: number
  created_by_name: string
  created_at: string
  seq: number
  deduplicated?: boolean
}
export interface Integrity {
  id: number
  hash: string
  state: 'ok' | 'changed' | 'missing'
  size_on_disk: number
  actual_hash?: string
}
export interface UploadMeta {
  target_kind: TargetKind
  target: string
  stage: StageId
  captured_at: string
  device?: string
  location?: string
  note?: string
  unit_id?: number
}

export const evidenceApi = {
  meta: () => http.get<EvidenceMeta>('/evidence/meta'),
  list: (q: { target_kind?: string; target?: string; stage?: string; page?: number; page_size?: number }) =>
    http.get<Page<Evidence>>('/evidence', q),
  integrity: (id: number) => http.get<Integrity>(`/evidence/${id}/integrity`),
  contentUrl: (id: number) => `${API_BASE}/evidence/${id}/content`,
  /** Uploads `file`; onProgress(0..1). Rejects with ApiError (413, 415, 400 naming the field…). */
  upload(file: File, meta: UploadMeta, csrf: string, onProgress?: (f: number) => void): Promise<Evidence> {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries({ ...meta, file_name: file.name })) {
      if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
    }
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', `${API_BASE}/evidence?${p}`)
      xhr.setRequestHeader('X-CSRF-Token', csrf)
      xhr.setRequestHeader('Content-Type', 'application/octet-stream')
      xhr.setRequestHeader('Accept-Language', currentLocale().startsWith('en') ? 'en-US,en;q=0.9' : 'zh-CN,zh;q=0.9')
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total)
      }
      xhr.onload = () => {
        let data: unknown
        try {
          data = JSON.parse(xhr.responseText)
        } catch {
          data = undefined
        }
        if (xhr.status === 201) resolve(data as Evidence)
        else {
          const eb = (data as { error?: ApiErrorBody } | undefined)?.error
          reject(new ApiError(xhr.status, eb ?? { code: 'Http' + xhr.status, message: `HTTP ${xhr.status}` }))
        }
      }
      xhr.onerror = () => reject(new ApiError(0, { code: 'Network', message: i18n.global.t('app.networkError') }))
      xhr.send(file)
    })
  },
}
