export type RoleId =
  | 'officer'
  | 'legal_reviewer'
  | 'dept_head'
  | 'supervisor'
  | 'social_supervisor'
  | 'sys_admin'
  | 'sec_admin'
  | 'audit_admin'

export const ROLE_IDS: RoleId[] = [
  'officer',
  'legal_reviewer',
  'dept_head',
  'supervisor',
  'social_supervisor',
  'sys_admin',
  'sec_admin',
  'audit_admin',
]
export const ADMIN_ROLES: RoleId[] = ['sys_admin', 'sec_admin', 'audit_admin']

export type Scope = 'city' | 'district' | 'dept_tree' | 'dept' | 'own' | 'custom'
export const SCOPES: Scope[] = ['city', 'district', 'dept_tree', 'dept', 'own', 'custom']

export type UnitKind = 'city' | 'district' | 'zone' | 'department' | 'unit' | 'vertical'
export const UNIT_KINDS: UnitKind[] = ['city', 'district', 'zone', 'department', 'unit', 'vertical']

export interface RoleAssignment {
  id: number | string
  role: RoleId
  unit_id: number | string
  unit_name?: string
  scope: Scope
  custom_unit_ids?: Array<number | string>
}

export interface Me {
  id: number | string
  username: string
  display_name: string
  unit_id: number | string
  unit_name: string
  roles: RoleAssignment[]
  totp_enabled: boolean
  totp_required: boolean
  password_expires_at?: string | null
  must_change_password: boolean
}

export interface MeResponse {
  user: Me
  csrf_token: string
}

export interface UnitNode {
  id: number | string
  parent_id: number | string | null
  name: string
  short_name?: string | null
  kind: UnitKind
  code?: string | null
  children?: UnitNode[]
}

export interface Unit extends UnitNode {
  version: number
}

export type UserStatus = 'active' | 'disabled' | 'locked'

export interface User {
  id: number | string
  username: string
  display_name: string
  unit_id: number | string
  unit_name?: string
  status: UserStatus
  roles: RoleAssignment[]
  created_at?: string
  phone?: string | null
  version?: number
}

export interface OperationLog {
  seq: number
  at: string
  actor_id: number | string
  actor_name: string
  actor_username?: string
  unit_id?: number | string | null
  kind: string
  target: string
  /** docs/api.md: text; the server sends an object of facts */
  summary: string | Record<string, unknown>
}

export type LoginResult = 'ok' | 'bad_password' | 'bad_totp' | 'locked' | 'unknown_user' | 'logout' | 'forced_logout'
export const LOGIN_RESULTS: LoginResult[] = ['ok', 'bad_password', 'bad_totp', 'locked', 'unknown_user', 'logout', 'forced_logout']

export interface LoginLog {
  id: number | string
  at: string
  username: string
  user_id?: number | string | null
  result: LoginResult
  ip: string
  user_agent: string
}

export interface SessionInfo {
  id: string
  user_id: number | string
  username: string
  display_name: string
  created_at: string
  last_seen_at: string
  ip: string
  user_agent: string
  current: boolean
}
