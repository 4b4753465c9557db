import { http } from './http'
import type { Unit, UnitKind, UnitNode } from './types'

export const orgApi = {
  tree: () => http.get<UnitNode[]>('/units/tree'),
  get: (id: number | string) => http.get<Unit>(`/units/${id}`),
  create: (body: { parent_id: number | string; name: string; kind: UnitKind; short_name?: string; code?: string }) =>
    http.post<Unit>('/units', body),
  update: (id: number | string, body: { version: number; name?: string; short_name?: string; code?: string }) =>
    http.patch<Unit>(`/units/${id}`, body),
}
