// The officer register over HTTP: create / edit / status / credential renewal with their record
// entries and optimistic versions, validation naming fields (zh and en), list filters (unit,
// status, state/expiring, domain, q) and paging, data scope (404 outside, lists show nothing
// outside), import of csv and xlsx with a problems table, all-or-nothing and dry run, export →
// import changing nothing, and the legal-reviewer ratio (action plan item 34).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, assertError, signIn } from './lib/client.mjs'
import { administrators, unitIndex, createUser, headSeq, entriesSince } from './lib/fixtures.mjs'
import { csv, download, multipart, XLSX } from './lib/catalogue.mjs'
import { O, OFFICER_COLUMNS, newCertNo, officerBody, newOfficer } from './lib/officers.mjs'

for (const backend of BACKENDS) {
  describe(`officers [${backend}]`, () => {
    let srv, a, X, Y, subX, head, headY, city, officer, reviewer, social

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      const units = await unitIndex(a.sys)
      const mk = async (parent, name, kind = 'department') => {
        const r = await a.sys.post(`${API}/units`, { parent_id: parent, name, kind })
        assert.equal(r.status, 201, r.text)
        return r.json
      }
      X = await mk(units.byName('历下区').id, '人员测试甲局')
      Y = await mk(units.byName('市中区').id, '人员测试乙局')
      subX = await mk(X.id, '人员测试一中队', 'unit')
      head = await signIn(srv.base, await createUser(a, { username: 'off_head', unitId: X.id, role: 'dept_head', scope: 'dept_tree' }))
      headY = await signIn(srv.base, await createUser(a, { username: 'off_heady', unitId: Y.id, role: 'dept_head', scope: 'dept_tree' }))
      city = await signIn(srv.base, await createUser(a, { username: 'off_city', unitId: Y.id, role: 'supervisor', scope: 'city' }))
      const officerAcc = await createUser(a, { username: 'off_officer', unitId: subX.id, role: 'officer', scope: 'dept' })
      officer = await signIn(srv.base, officerAcc)
      officer.accountId = officerAcc.id
      const reviewerAcc = await createUser(a, { username: 'off_reviewer', unitId: X.id, role: 'legal_reviewer', scope: 'dept_tree' })
      reviewer = await signIn(srv.base, reviewerAcc)
      reviewer.accountId = reviewerAcc.id
      social = await signIn(srv.base, await createUser(a, { username: 'off_social', unitId: X.id, role: 'social_supervisor', scope: 'dept_tree' }))
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('create → 201, normalised, recorded as officer.created; officers read, may not write', async () => {
      const seq = await headSeq(a.audit)
      const cert = newCertNo('ｊｎ')
      const r = await head.post(O, officerBody(subX.id, { cert_no: ` ${cert.toLowerCase()} `, domains: ['urban_management', '食品药品'], user_id: officer.accountId }))
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.cert_no, cert.replace('ｊｎ', 'JN'))
      assert.deepEqual(r.json.domains, ['food_drug', 'urban_management'])
      assert.equal(r.json.state, 'valid')
      assert.equal(r.json.credential_valid, true)
      assert.equal(r.json.user_id, officer.accountId)
      assert.equal(r.json.username, 'off_officer')
      assert.equal(r.json.unit_name, '人员测试一中队')
      assert.equal(r.json.can_edit, true)
      const added = await entriesSince(a.audit, seq)
      const e = added.find((x) => x.kind === 'officer.created')
      assert.ok(e, JSON.stringify(added.map((x) => x.kind)))
      assert.equal(e.target, `officer:${r.json.id}`)
      // The officer reads their own record (own-unit scope) but may not write.
      const mine = await officer.get(`${O}/${r.json.id}`)
      assert.equal(mine.status, 200, mine.text)
      assert.equal(mine.json.can_edit, false)
      assertError(await officer.post(O, officerBody(subX.id)), 403, 'PermissionDenied')
      assertError(await reviewer.post(O, officerBody(X.id)), 403, 'PermissionDenied')
      assertError(await social.get(O), 403, 'PermissionDenied')
      assertError(await a.sys.get(O), 403, 'PermissionDenied')
      // The same number in another spelling, and the same account again, are conflicts.
      assertError(await head.post(O, officerBody(X.id, { cert_no: cert.replace('ｊｎ', 'jn') })), 409, 'Conflict', 'cert_no')
      assertError(await head.post(O, officerBody(X.id, { user_id: officer.accountId })), 409, 'Conflict', 'user_id')
    })

    test('bad input names the field (zh and en), and nothing is written', async () => {
      const seq = await headSeq(a.audit)
      const cases = [
        [{ cert_no: '12 34' }, 400, 'InvalidArgument', 'cert_no'],
        [{ cert_no: 'AB1' }, 400, 'InvalidArgument', 'cert_no'],
        [{ name: '' }, 400, 'InvalidArgument', 'name'],
        [{ valid_from: '2025-02-30' }, 400, 'InvalidArgument', 'valid_from'],
        [{ valid_from: '2026-01-01', valid_to: '2025-01-01' }, 400, 'InvalidArgument', 'valid_to'],
        [{ domains: [] }, 400, 'InvalidArgument', 'domains'],
        [{ domains: ['ecology', '星际'] }, 400, 'InvalidArgument', 'domains[1]'],
        [{ legal_qualification: true }, 400, 'InvalidArgument', 'legal_cert_no'],
        [{ legal_cert_no: 'A2018' }, 400, 'InvalidArgument', 'legal_cert_no'],
        [{ unit_id: 'x' }, 400, 'WrongType', 'unit_id'],
        [{ colour: 'red' }, 400, 'UnknownField', 'colour'],
        [{ unit_id: Y.id }, 404, 'NotFound', 'unit_id'],
        [{ user_id: 99999999 }, 404, 'NotFound', 'user_id'],
      ]
      for (const [extra, status, code, field] of cases) {
        const r = await head.post(O, officerBody(X.id, extra))
        assertError(r, status, code, field)
      }
      const en = await head.post(O, officerBody(X.id, { cert_no: '12/34' }), { headers: { 'Accept-Language': 'en' } })
      assertError(en, 400, 'InvalidArgument', 'cert_no')
      assert.match(en.error.message, /character 3/)
      const zh = await head.post(O, officerBody(X.id, { cert_no: '12/34' }))
      assert.match(zh.error.message, /第 3 个字符/)
      assert.equal(await headSeq(a.audit), seq, 'refusals record nothing')
    })

    test('edit, status and credential renewal: versions, records, refusals', async () => {
      const o = await newOfficer(head, X.id)
      const seq = await headSeq(a.audit)
      const p = await head.patch(`${O}/${o.id}`, { version: o.version, name: '王伟伟', legal_qualification: true, legal_cert_no: 'a20183701020123', user_id: reviewer.accountId })
      assert.equal(p.status, 200, p.text)
      assert.equal(p.json.version, 2)
      assert.equal(p.json.legal_cert_no, 'A20183701020123')
      assert.equal(p.json.user_id, reviewer.accountId)
      assertError(await head.patch(`${O}/${o.id}`, { version: o.version, name: 'stale' }), 409, 'Conflict', 'version')
      const unlink = await head.patch(`${O}/${o.id}`, { version: 2, user_id: null })
      assert.equal(unlink.status, 200, unlink.text)
      assert.equal(unlink.json.user_id, null)
      const s = await head.post(`${O}/${o.id}/status`, { status: 'suspended', reason: '停职检查', version: 3 })
      assert.equal(s.status, 200, s.text)
      assert.equal(s.json.state, 'inactive')
      assertError(await head.post(`${O}/${o.id}/status`, { status: 'suspended', reason: 'again', version: 4 }), 409, 'Conflict', 'status')
      assertError(await head.post(`${O}/${o.id}/status`, { status: 'fired', reason: 'x', version: 4 }), 400, 'InvalidArgument', 'status')
      assertError(await head.post(`${O}/${o.id}/status`, { status: 'active', reason: '', version: 4 }), 400, 'InvalidArgument', 'reason')
      assert.equal((await head.post(`${O}/${o.id}/status`, { status: 'active', reason: '复岗', version: 4 })).status, 200)
      const cert = newCertNo('R')
      const r = await head.post(`${O}/${o.id}/credential`, { version: 5, cert_no: cert, valid_from: '2031-01-01', valid_to: '2035-12-31' })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.cert_no, cert)
      assert.equal(r.json.state, 'not_yet_valid')
      assertError(await head.post(`${O}/${o.id}/credential`, { version: 6, valid_from: '2031-01-01', valid_to: '2030-12-31' }), 400, 'InvalidArgument', 'valid_to')
      const kinds = (await entriesSince(a.audit, seq)).map((e) => e.kind)
      for (const k of ['officer.updated', 'officer.status_changed', 'officer.credential_renewed']) assert.ok(kinds.includes(k), `${k} in ${kinds}`)
      const upd = (await entriesSince(a.audit, seq)).find((e) => e.kind === 'officer.updated')
      assert.ok(JSON.stringify(upd.summary).includes('王伟伟'), JSON.stringify(upd))
      assert.equal(kinds.filter((k) => k.startsWith('officer.')).length, 5)
      // retired is final
      assert.equal((await head.post(`${O}/${o.id}/status`, { status: 'retired', reason: '退休', version: 6 })).status, 200)
      assertError(await head.post(`${O}/${o.id}/status`, { status: 'active', reason: '返聘', version: 7 }), 409, 'Conflict', 'status')
      assertError(await head.post(`${O}/${o.id}/credential`, { version: 7, valid_from: '2031-01-01', valid_to: '2040-12-31' }), 409, 'Conflict', 'status')
    })

    test('list filters, paging and data scope (outside → 404, lists show nothing outside)', async () => {
      const tag = `甄${Date.now().toString(36).slice(-4)}`
      const soon = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10)
      const exp = await newOfficer(head, subX.id, { name: `${tag}甲`, valid_to: soon, domains: ['生态环境'] })
      await newOfficer(head, X.id, { name: `${tag}乙`, valid_from: '2020-01-01', valid_to: '2023-12-31' })
      const other = await newOfficer(headY, Y.id, { name: `${tag}丙` })
      const list = async (c, q = '') => {
        const size = q.includes('page_size') ? '' : '&page_size=200'
        const r = await c.get(`${O}?q=${encodeURIComponent(tag)}${size}${q ? `&${q}` : ''}`)
        assert.equal(r.status, 200, r.text)
        return r.json
      }
      assert.equal((await list(city)).total, 3)
      assert.equal((await list(head)).total, 2, 'X sees only X')
      assert.equal((await list(headY)).total, 1)
      assert.deepEqual((await list(head, 'expiring=true')).items.map((o) => o.id), [exp.id])
      assert.equal((await list(head, 'state=expiring')).items[0].expiring_soon, true)
      assert.equal((await list(head, 'state=expired')).total, 1)
      assert.equal((await list(city, 'state=valid')).total, 2)
      assert.equal((await list(head, 'domain=ecology')).total, 1)
      assert.equal((await list(head, `domain=${encodeURIComponent('生态环境')}`)).total, 1)
      assert.equal((await list(head, `unit_id=${subX.id}`)).total, 1)
      assert.equal((await list(head, 'status=active')).total, 2)
      const p1 = await list(city, 'page_size=2&page=1')
      const p2 = await list(city, 'page_size=2&page=2')
      assert.equal(p1.items.length, 2)
      assert.equal(p2.items.length, 1)
      assert.ok(!p1.items.some((x) => p2.items.some((y) => y.id === x.id)))
      assertError(await head.get(`${O}?state=bogus`), 400, 'InvalidArgument', 'state')
      assertError(await head.get(`${O}?status=bogus`), 400, 'InvalidArgument', 'status')
      assertError(await head.get(`${O}?domain=bogus`), 400, 'InvalidArgument', 'domain')
      assertError(await head.get(`${O}?expiring=maybe`), 400, 'InvalidArgument', 'expiring')
      assertError(await head.get(`${O}?on=2025-13-01`), 400, 'InvalidArgument', 'on')
      assertError(await head.get(`${O}?page_size=0`), 400, 'InvalidArgument', 'page_size')
      // Outside the scope: 404, the same answer as for an id that does not exist.
      const outside = await head.get(`${O}/${other.id}`)
      const missing = await head.get(`${O}/99999999`)
      assertError(outside, 404, 'NotFound')
      assert.deepEqual(outside.error, missing.error)
      assertError(await head.patch(`${O}/${other.id}`, { version: 1, name: 'x' }), 404, 'NotFound')
      assertError(await head.post(`${O}/${other.id}/status`, { status: 'suspended', reason: 'x', version: 1 }), 404, 'NotFound')
      assertError(await head.post(`${O}/${other.id}/credential`, { version: 1, valid_from: '2024-01-01', valid_to: '2031-01-01' }), 404, 'NotFound')
      // The officer (dept scope at the sub-unit) sees only the sub-unit's officers.
      const seen = await list(officer)
      assert.deepEqual(seen.items.map((o) => o.id), [exp.id])
    })

    test('import csv: every problem by row and column, all or nothing; dry run; then applied', async () => {
      const c1 = newCertNo('I')
      const c2 = newCertNo('I')
      const good = [c1, '赵敏', '人员测试甲局', '济南市人民政府', '2025-01-01', '2029-12-31', '城市管理、食品药品', '是', 'A2019370100', '', 'off_reviewer']
      const good2 = [c2, '孙强', '人员测试甲局/人员测试一中队', '济南市人民政府', '2025-01-01', '2029-12-31', '城市管理', '否', '', '暂停执法', '']
      const bad = [newCertNo('I'), '李芳', '人员测试乙局', '济南市人民政府', '2025-01-01', '2024-12-31', '星际', '否', '', '', '']
      const seq = await headSeq(a.audit)
      const r = await head.post(`${O}/import`, csv([OFFICER_COLUMNS, good, good2, bad]), { contentType: 'text/csv' })
      assertError(r, 400, 'InvalidArgument', 'file')
      const cols = r.json.error ? r.json.problems.map((p) => `${p.row}:${p.column}`) : []
      assert.ok(cols.includes('4:有效期至'), JSON.stringify(r.json.problems))
      assert.ok(cols.includes('4:执法领域'), JSON.stringify(r.json.problems))
      assert.ok(r.json.problems.every((p) => p.message && p.sheet === '执法人员'))
      assert.equal(await headSeq(a.audit), seq, 'nothing recorded')
      // The unit outside the scope is a problem of the file once the row itself is valid.
      const outside = [...bad]
      outside[5] = '2029-12-31'
      outside[6] = '城市管理'
      const r2 = await head.post(`${O}/import`, csv([OFFICER_COLUMNS, good, outside]), { contentType: 'text/csv' })
      assertError(r2, 400, 'InvalidArgument', 'file')
      assert.deepEqual(r2.json.problems.map((p) => `${p.row}:${p.column}`), ['3:所属单位'])
      const en = await head.post(`${O}/import`, csv([OFFICER_COLUMNS, good, outside]), { contentType: 'text/csv', headers: { 'Accept-Language': 'en' } })
      assert.match(en.json.problems[0].message, /outside your data scope/)
      assert.equal(await headSeq(a.audit), seq)
      const dry = await head.post(`${O}/import?dry_run=true`, csv([OFFICER_COLUMNS, good, good2]), { contentType: 'text/csv' })
      assert.equal(dry.status, 200, dry.text)
      assert.deepEqual([dry.json.created, dry.json.updated, dry.json.dry_run], [2, 0, true])
      assert.equal(await headSeq(a.audit), seq)
      const done = await head.post(`${O}/import`, csv([OFFICER_COLUMNS, good, good2]), { contentType: 'text/csv' })
      assert.equal(done.status, 200, done.text)
      assert.equal(done.json.created, 2)
      const kinds = (await entriesSince(a.audit, seq)).map((e) => e.kind)
      assert.deepEqual(kinds.filter((k) => k === 'officer.created').length, 2)
      assert.ok(kinds.includes('officer.imported'))
      const found = await head.get(`${O}?q=${c2}`)
      assert.equal(found.json.items[0].status, 'suspended')
      assert.equal(found.json.items[0].unit_id, subX.id)
      const rv = await head.get(`${O}?q=${c1}`)
      assert.equal(rv.json.items[0].user_id, reviewer.accountId)
      assert.equal(rv.json.items[0].legal_qualification, true)
      assertError(await head.post(`${O}/import?dry_run=perhaps`, csv([OFFICER_COLUMNS, good]), { contentType: 'text/csv' }), 400, 'InvalidArgument', 'dry_run')
      assertError(await head.post(`${O}/import`, 'hello', { contentType: 'text/plain' }), 415, 'UnsupportedMediaType', 'file')
      assertError(await officer.post(`${O}/import`, csv([OFFICER_COLUMNS, good]), { contentType: 'text/csv' }), 403, 'PermissionDenied')
    })

    test('export xlsx and csv (Chinese file name) → import changes nothing; multipart upload', async () => {
      const x = await download(head, `${O}/export?format=xlsx`)
      assert.equal(x.status, 200)
      assert.equal(x.headers.get('content-type'), XLSX)
      assert.match(x.headers.get('content-disposition'), /filename\*=UTF-8''%E6%89%A7%E6%B3%95/)
      assert.equal(x.bytes.subarray(0, 2).toString(), 'PK')
      const seq = await headSeq(a.audit)
      const m = multipart('名册.xlsx', XLSX, x.bytes)
      const r = await head.post(`${O}/import`, m.body, { contentType: m.contentType })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.created + r.json.updated, 0)
      assert.ok(r.json.unchanged >= 4, r.text)
      const c = await download(head, `${O}/export?format=csv&unit_id=${subX.id}`)
      assert.equal(c.status, 200)
      const text = c.bytes.toString()
      assert.ok(text.startsWith('\ufeff执法证号,姓名,所属单位'), text.slice(0, 80))
      const r2 = await head.post(`${O}/import`, c.bytes, { contentType: 'text/csv' })
      assert.equal(r2.status, 200, r2.text)
      assert.equal(r2.json.created + r2.json.updated, 0)
      assert.equal(await headSeq(a.audit), seq, 'an unchanged import records nothing')
      assertError(await head.get(`${O}/export?format=pdf`), 400, 'InvalidArgument', 'format')
      assertError(await head.get(`${O}/export?unit_id=${Y.id}`), 404, 'NotFound', 'unit_id')
      // The export holds nothing outside the scope.
      const y = await download(headY, `${O}/export?format=csv`)
      assert.ok(!y.bytes.toString().includes('人员测试甲局'))
    })

    test('legal-reviewer ratio per department against 5 % (action plan item 34)', async () => {
      const d = await (async () => {
        const r = await a.sys.post(`${API}/units`, { parent_id: X.id, name: '人员测试内设科', kind: 'department' })
        assert.equal(r.status, 201, r.text)
        return r.json
      })()
      for (let i = 0; i < 21; i++) await newOfficer(head, d.id)
      let r = await head.get(`${O}/reviewer-ratio?unit_id=${d.id}`)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.threshold_permille, 50)
      assert.match(r.json.basis, /第34项/)
      assert.deepEqual(r.json.items.map((i) => [i.unit_id, i.officers, i.reviewers, i.required, i.meets]), [[d.id, 21, 0, 2, false]])
      await createUser(a, { username: 'off_rv1', unitId: d.id, role: 'legal_reviewer', scope: 'dept' })
      await createUser(a, { username: 'off_rv2', unitId: d.id, role: 'legal_reviewer', scope: 'dept' })
      r = await head.get(`${O}/reviewer-ratio?unit_id=${d.id}`)
      const item = r.json.items[0]
      assert.deepEqual([item.reviewers, item.meets], [2, true])
      assert.ok(Math.abs(item.percent - (200 / 21)) < 1e-9)
      // X counts its whole subtree: the reviewer at X plus the two at the sub-department.
      r = await head.get(`${O}/reviewer-ratio`)
      const x = r.json.items.find((i) => i.unit_id === X.id)
      assert.ok(x && x.reviewers === 3 && x.officers >= 21, JSON.stringify(r.json.items))
      assert.ok(!r.json.items.some((i) => i.unit_id === Y.id), 'Y is outside the scope')
      assertError(await head.get(`${O}/reviewer-ratio?unit_id=${Y.id}`), 404, 'NotFound', 'unit_id')
      assertError(await head.get(`${O}/reviewer-ratio?on=2025-02-30`), 400, 'InvalidArgument', 'on')
      assert.equal((await city.get(`${O}/reviewer-ratio`)).json.items.some((i) => i.unit_id === Y.id), true)
    })
  })
}
