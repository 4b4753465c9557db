// The verifiable record log (全过程记录): checkpoints, the last `zhifa verify` result, target
// timelines and the server-side inclusion check. The browser does not hash: WebCrypto has no SM3,
// so "verify" asks the server to recompute the leaf and check its inclusion proof against the
// latest signed checkpoint (GET /record/entries/{seq}/verify); anyone who distrusts the server
// checks the same proof offline with the public key (docs/record-log-format.md).
import { http, type Page } from './http'

export interface Checkpoint {
  size: number
  root: string
  note: string
  at: string
}
export interface VerifyResult {
  ok: boolean
  entries: number
  from_size: number
  checkpoints: number
  bytes_hashed: number
  files: number
  file_bytes: number
  seconds: number
  bad_seq?: number
  problem_zh?: string
  problem_en?: string
}
export interface TimelineEntry {
  seq: number
  at: string
  actor_id: number | null
  unit_id: number | null
  kind: string
  target: string
  payload: unknown
  leaf_hash: string
}
export interface EntryCheck {
  seq: number
  leaf_hash: string
  included: boolean
  checkpoint_size?: number
  root?: string
  proof_length?: number
  reason?: string
}

export const recordApi = {
  latest: () => http.get<Checkpoint & { origin: string; hash: string }>('/record/checkpoint'),
  publicKey: () => http.get<{ pem: string; key_name: string; signature: string; hash: string }>('/record/public-key'),
  checkpoints: (page: number, page_size: number) => http.get<Page<Checkpoint>>('/record/checkpoints', { page, page_size }),
  checkpointNow: () => http.post<Checkpoint>('/record/checkpoints', {}),
  lastVerify: () => http.get<{ last: { seq: number; at: string; result: VerifyResult | null } | null }>('/record/verify/last'),
  enterprise: (code: string, page: number, page_size: number) =>
    http.get<Page<TimelineEntry>>(`/record/targets/enterprise/${encodeURIComponent(code)}`, { page, page_size }),
  person: (id_number: string, page: number, page_size: number) =>
    http.post<Page<TimelineEntry>>('/record/targets/person', { id_number, page, page_size }),
  verifyEntry: (seq: number) => http.get<EntryCheck>(`/record/entries/${seq}/verify`),
}
