import { http, request } from './http'
import type { MeResponse } from './types'

export const authApi = {
  login: (username: string, password: string, totp_code?: string) =>
    request<MeResponse>('POST', '/auth/login', {
      body: totp_code ? { username, password, totp_code } : { username, password },
      skipAuthRedirect: true,
    }),
  logout: () => request<void>('POST', '/auth/logout', { skipAuthRedirect: true }),
  me: () => request<MeResponse>('GET', '/auth/me', { skipAuthRedirect: true }),
  changePassword: (old_password: string, new_password: string) =>
    http.post<void>('/auth/password', { old_password, new_password }),
  totpSetup: () => http.post<{ secret: string; otpauth_uri: string }>('/auth/totp/setup'),
  totpEnable: (code: string) => http.post<void>('/auth/totp/enable', { code }),
  totpDisable: (code: string) => http.post<void>('/auth/totp/disable', { code }),
}
