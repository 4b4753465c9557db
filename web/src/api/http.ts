// Thin fetch wrapper following docs/api.md conventions:
// JSON in/out, X-CSRF-Token on state-changing requests, Accept-Language from the UI locale,
// errors as {"error":{"code","message","field","request_id"}}.

import { i18n } from '../i18n'

export interface ApiErrorBody {
  code: string
  message: string
  field?: string
  request_id?: string
}

export class ApiError extends Error {
  status: number
  code: string
  field?: string
  requestId?: string
  /** the whole error answer (e.g. the problems table of an import) */
  body?: unknown
  constructor(status: number, body: ApiErrorBody) {
    super(body.message || body.code)
    this.status = status
    this.code = body.code
    this.field = body.field
    this.requestId = body.request_id
  }
}

export interface Page<T> {
  items: T[]
  total?: number
  page?: number
  page_size?: number
}

type Hooks = {
  csrf: () => string
  locale: () => string
  onUnauthenticated: (err: ApiError) => void
  onForbiddenGate: (err: ApiError) => void
}

const hooks: Hooks = {
  csrf: () => '',
  locale: () => 'zh-CN',
  onUnauthenticated: () => {},
  onForbiddenGate: () => {},
}

export function configureHttp(h: Partial<Hooks>) {
  Object.assign(hooks, h)
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
  /** do not run the global 401 handler (login, initial /auth/me) */
  skipAuthRedirect?: boolean
}

export const API_BASE = '/api/v1'

function buildUrl(path: string, query?: RequestOptions['query']): string {
  let url = API_BASE + path
  if (query) {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      p.set(k, String(v))
    }
    const s = p.toString()
    if (s) url += '?' + s
  }
  return url
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': hooks.locale().startsWith('en') ? 'en-US,en;q=0.9' : 'zh-CN,zh;q=0.9',
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const t = hooks.csrf()
    if (t) headers['X-CSRF-Token'] = t
  }
  let body: string | Blob | undefined
  if (opts.body instanceof Blob) {
    // a file sent as the raw body (catalogue import)
    headers['Content-Type'] = opts.body.type || 'application/octet-stream'
    body = opts.body
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, { code: 'Network', message: i18n.global.t('app.networkError') })
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const eb = (data as { error?: ApiErrorBody } | undefined)?.error
    const err = new ApiError(res.status, eb ?? { code: 'Http' + res.status, message: `HTTP ${res.status} ${res.statusText}` })
    err.body = data
    if (res.status === 401 && err.code !== 'TotpRequired' && !opts.skipAuthRedirect) hooks.onUnauthenticated(err)
    if (res.status === 403 && err.code === 'PermissionDenied' && (err.field === 'totp' || err.field === 'password')) hooks.onForbiddenGate(err)
    throw err
  }
  return data as T
}

export const http = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
}

/** Lists may come as {items,...} or a bare array; normalise. */
export function asPage<T>(d: Page<T> | T[] | undefined): Page<T> {
  if (!d) return { items: [], total: 0 }
  if (Array.isArray(d)) return { items: d, total: d.length }
  return { ...d, items: d.items ?? [], total: d.total ?? (d.items ?? []).length }
}
