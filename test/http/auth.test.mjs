// Authentication: lockout and unlock, TOTP (required, reuse refused, administrators), forced
// logout, logout, password rules, reset, cookie attributes, login throttling, operational URLs.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, Client, Account, signIn, enrolTotp, assertError, newPassword } from './lib/client.mjs'
import { codeForStep, currentStep } from './lib/totp.mjs'
import { administrators, unitIndex, createUser } from './lib/fixtures.mjs'

for (const backend of BACKENDS) {
  describe(`auth [${backend}]`, () => {
    let srv
    let a
    let unitId

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      const units = await unitIndex(a.sys)
      unitId = units.byName('历下区').id
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('lockout after 5 bad passwords: 423 Locked, login log says locked; secadmin unlocks', async () => {
      const acc = await createUser(a, { username: 'lock_me', unitId, role: 'officer' })
      const c = new Client(srv.base)
      for (let i = 0; i < 5; i++) assertError(await c.login(acc.username, `Wrong-Pw-${i}x`), 401, 'Unauthenticated')
      const locked = await c.login(acc.username, acc.password)
      assertError(locked, 423, 'Locked', 'username')
      const en = await c.request('POST', `${API}/auth/login`, { body: { username: acc.username, password: acc.password }, csrf: false, headers: { 'Accept-Language': 'en' } })
      assertError(en, 423, 'Locked')
      assert.match(en.error.message, /locked/i)
      const log = await a.audit.get(`${API}/logs/logins?username=lock_me&page_size=50`)
      assert.equal(log.status, 200)
      const results = log.json.items.map((e) => e.result)
      assert.ok(results.includes('locked'), JSON.stringify(results))
      assert.equal(results.filter((x) => x === 'bad_password').length, 4, JSON.stringify(results))
      const listed = await a.sys.get(`${API}/users/${acc.id}`)
      assert.equal(listed.json.status, 'locked')
      const u = await a.sec.post(`${API}/users/${acc.id}/unlock`, {})
      assert.equal(u.status, 204, u.text)
      assert.equal((await a.sys.get(`${API}/users/${acc.id}`)).json.status, 'active')
      assert.equal((await c.login(acc.username, acc.password)).status, 200)
    })

    test('TOTP: required after enabling, wrong code refused, a used code cannot be reused', async () => {
      const acc = await createUser(a, { username: 'totp_user', unitId, role: 'officer' })
      const c = await signIn(srv.base, acc)
      await enrolTotp(c, acc)
      const anon = new Client(srv.base)
      assertError(await anon.login(acc.username, acc.password), 401, 'TotpRequired', 'totp_code')
      const step = acc.lastStep
      // a code of a step already used (the enrolment's) is refused
      assertError(await anon.login(acc.username, acc.password, codeForStep(acc.totpSecret, step)), 401, 'TotpRequired', 'totp_code')
      assertError(await anon.login(acc.username, acc.password, '12345'), 401, 'TotpRequired', 'totp_code')
      const code = await acc.code()
      const ok = await anon.login(acc.username, acc.password, code)
      assert.equal(ok.status, 200, ok.text)
      assert.equal(ok.json.user.totp_enabled, true)
      const again = await new Client(srv.base).login(acc.username, acc.password, code)
      assertError(again, 401, 'TotpRequired', 'totp_code')
      // the wrong password is still the same Unauthenticated answer, whatever the code
      assertError(await new Client(srv.base).login(acc.username, 'Wrong-Pw-123', codeForStep(acc.totpSecret, acc.lastStep + 1)), 401, 'Unauthenticated')
      const log = await a.audit.get(`${API}/logs/logins?username=totp_user&page_size=50`)
      assert.ok(log.json.items.some((e) => e.result === 'bad_totp'))
      // TOTP can be turned off by a non-administrator with a fresh code
      const off = await c.post(`${API}/auth/totp/disable`, { code: await acc.code() })
      assert.equal(off.status, 204, off.text)
      assert.equal((await new Client(srv.base).login(acc.username, acc.password)).status, 200)
    })

    test('administrators: every API but /auth/* is refused until TOTP is enrolled; they cannot turn it off', async () => {
      const acc = await createUser(a, { username: 'second_sys', unitId, role: 'sys_admin', scope: 'dept_tree' })
      const c = new Client(srv.base)
      assert.equal((await c.login(acc.username, acc.password)).status, 200)
      // the must-change-password gate comes first
      assertError(await c.get(`${API}/units/tree`), 403, 'PermissionDenied', 'password')
      const pw = newPassword()
      assert.equal((await c.post(`${API}/auth/password`, { old_password: acc.password, new_password: pw })).status, 204)
      acc.password = pw
      const me = await c.me()
      assert.equal(me.json.user.totp_required, true)
      assert.equal(me.json.user.totp_enabled, false)
      assertError(await c.get(`${API}/units/tree`), 403, 'PermissionDenied', 'totp')
      assertError(await c.get(`${API}/users`), 403, 'PermissionDenied', 'totp')
      await enrolTotp(c, acc)
      assert.equal((await c.get(`${API}/units/tree`)).status, 200)
      const off = await c.post(`${API}/auth/totp/disable`, { code: await acc.code() })
      assert.ok(off.status >= 400 && off.status < 500, off.text)
      assert.equal(off.error.field, 'code')
      assert.equal((await c.me()).json.user.totp_enabled, true)
    })

    test('forced logout: DELETE /sessions/{id} makes the victim\'s next request 401', async () => {
      const acc = await createUser(a, { username: 'victim', unitId, role: 'officer' })
      const v = await signIn(srv.base, acc)
      assert.equal((await v.get(`${API}/units/tree`)).status, 200)
      const list = await a.sec.get(`${API}/sessions`)
      const s = list.json.items.find((x) => x.user_id === acc.id)
      assert.ok(s)
      assert.equal(s.current, false)
      assert.ok(list.json.items.some((x) => x.current && x.username === 'secadmin'))
      assert.equal((await a.sec.del(`${API}/sessions/${s.id}`)).status, 204)
      assertError(await v.get(`${API}/units/tree`), 401, 'Unauthenticated')
      assertError(await v.get(`${API}/auth/me`), 401, 'Unauthenticated')
      const again = await a.sec.get(`${API}/sessions`)
      assert.ok(!again.json.items.some((x) => x.id === s.id))
      const log = await a.audit.get(`${API}/logs/logins?username=victim&page_size=50`)
      assert.ok(log.json.items.some((e) => e.result === 'forced_logout'), JSON.stringify(log.json.items.map((e) => e.result)))
    })

    test('logout clears the session (cookie expired, old token refused)', async () => {
      const acc = await createUser(a, { username: 'leaver', unitId, role: 'officer' })
      const c = await signIn(srv.base, acc)
      const r = await c.post(`${API}/auth/logout`, {})
      assert.equal(r.status, 204)
      const sc = r.headers.getSetCookie().find((x) => x.startsWith('zhifa_session='))
      assert.ok(sc, 'logout sets the cookie')
      assert.match(sc, /^zhifa_session=;/)
      assert.match(sc, /Max-Age=0/)
      assertError(await c.get(`${API}/auth/me`), 401, 'Unauthenticated')
      assertError(await c.post(`${API}/auth/logout`, {}), 401, 'Unauthenticated')
    })

    test('password complexity errors name new_password', async () => {
      const acc = await createUser(a, { username: 'pwrules', unitId, role: 'officer' })
      const c = await signIn(srv.base, acc)
      for (const bad of ['Short1!', 'alllowercaseletters', 'ALLUPPER1234567', 'Pwrules-12345', 'xx-pwrules-XX-9', acc.password]) {
        assertError(await c.post(`${API}/auth/password`, { old_password: acc.password, new_password: bad }), 400, 'InvalidArgument', 'new_password')
      }
      assertError(await c.post(`${API}/auth/password`, { old_password: 'Wrong-Old-Pw-1', new_password: newPassword() }), 400, 'InvalidArgument', 'old_password')
      assertError(await c.post(`${API}/auth/password`, { old_password: acc.password }), 400, 'InvalidArgument', 'new_password')
      assertError(await a.sec.post(`${API}/users/${acc.id}/reset-password`, { new_password: 'short' }), 400, 'InvalidArgument', 'new_password')
      assertError(await a.sys.post(`${API}/users`, { username: 'weakling', display_name: 'x', unit_id: unitId, password: 'weak' }), 400, 'InvalidArgument', 'password')
      const en = await c.post(`${API}/auth/password`, { old_password: acc.password, new_password: 'short' }, { headers: { 'Accept-Language': 'en-GB' } })
      assert.doesNotMatch(en.error.message, /[\u4e00-\u9fff]/)
    })

    test('reset-password forces a change at next login; the old password stops working', async () => {
      const acc = await createUser(a, { username: 'resetme', unitId, role: 'officer' })
      const c = await signIn(srv.base, acc)
      const old = acc.password
      const pw = newPassword()
      assert.equal((await a.sec.post(`${API}/users/${acc.id}/reset-password`, { new_password: pw })).status, 204)
      assertError(await new Client(srv.base).login(acc.username, old), 401, 'Unauthenticated')
      const n = new Client(srv.base)
      const r = await n.login(acc.username, pw)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.user.must_change_password, true)
      assertError(await n.get(`${API}/units/tree`), 403, 'PermissionDenied', 'password')
      assert.equal((await n.me()).status, 200)
      const np = newPassword()
      assert.equal((await n.post(`${API}/auth/password`, { old_password: pw, new_password: np })).status, 204)
      assert.equal((await n.get(`${API}/units/tree`)).status, 200)
      // the session from before the reset: either ended or forced to change the password
      const stale = await c.get(`${API}/units/tree`)
      assert.ok([200, 401, 403].includes(stale.status), stale.text)
      assertError(await a.sec.post(`${API}/users/${a.sec.user.id}/reset-password`, { new_password: newPassword() }), 400, 'InvalidArgument', 'id')
    })

    test('disabled user cannot sign in; the session of a disabled user ends', async () => {
      const acc = await createUser(a, { username: 'disabled1', unitId, role: 'officer' })
      const c = await signIn(srv.base, acc)
      assert.equal((await a.sys.post(`${API}/users/${acc.id}/disable`, {})).status, 200)
      assertError(await c.get(`${API}/units/tree`), 401, 'Unauthenticated')
      assertError(await new Client(srv.base).login(acc.username, acc.password), 401, 'Unauthenticated')
      assert.equal((await a.sys.post(`${API}/users/${acc.id}/enable`, {})).status, 200)
      assert.equal((await new Client(srv.base).login(acc.username, acc.password)).status, 200)
    })

    test('login body errors', async () => {
      const c = new Client(srv.base)
      assertError(await c.login('', 'x'), 400, 'InvalidArgument', 'username')
      assertError(await c.login('admin', ''), 400, 'InvalidArgument', 'password')
      assertError(await c.request('POST', `${API}/auth/login`, { body: { username: 'admin', password: 1 }, csrf: false }), 400, 'WrongType', 'password')
      assertError(await c.request('POST', `${API}/auth/login`, { body: { username: 'admin', password: 'x', remember: true }, csrf: false }), 400, 'UnknownField', 'remember')
      assertError(await c.login('nobody', 'Whatever-123'), 401, 'Unauthenticated')
    })

    test('the session cookie is HttpOnly, SameSite=Strict, Path=/; Secure behind https', async () => {
      const acc = await createUser(a, { username: 'cookie_user', unitId, role: 'officer' })
      const c = new Client(srv.base)
      const r = await c.login(acc.username, acc.password)
      assert.equal(r.status, 200)
      const sc = c.setCookieHeader
      assert.match(sc, /^zhifa_session=[A-Za-z0-9_-]{20,};/)
      assert.match(sc, /;\s*HttpOnly/i)
      assert.match(sc, /;\s*SameSite=Strict/i)
      assert.match(sc, /;\s*Path=\//)
      assert.doesNotMatch(sc, /Secure/i)
      assert.equal(r.headers.get('cache-control'), 'no-store')
      assert.equal(typeof r.json.csrf_token, 'string')
      const s = await new Client(srv.base).request('POST', `${API}/auth/login`, {
        body: { username: acc.username, password: acc.password },
        csrf: false,
        headers: { 'X-Forwarded-Proto': 'https' },
      })
      assert.equal(s.status, 200)
      assert.match(s.headers.getSetCookie().join('\n'), /;\s*Secure/i)
    })

    test('/healthz, /readyz and /metrics answer', async () => {
      const h = await fetch(`${srv.base}/healthz`)
      assert.equal(h.status, 200)
      assert.equal((await h.text()).trim(), 'ok')
      const r = await fetch(`${srv.base}/readyz`)
      assert.equal(r.status, 200)
      const m = await fetch(`${srv.base}/metrics`)
      assert.equal(m.status, 200)
      assert.match(m.headers.get('content-type'), /^text\/plain/)
      const text = await m.text()
      assert.match(text, /^# TYPE zhifa_http_requests_total counter$/m)
      assert.match(text, /^zhifa_http_requests_total\{method="POST",route="\/api\/v1\/auth\/login",class="2xx"\} [1-9]\d*$/m)
      assert.match(text, /zhifa_http_request_duration_seconds_bucket\{/)
      assert.doesNotMatch(text, /class="5xx"\} [1-9]/)
    })
  })
}

describe('login throttling per IP', () => {
  let srv
  before(async () => {
    srv = await startServer({ auth: { attempts_per_minute_per_ip: 3 } })
  })
  after(() => srv?.stop())
  test('attempts over the per-minute limit → 429 TooManyRequests', async () => {
    const c = new Client(srv.base)
    const seen = []
    for (let i = 0; i < 6; i++) seen.push((await c.login('nobody', 'Whatever-123')).status)
    assert.deepEqual(seen.slice(0, 3), [401, 401, 401])
    const last = await c.login('nobody', 'Whatever-123')
    assertError(last, 429, 'TooManyRequests')
  })
})
