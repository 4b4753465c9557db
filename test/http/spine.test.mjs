// The command→record spine: every state-changing endpoint adds at least one entry of the right
// kind to the record log (GET /logs/operations as auditadmin, newest first, by seq); a refused
// request adds none; sequence numbers have no gaps.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, Client, Account, signIn, enrolTotp, assertError, newPassword } from './lib/client.mjs'
import { codeForStep, currentStep } from './lib/totp.mjs'
import { administrators, unitIndex, createUser, headSeq, entriesSince, operations, uniqueName } from './lib/fixtures.mjs'
import { csv } from './lib/catalogue.mjs'
import { O, OFFICER_COLUMNS, newCertNo, officerBody } from './lib/officers.mjs'
import { C, caseWorld, leadBody, today } from './lib/cases.mjs'

for (const backend of BACKENDS) {
  describe(`command→record spine [${backend}]`, () => {
    let srv
    let a // administrators
    let unit // a department under 历下区 made for this file
    let user // Account of a plain user in `unit`

    /** Runs fn, then asserts the log gained entries whose kinds include every one of `kinds`. */
    async function expectRecorded(kinds, fn) {
      const before = await headSeq(a.audit)
      const r = await fn()
      const added = await entriesSince(a.audit, before)
      const got = added.map((e) => e.kind)
      for (const k of kinds) assert.ok(got.includes(k), `expected ${k} in ${JSON.stringify(got)}`)
      assert.deepEqual(added.map((e) => e.seq), added.map((_, i) => before + 1 + i), 'consecutive seq')
      return { r, added }
    }
    /** Runs fn (a refused request) and asserts that nothing was recorded. */
    async function expectNothing(fn) {
      const before = await headSeq(a.audit)
      const r = await fn()
      assert.equal(await headSeq(a.audit), before, `nothing recorded (answer ${r.status} ${r.text})`)
      return r
    }

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      const units = await unitIndex(a.sys)
      const r = await a.sys.post(`${API}/units`, { parent_id: units.byName('历下区').id, name: '记录测试局', kind: 'department' })
      assert.equal(r.status, 201, r.text)
      unit = r.json
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('create and edit a unit → unit.created, unit.updated', async () => {
      const { r, added } = await expectRecorded(['unit.created'], () =>
        a.sys.post(`${API}/units`, { parent_id: unit.id, name: '一中队', kind: 'unit' }),
      )
      assert.equal(r.status, 201)
      const e = added.find((x) => x.kind === 'unit.created')
      assert.equal(e.actor_username, 'admin')
      assert.ok(String(e.target).includes(String(r.json.id)), `target ${e.target}`)
      const { r: p } = await expectRecorded(['unit.updated'], () =>
        a.sys.patch(`${API}/units/${r.json.id}`, { version: r.json.version, name: '一中队（改）' }),
      )
      assert.equal(p.status, 200)
      await expectNothing(() => a.sys.patch(`${API}/units/${r.json.id}`, { version: r.json.version, name: 'stale' }))
      await expectNothing(() => a.sys.post(`${API}/units`, { parent_id: unit.id, name: '一中队（改）', kind: 'unit' }))
    })

    test('create, edit, disable, enable a user → user.*', async () => {
      const pw = newPassword()
      const { r } = await expectRecorded(['user.created'], () =>
        a.sys.post(`${API}/users`, { username: 'spine_user', display_name: '记录', unit_id: unit.id, password: pw }),
      )
      assert.equal(r.status, 201, r.text)
      user = new Account('spine_user', pw, { id: r.json.id })
      const { r: p } = await expectRecorded(['user.updated'], () =>
        a.sys.patch(`${API}/users/${user.id}`, { version: r.json.version, display_name: '记录二' }),
      )
      assert.equal(p.status, 200, p.text)
      await expectNothing(() => a.sys.patch(`${API}/users/${user.id}`, { version: r.json.version, display_name: 'stale' }))
      assert.equal((await expectRecorded(['user.disabled'], () => a.sys.post(`${API}/users/${user.id}/disable`, {}))).r.status, 200)
      assert.equal((await expectRecorded(['user.enabled'], () => a.sys.post(`${API}/users/${user.id}/enable`, {}))).r.status, 200)
      await expectNothing(() => a.sys.post(`${API}/users`, { username: 'spine_user', display_name: 'dup', unit_id: unit.id, password: newPassword() }))
      await expectNothing(() => a.sys.post(`${API}/users`, { username: 'spine_weak', display_name: 'weak', unit_id: unit.id, password: 'abc' }))
    })

    test('grant and revoke a role → role.granted, role.revoked', async () => {
      const { r } = await expectRecorded(['role.granted'], () =>
        a.sec.post(`${API}/users/${user.id}/roles`, { role: 'officer', unit_id: unit.id, scope: 'dept_tree' }),
      )
      assert.equal(r.status, 201, r.text)
      const tmp = await a.sec.post(`${API}/users/${user.id}/roles`, { role: 'legal_reviewer', unit_id: unit.id, scope: 'dept' })
      assert.equal(tmp.status, 201)
      const { r: d } = await expectRecorded(['role.revoked'], () => a.sec.del(`${API}/users/${user.id}/roles/${tmp.json.id}`))
      assert.equal(d.status, 204)
      await expectNothing(() => a.sec.del(`${API}/users/${user.id}/roles/${tmp.json.id}`))
      await expectNothing(() => a.sec.post(`${API}/users/${user.id}/roles`, { role: 'pope', unit_id: unit.id, scope: 'dept' }))
      await expectNothing(() => a.sec.post(`${API}/users/${user.id}/roles`, { role: 'officer', unit_id: unit.id, scope: 'galaxy' }))
    })

    test('login, password change, logout → auth.login, auth.password_changed, auth.logout', async () => {
      const c = new Client(srv.base)
      const { r } = await expectRecorded(['auth.login'], () => c.login(user.username, user.password))
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.user.must_change_password, true)
      await expectNothing(() => c.post(`${API}/auth/password`, { old_password: user.password, new_password: 'short' }))
      await expectNothing(() => c.post(`${API}/auth/password`, { old_password: 'wrong-old-Pw1!', new_password: newPassword() }))
      const pw = newPassword()
      const { r: ch } = await expectRecorded(['auth.password_changed'], () =>
        c.post(`${API}/auth/password`, { old_password: user.password, new_password: pw }),
      )
      assert.equal(ch.status, 204, ch.text)
      user.password = pw
      const { r: out } = await expectRecorded(['auth.logout'], () => c.post(`${API}/auth/logout`, {}))
      assert.equal(out.status, 204)
    })

    test('failed logins → auth.login_failed (bad password and unknown user)', async () => {
      const c = new Client(srv.base)
      const { r } = await expectRecorded(['auth.login_failed'], () => c.login(user.username, 'Wrong-Pw-123'))
      assertError(r, 401, 'Unauthenticated')
      const { r: u } = await expectRecorded(['auth.login_failed'], () => c.login('nobody_here', 'Wrong-Pw-123'))
      assertError(u, 401, 'Unauthenticated')
      assert.equal(u.error.message, r.error.message, 'same message for unknown user and bad password')
      // a malformed login request is refused before anything happens
      await expectNothing(() => c.request('POST', `${API}/auth/login`, { body: { username: user.username }, csrf: false }))
    })

    test('password reset and unlock → auth.password_reset, auth.unlocked', async () => {
      const pw = newPassword()
      const { r } = await expectRecorded(['auth.password_reset'], () => a.sec.post(`${API}/users/${user.id}/reset-password`, { new_password: pw }))
      assert.equal(r.status, 204, r.text)
      user.password = pw
      await expectNothing(() => a.sec.post(`${API}/users/${user.id}/reset-password`, { new_password: 'weak' }))
      const { r: u } = await expectRecorded(['auth.unlocked'], () => a.sec.post(`${API}/users/${user.id}/unlock`, {}))
      assert.equal(u.status, 204, u.text)
      await expectNothing(() => a.sec.post(`${API}/users/999999/unlock`, {}))
    })

    test('TOTP setup and enable → auth.totp_setup, auth.totp_enabled; a wrong code records nothing', async () => {
      const c = await signIn(srv.base, user) // changes the reset password
      const { r } = await expectRecorded(['auth.totp_setup'], () => c.post(`${API}/auth/totp/setup`, {}))
      assert.equal(r.status, 200)
      user.totpSecret = r.json.secret
      await expectNothing(() => c.post(`${API}/auth/totp/enable`, { code: wrongCode(r.json.secret) }))
      const code = await user.code()
      const { r: e } = await expectRecorded(['auth.totp_enabled'], () => c.post(`${API}/auth/totp/enable`, { code }))
      assert.equal(e.status, 204, e.text)
      user.client = c
    })

    test('forced logout → auth.session_revoked', async () => {
      const list = await a.sec.get(`${API}/sessions`)
      const s = list.json.items.find((x) => x.user_id === user.id)
      assert.ok(s, 'the user has a session')
      const { r } = await expectRecorded(['auth.session_revoked'], () => a.sec.del(`${API}/sessions/${s.id}`))
      assert.equal(r.status, 204)
      await expectNothing(() => a.sec.del(`${API}/sessions/${s.id}`))
    })

    test('refused requests (permission, CSRF, validation) record nothing', async () => {
      await expectNothing(() => a.audit.post(`${API}/units`, { parent_id: unit.id, name: 'x', kind: 'unit' }))
      await expectNothing(() => a.sys.post(`${API}/units`, { parent_id: unit.id, name: uniqueName('x'), kind: 'unit' }, { csrf: false }))
      await expectNothing(() => a.sys.post(`${API}/users/${user.id}/roles`, { role: 'officer', unit_id: unit.id, scope: 'dept' }))
      await expectNothing(() => a.sec.post(`${API}/users/${a.sec.user.id}/roles`, { role: 'officer', unit_id: unit.id, scope: 'dept' }))
      await expectNothing(() => a.sys.post(`${API}/units`, '{oops'))
    })

    test('officer register → officer.created, .updated, .status_changed, .credential_renewed, .imported', async () => {
      const head = await signIn(srv.base, await createUser(a, { username: 'spine_head', unitId: unit.id, role: 'dept_head', scope: 'dept_tree' }))
      const { r } = await expectRecorded(['officer.created'], () => head.post(O, officerBody(unit.id)))
      assert.equal(r.status, 201, r.text)
      const id = r.json.id
      const { r: p } = await expectRecorded(['officer.updated'], () => head.patch(`${O}/${id}`, { version: 1, name: '记录员' }))
      assert.equal(p.status, 200, p.text)
      await expectNothing(() => head.patch(`${O}/${id}`, { version: 1, name: 'stale' }))
      await expectNothing(() => head.patch(`${O}/${id}`, { version: 2, name: '记录员' })) // no change
      const { r: s } = await expectRecorded(['officer.status_changed'], () => head.post(`${O}/${id}/status`, { status: 'suspended', reason: '停职', version: 2 }))
      assert.equal(s.status, 200, s.text)
      await expectNothing(() => head.post(`${O}/${id}/status`, { status: 'suspended', reason: '再次', version: 3 }))
      const { r: c } = await expectRecorded(['officer.credential_renewed'], () => head.post(`${O}/${id}/credential`, { version: 3, valid_from: '2025-01-01', valid_to: '2031-12-31' }))
      assert.equal(c.status, 200, c.text)
      await expectNothing(() => head.post(`${O}/${id}/credential`, { version: 4, valid_from: '2032-01-01', valid_to: '2031-12-31' }))
      await expectNothing(() => head.post(O, officerBody(unit.id, { cert_no: r.json.cert_no })))
      await expectNothing(() => a.sys.post(O, officerBody(unit.id)))
      const row = [newCertNo('SP'), '导入员', '记录测试局', '济南市人民政府', '2024-01-01', '2030-12-31', '城市管理', '否', '', '', '']
      await expectNothing(() => head.post(`${O}/import?dry_run=true`, csv([OFFICER_COLUMNS, row]), { contentType: 'text/csv' }))
      await expectNothing(() => head.post(`${O}/import`, csv([OFFICER_COLUMNS, row, [...row.slice(0, 4), 'x']]), { contentType: 'text/csv' }))
      const { r: i } = await expectRecorded(['officer.created', 'officer.imported'], () => head.post(`${O}/import`, csv([OFFICER_COLUMNS, row]), { contentType: 'text/csv' }))
      assert.equal(i.status, 200, i.text)
    })

    test('cases: registration, simplified decision and every step → case.*; refusals record nothing', async () => {
      const w = await caseWorld(a, srv.base, 'sp')
      const o = w.officer1.c
      const { r } = await expectRecorded(['case.registered'], () => o.post(C, leadBody(w)))
      assert.equal(r.status, 201, r.text)
      const k = r.json
      const { r: s } = await expectRecorded(['case.non_coercive_recorded'], () =>
        o.post(`${C}/${k.id}/steps/non_coercive`, { version: k.version, date: today(), means: 'persuasion', note: '说服教育' }),
      )
      assert.equal(s.status, 200, s.text)
      const { r: f } = await expectRecorded(['case.filed'], () => w.head.c.post(`${C}/${k.id}/steps/file`, { version: s.json.version, date: today() }))
      assert.equal(f.status, 200, f.text)
      await expectNothing(() => w.head.c.post(`${C}/${k.id}/steps/file`, { version: s.json.version, date: today() }))
      await expectNothing(() => o.post(`${C}/${k.id}/steps/investigate`, { version: f.json.version, date: today(), kind: 'inspection', officer_ids: [w.o1.id], credentials_shown: true, summary: 'x' }))
      await expectNothing(() => o.post(C, leadBody(w, { officer_ids: [w.o1.id] })))
      const simplified = {
        unit_id: w.A.id,
        matter_code: w.small,
        title: '当场处罚',
        place: '泉城路',
        party: { kind: 'person', name: '李四', id_number: '11010519491231002X' },
        act_date: today(),
        penalty: { kinds: ['fine'], fine: 10000 },
        basis: '第四十二条',
        officer_ids: [w.o1.id, w.o2.id],
        credentials_shown: true,
      }
      const { r: sd } = await expectRecorded(['case.simplified_decided'], () => o.post(`${C}/simplified`, simplified))
      assert.equal(sd.status, 201, sd.text)
      await expectNothing(() => o.post(`${C}/simplified`, { ...simplified, penalty: { kinds: ['fine'], fine: 20001 } }))
    })

    test('the whole log: newest first, seq strictly consecutive with no gaps, paging consistent', async () => {
      const all = []
      let page = 1
      for (;;) {
        const r = await a.audit.get(`${API}/logs/operations?page=${page}&page_size=200`)
        assert.equal(r.status, 200)
        all.push(...r.json.items)
        if (r.json.items.length < 200) break
        page += 1
      }
      assert.ok(all.length > 10)
      const seqs = all.map((e) => e.seq)
      const head = seqs[0]
      assert.deepEqual(seqs, Array.from({ length: head }, (_, i) => head - i), 'seq = head … 1, no gaps')
      for (const e of all) {
        assert.equal(typeof e.kind, 'string')
        assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
      }
      const kinds = new Set(all.map((e) => e.kind))
      for (const k of ['unit.created', 'unit.updated', 'user.created', 'user.updated', 'user.disabled', 'user.enabled', 'role.granted', 'role.revoked', 'auth.login', 'auth.login_failed', 'auth.logout', 'auth.password_changed', 'auth.password_reset', 'auth.unlocked', 'auth.totp_setup', 'auth.totp_enabled', 'auth.session_revoked']) {
        assert.ok(kinds.has(k), `kind ${k} present`)
      }
      const filtered = await operations(a.audit, 'kind=auth.&page_size=200')
      assert.ok(filtered.length > 0 && filtered.every((e) => e.kind.startsWith('auth.')))
      const p2 = await a.audit.get(`${API}/logs/operations?page=2&page_size=5`)
      assert.deepEqual(p2.json.items.map((e) => e.seq), seqs.slice(5, 10))
    })
  })
}

/** A six-digit code that is none of the codes valid around now. */
function wrongCode(secret) {
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => codeForStep(secret, currentStep() + d)))
  for (let n = 0; ; n++) {
    const c = String(n).padStart(6, '0')
    if (!valid.has(c)) return c
  }
}
