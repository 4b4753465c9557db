// Working-day calendar and statutory time limits (docs/api.md, "Calendar and time limits").
import { http } from './http'

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup'

export interface CalendarYear {
  year: number
  source: 'embedded' | 'database'
  days: number
  off_days: number
  makeup_days: number
  sha256: string
  papers: string[]
  loaded_at?: string
}
export interface CalendarYears {
  items: CalendarYear[]
  last_loaded_year: number
  provisional_after: string
  span: { first_year: number; last_year: number }
  calendar_version: number
}
export interface MonthDay {
  date: string
  weekday: number
  working: boolean
  kind: DayKind
  name: string
}
export interface Month {
  year: number
  month: number
  provisional: boolean
  days: MonthDay[]
}
export interface TimeLimitRule {
  id: string
  name: string
  name_zh: string
  name_en: string
  start_event: string
  day_type: 'working' | 'calendar' | 'hours'
  unit: 'day' | 'hour' | 'year'
  amount: number
  before: boolean
  on_expiry: 'warn' | 'block' | 'flag_overdue'
  citation: string
  extension_max: number
  extension_basis: string
  override_kind: 'none' | 'period' | 'day_type'
  override_min?: number
  override_max?: number
  override_note: string
  roll: boolean
  note: string
}
export interface Deadline {
  rule_id: string
  day_type: string
  unit: string
  amount: number
  due_date: string
  due_at?: string
  rolled: boolean
  provisional: boolean
  paused_days: number
  on_expiry: string
  override_applied: boolean
  citation: string
}
export interface DeadlineRequest {
  rule_id: string
  start: string
  unit_id?: number
  extension?: number
  paused?: string[]
  roll?: boolean
}
export interface Override {
  id: number
  rule_id: string
  unit_id: number
  unit_name: string
  kind: 'period' | 'day_type'
  amount?: number
  day_type?: string
  reason: string
  basis: string
  version: number
}
export interface OverrideRequest {
  rule_id: string
  unit_id: number
  kind: 'period' | 'day_type'
  amount?: number
  day_type?: string
  reason: string
  basis: string
}

export const calendarApi = {
  years: () => http.get<CalendarYears>('/calendar/years'),
  month: (year: number, month: number) => http.get<Month>('/calendar/month', { year, month }),
  isWorkingDay: (date: string) =>
    http.get<{ date: string; working: boolean; kind: DayKind; name: string; provisional: boolean }>('/calendar/is-working-day', { date }),
  addWorkingDays: (date: string, n: number) =>
    http.get<{ result: string; provisional: boolean }>('/calendar/add-working-days', { date, n }),
  countWorkingDays: (from: string, to: string) =>
    http.get<{ count: number; provisional: boolean }>('/calendar/count-working-days', { from, to }),
  load: (content: string, replace: boolean) =>
    http.post<{ year: number; sha256: string; days: number; replaced: boolean }>('/calendar/years', { content, replace }),
  rules: () => http.get<{ items: TimeLimitRule[] }>('/time-limits'),
  compute: (req: DeadlineRequest) => http.post<Deadline>('/time-limits/compute', req),
  overrides: () => http.get<{ items: Override[] }>('/time-limits/overrides'),
  setOverride: (req: OverrideRequest) => http.put<Override>('/time-limits/overrides', req),
  removeOverride: (id: number) => http.del<{ removed: number }>(`/time-limits/overrides/${id}`),
}
