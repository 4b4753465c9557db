// Every bad input gets a precise 4xx with {"error":{code, message, field}}; nothing is
// half-saved after a refusal; no 500 anywhere (checked through /metrics at the end).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, Client, assertError, flattenTree } from './lib/client.mjs'
import { administrators, unitIndex, headSeq, uniqueName } from './lib/fixtures.mjs'

const CJK = /[\u4e00-\u9fff]/

/** Sends raw bytes on a fresh connection and returns the whole answer as text. */
function rawHttp(port, data) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    let out = ''
    sock.on('data', (d) => (out += d.toString()))
    sock.on('end', () => resolve(out))
    sock.on('close', () => resolve(out))
    sock.on('error', (e) => (out ? resolve(out) : reject(e)))
    sock.write(data)
    setTimeout(() => sock.destroy(), 5000).unref()
  })
}

function parseRaw(text) {
  const [head, ...rest] = text.split('\r\n\r\n')
  const status = Number(head.split(' ')[1])
  let json = null
  try {
    json = JSON.parse(rest.join('\r\n\r\n'))
  } catch {
    /* not json */
  }
  return { status, head, json, error: json?.error, text }
}

for (const backend of BACKENDS) {
  describe(`errors [${backend}]`, () => {
    let srv
    let admins
    let units
    let sys
    const unitBody = (over = {}) => ({ parent_id: units.byName('历下区').id, name: uniqueName('错误测试'), kind: 'department', ...over })

    before(async () => {
      srv = await startServer({ backend })
      admins = await administrators(srv.base)
      sys = admins.sys
      units = await unitIndex(sys)
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit: ${JSON.stringify(r)}\n${srv.log().slice(-3000)}`)
      }
    })

    test('malformed JSON → 400 MalformedJson', async () => {
      const r = await sys.post(`${API}/units`, '{"parent_id": 1, "name": ')
      const e = assertError(r, 400, 'MalformedJson')
      assert.match(e.message, CJK)
    })

    test('a JSON value that is not an object → 400 WrongType', async () => {
      assertError(await sys.post(`${API}/units`, '[1,2]'), 400, 'WrongType')
    })

    test('wrong type names the field', async () => {
      assertError(await sys.post(`${API}/units`, unitBody({ parent_id: 'x' })), 400, 'WrongType', 'parent_id')
      assertError(await sys.post(`${API}/units`, unitBody({ name: 12 })), 400, 'WrongType', 'name')
      assertError(await sys.post(`${API}/units`, unitBody({ parent_id: 1.5 })), 400, 'WrongType', 'parent_id')
      const u = units.byName('历下区')
      assertError(await sys.patch(`${API}/units/${u.id}`, { version: '1' }), 400, 'WrongType', 'version')
    })

    test('unknown field is named', async () => {
      assertError(await sys.post(`${API}/units`, unitBody({ colour: 'red' })), 400, 'UnknownField', 'colour')
    })

    test('missing required field → InvalidArgument with the field', async () => {
      const b = unitBody()
      delete b.parent_id
      assertError(await sys.post(`${API}/units`, b), 400, 'InvalidArgument', 'parent_id')
      assertError(await sys.post(`${API}/units`, unitBody({ name: null })), 400, 'InvalidArgument', 'name')
      assertError(await sys.post(`${API}/units`, {}), 400, 'InvalidArgument')
      const u = units.byName('历下区')
      assertError(await sys.patch(`${API}/units/${u.id}`, { name: 'x' }), 400, 'InvalidArgument', 'version')
    })

    test('invalid values name the field', async () => {
      assertError(await sys.post(`${API}/units`, unitBody({ kind: 'planet' })), 400, 'InvalidArgument', 'kind')
      assertError(await sys.post(`${API}/units`, unitBody({ name: '   ' })), 400, 'InvalidArgument', 'name')
      assertError(await sys.post(`${API}/units`, unitBody({ name: 'x'.repeat(101) })), 400, 'InvalidArgument', 'name')
    })

    // Beast checks Content-Length against body_limit while reading the header; the server answers
    // 413 from there without reading the body.
    test('body over 1 MiB → 413 PayloadTooLarge (declared Content-Length)', async () => {
      const head =
        `POST ${API}/units HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Cookie: ${sys.cookie}\r\nX-CSRF-Token: ${sys.csrf}\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`
      const r = parseRaw(await rawHttp(srv.port, head + '{"name":"'))
      assert.equal(r.status, 413, `answer: ${JSON.stringify(r.text.slice(0, 300))}`)
      assert.equal(r.error?.code, 'PayloadTooLarge')
    })

    test('body over 1 MiB → 413 PayloadTooLarge (chunked, no length)', async () => {
      const chunk = 'x'.repeat(64 * 1024)
      let body = ''
      for (let i = 0; i < 18; i++) body += `${chunk.length.toString(16)}\r\n${chunk}\r\n`
      body += '0\r\n\r\n'
      const head =
        `POST ${API}/units HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Cookie: ${sys.cookie}\r\nX-CSRF-Token: ${sys.csrf}\r\nTransfer-Encoding: chunked\r\n\r\n`
      const r = parseRaw(await rawHttp(srv.port, head + body))
      assert.equal(r.status, 413, r.text.slice(0, 500))
      assert.equal(r.error?.code, 'PayloadTooLarge')
    })

    test('a body just under the limit is parsed (not 413)', async () => {
      const r = await sys.post(`${API}/units`, JSON.stringify({ ...unitBody(), short_name: 'x'.repeat(1000 * 1000) }))
      assert.equal(r.status, 400, r.text.slice(0, 300))
      assert.equal(r.error.field, 'short_name')
    })

    test('invalid UTF-8 → 400 InvalidUtf8', async () => {
      const body = Buffer.concat([Buffer.from('{"parent_id":1,"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","kind":"unit"}')])
      assertError(await sys.post(`${API}/units`, body), 400, 'InvalidUtf8')
      // overlong encoding of '/' and a lone surrogate
      assertError(await sys.post(`${API}/units`, Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])), 400, 'InvalidUtf8')
      assertError(await sys.post(`${API}/units`, Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d])), 400, 'InvalidUtf8')
    })

    test('non-JSON content type → 415 UnsupportedMediaType', async () => {
      const r = await sys.post(`${API}/units`, JSON.stringify(unitBody()), { contentType: 'text/plain' })
      assertError(r, 415, 'UnsupportedMediaType')
      const f = await sys.post(`${API}/units`, 'parent_id=1&name=x&kind=unit', { contentType: 'application/x-www-form-urlencoded' })
      assertError(f, 415, 'UnsupportedMediaType')
    })

    test('a content type that merely mentions application/json is not JSON → 415', async () => {
      const r = await sys.post(`${API}/units`, JSON.stringify(unitBody()), { contentType: 'text/plain; x=application/json' })
      assertError(r, 415, 'UnsupportedMediaType', 'Content-Type')
    })

    test('control characters (U+0000) in a unit name are refused, field name', async () => {
      const r = await sys.post(`${API}/units`, JSON.stringify(unitBody()).replace(/"name":"/, '"name":"\\u0000'))
      assertError(r, 400, 'InvalidArgument', 'name')
    })

    test('JSON parameters: charset accepted, nesting and huge numbers are refused cleanly', async () => {
      const ok = await sys.post(`${API}/units`, JSON.stringify(unitBody()), { contentType: 'application/json; charset=utf-8' })
      assert.equal(ok.status, 201, ok.text)
      assertError(await sys.post(`${API}/units`, '['.repeat(500000)), 400, 'MalformedJson')
      assertError(await sys.post(`${API}/units`, '['.repeat(50000) + ']'.repeat(50000)), 400, 'WrongType')
      assertError(await sys.post(`${API}/units`, JSON.stringify(unitBody()).replace(/"parent_id":\d+/, '"parent_id":99999999999999999999')), 400, 'WrongType', 'parent_id')
      assertError(await sys.post(`${API}/units`, JSON.stringify(unitBody({ parent_id: -5 }))), 404, 'NotFound', 'parent_id')
    })

    test('a number too large for a double (1e400) → 400, not 500', async () => {
      const r1 = await sys.post(`${API}/units`, JSON.stringify(unitBody()).replace(/"parent_id":\d+/, '"parent_id":1e400'))
      const r2 = await new Client(srv.base).request('POST', `${API}/auth/login`, { body: '{"username":"a","password":"b","totp_code":-1e999}', csrf: false })
      assertError(r1, 400, 'MalformedJson')
      assertError(r2, 400, 'MalformedJson')
    })

    test('unknown /api path → 404 NotFound (signed in or not)', async () => {
      assertError(await sys.get(`${API}/no-such-thing`), 404, 'NotFound')
      assertError(await new Client(srv.base).get(`${API}/no-such-thing`), 404, 'NotFound')
      assertError(await sys.get('/api/v2/units/tree'), 404, 'NotFound')
      assertError(await sys.post(`${API}/units/tree/extra`, {}), 404, 'NotFound')
    })

    test('wrong method → 405 MethodNotAllowed with the Allow header', async () => {
      for (const [m, p, allow] of [['PUT', '/units/tree', /GET, HEAD/], ['DELETE', '/units/1001', /GET/], ['POST', '/auth/me', /GET/], ['GET', '/auth/logout', /POST/], ['PATCH', '/users', /GET, HEAD.*POST|POST.*GET, HEAD/]]) {
        const r = await sys.request(m, API + p, m === 'GET' ? {} : { body: {} })
        assertError(r, 405, 'MethodNotAllowed', 'method')
        assert.match(r.headers.get('allow') ?? '', allow, `${m} ${p}: Allow ${r.headers.get('allow')}`)
        assert.doesNotMatch(r.headers.get('allow') ?? '', new RegExp(`\\b${m}\\b`), `${m} ${p}`)
      }
    })

    test('messages are Chinese by default, English with Accept-Language: en-US', async () => {
      const zh = await sys.post(`${API}/units`, unitBody({ colour: 1 }))
      assert.match(zh.error.message, CJK)
      const en = await sys.post(`${API}/units`, unitBody({ colour: 1 }), { headers: { 'Accept-Language': 'en-US,en;q=0.9' } })
      assertError(en, 400, 'UnknownField', 'colour')
      assert.doesNotMatch(en.error.message, CJK)
      assert.match(en.error.message, /[a-z]/)
      const anon = new Client(srv.base, { lang: 'en-US' })
      const u = await anon.get(`${API}/units/tree`)
      assertError(u, 401, 'Unauthenticated')
      assert.doesNotMatch(u.error.message, CJK)
      const zhAnon = await new Client(srv.base, { lang: 'zh-CN,zh;q=0.9,en;q=0.5' }).get(`${API}/units/tree`)
      assert.match(zhAnon.error.message, CJK)
    })

    test('unauthenticated → 401 Unauthenticated', async () => {
      const anon = new Client(srv.base)
      for (const p of ['/units/tree', '/users', '/auth/me', '/logs/operations', '/sessions', '/units/1001']) {
        assertError(await anon.get(API + p), 401, 'Unauthenticated')
      }
      assertError(await anon.post(`${API}/units`, unitBody()), 401, 'Unauthenticated')
      assertError(await anon.get(`${API}/units/tree`, { cookie: 'zhifa_session=not-a-real-token' }), 401, 'Unauthenticated')
    })

    test('missing or wrong CSRF token → 403 CsrfMismatch', async () => {
      const before = await headSeq(admins.audit)
      assertError(await sys.post(`${API}/units`, unitBody(), { csrf: false }), 403, 'CsrfMismatch')
      assertError(await sys.post(`${API}/units`, unitBody(), { csrfToken: 'wrong' }), 403, 'CsrfMismatch')
      assertError(await sys.post(`${API}/units`, unitBody(), { csrfToken: admins.sec.csrf }), 403, 'CsrfMismatch')
      assertError(await sys.post(`${API}/auth/logout`, undefined, { csrf: false }), 403, 'CsrfMismatch')
      assert.equal(await headSeq(admins.audit), before, 'nothing recorded')
      assert.equal((await sys.me()).status, 200, 'session survived')
    })

    test('bad id in path → 400 with the field', async () => {
      for (const bad of ['abc', '0', '-1', '1x', '99999999999999999999999', '1.0']) {
        assertError(await sys.get(`${API}/units/${bad}`), 400, 'InvalidArgument', 'id')
        assertError(await sys.get(`${API}/users/${bad}`), 400, 'InvalidArgument', 'id')
      }
      assertError(await sys.patch(`${API}/units/abc`, { version: 1 }), 400, 'InvalidArgument', 'id')
      assertError(await admins.sec.del(`${API}/users/abc/roles/1`), 400, 'InvalidArgument', 'id')
      assertError(await admins.sec.del(`${API}/users/1059/roles/abc`), 400, 'InvalidArgument', 'assignment_id')
      assertError(await admins.sec.post(`${API}/users/x/unlock`, {}), 400, 'InvalidArgument', 'id')
    })

    test('bad query parameters name the parameter', async () => {
      assertError(await sys.get(`${API}/users?page_size=0`), 400, 'InvalidArgument', 'page_size')
      assertError(await sys.get(`${API}/users?page=abc`), 400, 'InvalidArgument', 'page')
      assertError(await sys.get(`${API}/users?page_size=201`), 400, 'InvalidArgument', 'page_size')
      assertError(await sys.get(`${API}/users?unit_id=x`), 400, 'InvalidArgument', 'unit_id')
      assertError(await admins.audit.get(`${API}/logs/operations?from=yesterday`), 400, 'InvalidArgument', 'from')
      assertError(await admins.audit.get(`${API}/logs/logins?to=2026-13-40`), 400, 'InvalidArgument', 'to')
    })

    test('record that does not exist → 404 NotFound', async () => {
      assertError(await sys.get(`${API}/units/999999`), 404, 'NotFound')
      assertError(await sys.get(`${API}/users/999999`), 404, 'NotFound')
      assertError(await sys.patch(`${API}/units/999999`, { version: 1, name: 'x' }), 404, 'NotFound')
      assertError(await admins.sec.del(`${API}/sessions/nope`), 404, 'NotFound')
    })

    test('stale version on PATCH /units/{id} → 409 Conflict; the fresh one applies', async () => {
      const made = await sys.post(`${API}/units`, unitBody())
      assert.equal(made.status, 201, made.text)
      const id = made.json.id
      const v = made.json.version
      const ok = await sys.patch(`${API}/units/${id}`, { version: v, short_name: '一' })
      assert.equal(ok.status, 200, ok.text)
      assert.equal(ok.json.version, v + 1)
      const stale = await sys.patch(`${API}/units/${id}`, { version: v, short_name: '二' })
      assertError(stale, 409, 'Conflict')
      const now = await sys.get(`${API}/units/${id}`)
      assert.equal(now.json.short_name, '一')
      assert.equal(now.json.version, v + 1)
    })

    test('a refused unit creation leaves no unit and no record entry', async () => {
      const before = await headSeq(admins.audit)
      const name = uniqueName('拒绝')
      const city = units.byName('济南市')
      const lixia = units.byName('历下区')
      const refusals = [
        [unitBody({ name, kind: 'planet' }), 400, 'InvalidArgument', 'kind'],
        [unitBody({ name, kind: 'city' }), 400, 'InvalidArgument'], // a city under a district
        [unitBody({ name, parent_id: 999999 }), 404, 'NotFound'],
        [unitBody({ name, colour: 1 }), 400, 'UnknownField', 'colour'],
        [unitBody({ name, parent_id: lixia.id, kind: 'district' }), 400, 'InvalidArgument'],
        [unitBody({ name: units.byName('市市场监管局').name, parent_id: city.id }), 409, 'Conflict', 'name'],
      ]
      for (const [body, status, code, field] of refusals) {
        assertError(await sys.post(`${API}/units`, body), status, code, field)
      }
      assertError(await admins.sec.post(`${API}/units`, unitBody({ name })), 403, 'PermissionDenied')
      assert.equal(await headSeq(admins.audit), before, 'no record entry after refusals')
      const tree = flattenTree((await sys.get(`${API}/units/tree`)).json)
      assert.ok(!tree.some((u) => u.name === name), 'no half-saved unit')
    })

    test('refused user creation leaves no user and no record entry', async () => {
      const before = await headSeq(admins.audit)
      const lixia = units.byName('历下区')
      const refusals = [
        [{ username: 'Bad Name', display_name: 'x', unit_id: lixia.id, password: 'Aa-1234567890' }, 400, 'InvalidArgument', 'username'],
        [{ username: 'weakpw', display_name: 'x', unit_id: lixia.id, password: 'short' }, 400, 'InvalidArgument', 'password'],
        [{ username: 'nounit', display_name: 'x', unit_id: 999999, password: 'Aa-1234567890' }, 404, 'NotFound'],
        [{ username: 'admin', display_name: 'x', unit_id: lixia.id, password: 'Aa-1234567890' }, 409, 'Conflict', 'username'],
        [{ username: 'nodisplay', display_name: '', unit_id: lixia.id, password: 'Aa-1234567890' }, 400, 'InvalidArgument', 'display_name'],
      ]
      for (const [body, status, code, field] of refusals) {
        assertError(await sys.post(`${API}/users`, body), status, code, field)
      }
      assert.equal(await headSeq(admins.audit), before)
      const list = await sys.get(`${API}/users?q=nounit`)
      assert.equal(list.json.total, 0)
    })

    test('no 500 was answered during this file (from /metrics)', async () => {
      const r = await fetch(`${srv.base}/metrics`)
      const text = await r.text()
      const bad = []
      for (const m of text.matchAll(/^zhifa_http_requests_total\{method="[A-Z]+",route="([^"]+)",class="5xx"\} (\d+)$/gm)) {
        if (Number(m[2]) > 0) bad.push(m[0])
      }
      assert.deepEqual(bad, [])
    })
  })
}
