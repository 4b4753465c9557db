// A small cookie-keeping HTTP client for the zhifa API: remembers the zhifa_session cookie and
// the CSRF token, sends X-CSRF-Token on state-changing requests, parses JSON answers.
// `Account` + signIn() do the whole first-login dance: TOTP code, forced password change,
// administrator TOTP enrolment.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { nextCode } from './totp.mjs'

export const API = '/api/v1'

export class Client {
  constructor(base, { lang } = {}) {
    this.base = base
    this.lang = lang
    this.cookie = null
    this.csrf = null
    this.user = null
  }

  /**
   * Sends a request. opts: {body (object → JSON; string/Buffer sent as is), headers,
   * csrf (default true: send the token when we have one), contentType, cookie (override)}.
   * Returns {status, headers, text, json, error}.
   */
  async request(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) }
    if (this.lang && !('accept-language' in lower(headers))) headers['Accept-Language'] = this.lang
    const cookie = opts.cookie !== undefined ? opts.cookie : this.cookie
    if (cookie) headers.Cookie = cookie
    if (opts.csrf !== false && this.csrf && method !== 'GET' && method !== 'HEAD') {
      headers['X-CSRF-Token'] = opts.csrfToken ?? this.csrf
    }
    let body
    if (opts.body !== undefined) {
      if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) body = opts.body
      else body = JSON.stringify(opts.body)
      if (opts.contentType !== null) headers['Content-Type'] = opts.contentType || 'application/json'
    }
    const url = path.startsWith('http') ? path : this.base + path
    const res = await fetch(url, { method, headers, body, redirect: 'manual' })
    const text = await res.text()
    let json = null
    if ((res.headers.get('content-type') || '').includes('json') && text) {
      try {
        json = JSON.parse(text)
      } catch {
        json = null
      }
    }
    return { status: res.status, headers: res.headers, text, json, error: json && json.error }
  }

  get(path, opts) {
    return this.request('GET', path, opts)
  }
  post(path, body, opts = {}) {
    return this.request('POST', path, { ...opts, body })
  }
  patch(path, body, opts = {}) {
    return this.request('PATCH', path, { ...opts, body })
  }
  del(path, opts) {
    return this.request('DELETE', path, opts)
  }

  /** POST /auth/login; on 200 keeps the cookie and the CSRF token. */
  async login(username, password, totpCode) {
    const body = { username, password }
    if (totpCode !== undefined) body.totp_code = totpCode
    const r = await this.request('POST', `${API}/auth/login`, { body, csrf: false, cookie: null })
    if (r.status === 200) {
      const sc = r.headers.getSetCookie().find((c) => c.startsWith('zhifa_session='))
      assert.ok(sc, 'login sets the zhifa_session cookie')
      this.setCookieHeader = sc
      this.cookie = sc.split(';')[0]
      this.csrf = r.json.csrf_token
      this.user = r.json.user
    }
    return r
  }

  async me() {
    const r = await this.get(`${API}/auth/me`)
    if (r.status === 200) {
      this.csrf = r.json.csrf_token
      this.user = r.json.user
    }
    return r
  }
}

function lower(h) {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))
}

/** A strong password that does not contain the username. */
export function newPassword() {
  return `Pw-${randomBytes(5).toString('hex')}#Q7`
}

/** Credentials of one user, with the TOTP state the client must remember. */
export class Account {
  constructor(username, password, extra = {}) {
    this.username = username
    this.password = password
    this.totpSecret = null
    this.lastStep = 0
    Object.assign(this, extra)
  }

  /** A TOTP code the server has not seen yet for this user (advances lastStep). */
  async code() {
    assert.ok(this.totpSecret, `${this.username} has no TOTP secret`)
    const { code, step } = await nextCode(this.totpSecret, this.lastStep)
    this.lastStep = step
    return code
  }
}

/**
 * Signs `account` in on `base` and makes the session fully usable: answers the TOTP prompt,
 * changes a must-change password (updating account.password) and enrols TOTP when required.
 * Returns the Client.
 */
export async function signIn(base, account, { lang } = {}) {
  const c = new Client(base, { lang })
  let r = await c.login(account.username, account.password)
  if (r.status === 401 && r.error?.code === 'TotpRequired' && account.totpSecret) {
    r = await c.login(account.username, account.password, await account.code())
  }
  assert.equal(r.status, 200, `login ${account.username}: ${r.status} ${r.text}`)
  let me = r.json.user
  if (me.must_change_password) {
    const pw = newPassword()
    const ch = await c.post(`${API}/auth/password`, { old_password: account.password, new_password: pw })
    assert.equal(ch.status, 204, `password change for ${account.username}: ${ch.text}`)
    account.password = pw
    const m = await c.me()
    assert.equal(m.status, 200, `me after password change: ${m.text}`)
    me = m.json.user
  }
  if (me.totp_required && !me.totp_enabled) {
    await enrolTotp(c, account)
    const m = await c.me()
    me = m.json.user
  }
  assert.equal(me.must_change_password, false)
  return c
}

/** TOTP setup + enable for the signed-in client; stores the secret on the account. */
export async function enrolTotp(c, account) {
  const s = await c.post(`${API}/auth/totp/setup`, {})
  assert.equal(s.status, 200, `totp setup ${account.username}: ${s.text}`)
  assert.match(s.json.secret, /^[A-Z2-7]+=*$/)
  account.totpSecret = s.json.secret
  account.lastStep = 0
  const e = await c.post(`${API}/auth/totp/enable`, { code: await account.code() })
  assert.equal(e.status, 204, `totp enable ${account.username}: ${e.text}`)
  return s.json
}

/** Asserts an error answer: status, code, and (when given) field. Returns the error object. */
export function assertError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text}`)
  assert.ok(r.error, `error body expected: ${r.text}`)
  assert.equal(r.error.code, code, `error code: ${r.text}`)
  assert.equal(typeof r.error.message, 'string')
  assert.ok(r.error.message.length > 0, 'message not empty')
  if (field !== undefined) assert.equal(r.error.field, field, `error field: ${r.text}`)
  return r.error
}

/** Depth-first list of every unit in a /units/tree answer. */
export function flattenTree(nodes, out = []) {
  for (const n of nodes) {
    out.push(n)
    flattenTree(n.children || [], out)
  }
  return out
}
