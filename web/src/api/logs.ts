import { asPage, http, type Page } from './http'
import type { LoginLog, OperationLog, SessionInfo } from './types'

export interface OperationLogQuery {
  page?: number
  page_size?: number
  actor?: string
  kind?: string
  from?: string
  to?: string
}
export interface LoginLogQuery {
  page?: number
  page_size?: number
  username?: string
  result?: string
}

export const logsApi = {
  operations: async (q: OperationLogQuery) => asPage(await http.get<Page<OperationLog>>('/logs/operations', { ...q })),
  logins: async (q: LoginLogQuery) => asPage(await http.get<Page<LoginLog>>('/logs/logins', { ...q })),
  sessions: async () => asPage(await http.get<Page<SessionInfo>>('/sessions')),
  killSession: (id: string) => http.del<void>(`/sessions/${encodeURIComponent(id)}`),
}
