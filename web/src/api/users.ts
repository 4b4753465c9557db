import { asPage, http, type Page } from './http'
import type { RoleAssignment, RoleId, Scope, User } from './types'

export interface UserQuery {
  unit_id?: number | string
  q?: string
  page?: number
  page_size?: number
}

export const usersApi = {
  list: async (q: UserQuery) => asPage(await http.get<Page<User>>('/users', { ...q })),
  get: (id: number | string) => http.get<User>(`/users/${id}`),
  create: (body: { username: string; display_name: string; unit_id: number | string; password: string; phone?: string }) =>
    http.post<User>('/users', body),
  update: (id: number | string, body: { version: number; display_name?: string; unit_id?: number | string; phone?: string }) =>
    http.patch<User>(`/users/${id}`, body),
  disable: (id: number | string) => http.post<void>(`/users/${id}/disable`),
  enable: (id: number | string) => http.post<void>(`/users/${id}/enable`),
  unlock: (id: number | string) => http.post<void>(`/users/${id}/unlock`),
  resetPassword: (id: number | string, new_password: string) =>
    http.post<void>(`/users/${id}/reset-password`, { new_password }),
  addRole: (
    id: number | string,
    body: { role: RoleId; unit_id: number | string; scope: Scope; custom_unit_ids?: Array<number | string> },
  ) => http.post<RoleAssignment>(`/users/${id}/roles`, body),
  removeRole: (id: number | string, assignmentId: number | string) => http.del<void>(`/users/${id}/roles/${assignmentId}`),
}
