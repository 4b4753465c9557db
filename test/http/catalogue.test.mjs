// The enforcement-matter catalogue over HTTP: create / versions / transfers with their record
// entries, validation naming fields, search and filters, data scope (404 outside), import of
// csv and xlsx (raw and multipart) with a problems table and all-or-nothing, 415/413, export with
// a Chinese file name (RFC 5987), and export → import giving the same catalogue.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, assertError, signIn } from './lib/client.mjs'
import { administrators, unitIndex, createUser, headSeq, entriesSince } from './lib/fixtures.mjs'
import { newCode, matterBody, csv, download, multipart, oversizedImport, TIER_COLUMNS, MATTER_COLUMNS, XLSX } from './lib/catalogue.mjs'

for (const backend of BACKENDS) {
  describe(`catalogue [${backend}]`, () => {
    let srv, a, X, Y, reviewer, city, officer

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      const units = await unitIndex(a.sys)
      const mk = async (parent, name) => {
        const r = await a.sys.post(`${API}/units`, { parent_id: units.byName(parent).id, name, kind: 'department' })
        assert.equal(r.status, 201, r.text)
        return r.json
      }
      X = await mk('历下区', '目录测试甲局')
      Y = await mk('市中区', '目录测试乙局')
      reviewer = await signIn(srv.base, await createUser(a, { username: 'cat_reviewer', unitId: X.id, role: 'legal_reviewer', scope: 'dept_tree' }))
      city = await signIn(srv.base, await createUser(a, { username: 'cat_city', unitId: Y.id, role: 'supervisor', scope: 'city' }))
      officer = await signIn(srv.base, await createUser(a, { username: 'cat_officer', unitId: X.id, role: 'officer', scope: 'dept' }))
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('create → 201 with parsed tiers, recorded; everyone reads; an officer may not write', async () => {
      const code = newCode('C')
      const seq = await headSeq(a.audit)
      const r = await reviewer.post(`${API}/catalogue/matters`, matterBody({ code, holders: [X.id] }))
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.code, code)
      assert.equal(r.json.tiers.length, 2)
      assert.equal(r.json.tiers[1].fine.min, 500000)
      assert.equal(r.json.tiers[1].fine.max, 2000000)
      assert.equal(r.json.tiers[1].band, 'heavier')
      assert.equal(r.json.range.fine.max, 2000000)
      assert.deepEqual(r.json.holders.map((h) => h.unit_id), [X.id])
      assert.equal(r.json.can_edit, true)
      const added = await entriesSince(a.audit, seq)
      assert.ok(added.some((e) => e.kind === 'catalogue.matter_created'), JSON.stringify(added.map((e) => e.kind)))
      const seen = await officer.get(`${API}/catalogue/matters/${code}`)
      assert.equal(seen.status, 200)
      assert.equal(seen.json.can_edit, false)
      assertError(await officer.post(`${API}/catalogue/matters`, matterBody({ code: newCode(), holders: [X.id] })), 403, 'PermissionDenied')
      assertError(await reviewer.post(`${API}/catalogue/matters`, matterBody({ code, holders: [X.id] })), 409, 'Conflict', 'code')
    })

    test('bad input names the field (zh and en), and nothing is written', async () => {
      const before = await headSeq(a.audit)
      assertError(await reviewer.post(`${API}/catalogue/matters`, matterBody({ code: '有 空格', holders: [X.id] })), 400, 'InvalidArgument', 'code')
      const over = matterBody({ code: newCode(), holders: [X.id] })
      over.tiers[1].standard_text = '处五千元以上三万元以下罚款'
      const r = await reviewer.post(`${API}/catalogue/matters`, over)
      assertError(r, 400, 'InvalidArgument', 'tiers[1].standard_text')
      assert.match(r.error.message, /超过法定上限2万元/)
      const en = await reviewer.post(`${API}/catalogue/matters`, over, { headers: { 'Accept-Language': 'en' } })
      assert.match(en.error.message, /exceeds the statutory maximum/)
      const unknown = matterBody({ code: newCode(), holders: [X.id] })
      unknown.tiers[0].colour = 'red'
      assertError(await reviewer.post(`${API}/catalogue/matters`, unknown), 400, 'UnknownField', 'tiers[0].colour')
      assertError(await reviewer.post(`${API}/catalogue/matters`, { ...matterBody({ code: newCode(), holders: [X.id] }), tiers: 'x' }), 400, 'WrongType', 'tiers')
      assertError(await reviewer.post(`${API}/catalogue/matters`, matterBody({ code: newCode(), holders: [X.id], from: '2023-02-30' })), 400, 'InvalidArgument', 'effective_from')
      assertError(await reviewer.post(`${API}/catalogue/matters`, { ...matterBody({ code: newCode(), holders: [X.id] }), domain: '农业' }), 400, 'InvalidArgument', 'domain')
      assertError(await reviewer.post(`${API}/catalogue/matters`, matterBody({ code: newCode(), holders: [X.id], range: '责令改正' })), 400, 'InvalidArgument', 'range_text')
      assertError(await reviewer.post(`${API}/catalogue/matters`, matterBody({ code: newCode(), holders: [Y.id] })), 404, 'NotFound', 'holder_unit_ids')
      assert.equal(await headSeq(a.audit), before)
    })

    test('list: search by code or name, filter by unit, type and domain, paged', async () => {
      const c1 = newCode('LS')
      const c2 = newCode('LS')
      assert.equal((await city.post(`${API}/catalogue/matters`, matterBody({ code: c1, holders: [X.id] }))).status, 201)
      const other = { ...matterBody({ code: c2, holders: [Y.id], range: '' }), type: 'inspection', domain: 'ecology', name: '排污单位现场检查', tiers: [] }
      assert.equal((await city.post(`${API}/catalogue/matters`, other)).status, 201)
      const byCode = await officer.get(`${API}/catalogue/matters?q=${encodeURIComponent(c1)}`)
      assert.equal(byCode.status, 200)
      assert.deepEqual(byCode.json.items.map((m) => m.code), [c1])
      assert.equal(byCode.json.items[0].tiers, 2)
      const byName = await officer.get(`${API}/catalogue/matters?q=${encodeURIComponent('排污单位')}`)
      assert.ok(byName.json.items.some((m) => m.code === c2))
      const byUnit = await officer.get(`${API}/catalogue/matters?unit_id=${Y.id}&page_size=200`)
      assert.ok(byUnit.json.items.every((m) => m.holders.some((h) => h.unit_id === Y.id)))
      assert.ok(byUnit.json.items.some((m) => m.code === c2))
      const byType = await officer.get(`${API}/catalogue/matters?type=检查&domain=生态环境`)
      assert.ok(byType.json.items.every((m) => m.type === 'inspection' && m.domain === 'ecology'))
      const page = await officer.get(`${API}/catalogue/matters?page_size=1&page=1`)
      assert.equal(page.json.items.length, 1)
      assert.ok(page.json.total >= 2)
      assertError(await officer.get(`${API}/catalogue/matters?domain=农业`), 400, 'InvalidArgument', 'domain')
      assertError(await officer.get(`${API}/catalogue/matters?on=2024-13-01`), 400, 'InvalidArgument', 'on')
      assertError(await officer.get(`${API}/catalogue/matters?page_size=0`), 400, 'InvalidArgument', 'page_size')
      assertError(await officer.get(`${API}/catalogue/matters/NO-SUCH`), 404, 'NotFound', 'matter')
    })

    test('a new version from a date; the old one stays answerable; stale lock → 409', async () => {
      const code = newCode('V')
      const made = (await reviewer.post(`${API}/catalogue/matters`, matterBody({ code, holders: [X.id] }))).json
      const body = matterBody({ from: '2025-01-01', tiers: [{ name: '一般', standard_text: '处三千元以下罚款' }] })
      const seq = await headSeq(a.audit)
      const r = await reviewer.post(`${API}/catalogue/matters/${code}/versions`, { ...body, version: made.version })
      assert.equal(r.status, 201, r.text)
      assert.ok((await entriesSince(a.audit, seq)).some((e) => e.kind === 'catalogue.version_added'))
      const v1 = (await officer.get(`${API}/catalogue/matters/${code}?on=2024-12-31`)).json
      assert.equal(v1.tiers.length, 2)
      assert.equal(v1.effective_to, '2024-12-31')
      const v2 = (await officer.get(`${API}/catalogue/matters/${code}?on=2025-01-01`)).json
      assert.equal(v2.tiers.length, 1)
      assert.equal(v2.versions.length, 2)
      assertError(await reviewer.post(`${API}/catalogue/matters/${code}/versions`, { ...body, from: undefined, effective_from: '2026-01-01', version: made.version }), 409, 'Conflict', 'version')
      assertError(await reviewer.post(`${API}/catalogue/matters/${code}/versions`, { ...matterBody({ from: '2024-06-01' }), version: v2.version }), 409, 'Conflict', 'effective_from')
      const before = (await officer.get(`${API}/catalogue/matters/${code}?on=2023-06-01`)).json
      assert.equal(before.in_force, false)
    })

    test('transfer (institutional reform): old holding ends and new starts the same day; scope follows', async () => {
      const code = newCode('TR')
      const made = (await reviewer.post(`${API}/catalogue/matters`, matterBody({ code, holders: [X.id] }))).json
      // The reviewer at X cannot hand it to Y: Y is outside the reviewer's scope.
      assertError(await reviewer.post(`${API}/catalogue/matters/${code}/transfers`, { from_unit_id: X.id, to_unit_id: Y.id, effective_from: '2025-03-01', version: made.version }), 404, 'NotFound', 'to_unit_id')
      const seq = await headSeq(a.audit)
      const r = await city.post(`${API}/catalogue/matters/${code}/transfers`, { from_unit_id: X.id, to_unit_id: Y.id, effective_from: '2025-03-01', version: made.version })
      assert.equal(r.status, 200, r.text)
      assert.ok((await entriesSince(a.audit, seq)).some((e) => e.kind === 'catalogue.holding_transferred'))
      assert.deepEqual(r.json.holdings.map((h) => [h.unit_id, h.start, h.end]), [[X.id, '2024-01-01', '2025-03-01'], [Y.id, '2025-03-01', null]])
      for (const [day, holder] of [['2025-02-28', X.id], ['2025-03-01', Y.id]]) {
        const d = (await officer.get(`${API}/catalogue/matters/${code}?on=${day}`)).json
        assert.deepEqual(d.holders.map((h) => h.unit_id), [holder], day)
      }
      // Now held by Y: the reviewer at X may read it but not change it (404, as if absent).
      const now = (await reviewer.get(`${API}/catalogue/matters/${code}`)).json
      assert.equal(now.can_edit, false)
      assertError(await reviewer.post(`${API}/catalogue/matters/${code}/versions`, { ...matterBody({ from: '2026-01-01' }), version: now.version }), 404, 'NotFound', 'matter')
      assertError(await city.post(`${API}/catalogue/matters/${code}/transfers`, { from_unit_id: X.id, to_unit_id: Y.id, effective_from: '2025-06-01', version: now.version }), 409, 'Conflict', 'from_unit_id')
      const joint = await city.post(`${API}/catalogue/matters/${code}/holders`, { unit_id: X.id, effective_from: '2026-01-01', version: now.version })
      assert.equal(joint.status, 200, joint.text)
      assert.deepEqual((await officer.get(`${API}/catalogue/matters/${code}?on=2026-01-01`)).json.holders.map((h) => h.unit_id).sort(), [X.id, Y.id].sort())
    })

    test('import checks every row, reports row/column/reason, and commits nothing on a problem', async () => {
      const code = newCode('IM')
      const rows = [
        TIER_COLUMNS,
        ['1', code, '擅自占用城市道路', '《城市道路管理条例》第四十二条', '一般', '首次', '处五千元以下罚款', '测试', ''],
        ['2', code, '擅自占用城市道路', '《城市道路管理条例》第四十二条', '严重', '再次', '处罚金', '测试', ''],
        ['x', 'NOPE-404', '', '', '一般', '', '警告', '', ''],
      ]
      const before = await headSeq(a.audit)
      const bad = await reviewer.post(`${API}/catalogue/import?effective_from=2024-01-01`, csv(rows), { contentType: 'text/csv' })
      assertError(bad, 400, 'InvalidArgument', 'file')
      const where = bad.json.problems.map((p) => `${p.row}:${p.column}`)
      assert.deepEqual(where, [`2:事项代码`, '3:具体标准', '4:序号', '4:事项代码'], JSON.stringify(bad.json.problems))
      assert.ok(bad.json.problems.every((p) => p.message_zh && p.message_en && p.message))
      assert.equal(await headSeq(a.audit), before)
      // With the matter sheet (csv of the 执法事项 layout) the matter is created; then the tiers.
      const m = await reviewer.post(`${API}/catalogue/import?effective_from=2024-01-01`,
        csv([MATTER_COLUMNS, [code, '擅自占用城市道路', '处罚', '目录测试甲局', '城市管理', '', '《城市道路管理条例》第四十二条', '可以处以2万元以下的罚款', '否', '', '否']]),
        { contentType: 'text/csv' })
      assert.equal(m.status, 200, m.text)
      assert.equal(m.json.created, 1)
      rows[2][6] = '处五千元以上二万元以下罚款'
      rows.pop()
      const dry = await reviewer.post(`${API}/catalogue/import?effective_from=2024-06-01&dry_run=true`, csv(rows), { contentType: 'text/csv' })
      assert.equal(dry.status, 200, dry.text)
      assert.equal(dry.json.versioned, 1)
      assert.equal((await officer.get(`${API}/catalogue/matters/${code}`)).json.tiers.length, 0, 'dry run wrote nothing')
      const ok = await reviewer.post(`${API}/catalogue/import?effective_from=2024-06-01`, csv(rows), { contentType: 'text/csv' })
      assert.equal(ok.status, 200, ok.text)
      assert.equal(ok.json.versioned, 1)
      assert.equal((await officer.get(`${API}/catalogue/matters/${code}`)).json.tiers.length, 2)
    })

    test('import refuses other file types (415), GBK csv (400 saying so), broken xlsx and oversized bodies', async () => {
      assertError(await reviewer.post(`${API}/catalogue/import`, 'hello', { contentType: 'text/plain' }), 415, 'UnsupportedMediaType', 'file')
      const mp = multipart('a.pdf', 'application/pdf', Buffer.from('%PDF'))
      assertError(await reviewer.post(`${API}/catalogue/import`, mp.body, { contentType: mp.contentType }), 415, 'UnsupportedMediaType', 'file')
      const gbk = Buffer.from([0xd0, 0xf2, 0xba, 0xc5, 0x2c, 0xc3, 0xfb, 0xb3, 0xc6, 0x0d, 0x0a])
      const g = await reviewer.post(`${API}/catalogue/import`, gbk, { contentType: 'text/csv' })
      assertError(g, 400, 'InvalidArgument', 'file')
      assert.match(g.error.message, /GBK/)
      const broken = await reviewer.post(`${API}/catalogue/import`, Buffer.from('PK\x03\x04garbage'), { contentType: XLSX })
      assertError(broken, 400, 'InvalidArgument', 'file')
      assert.equal(await oversizedImport(srv.port, reviewer, 2 * 1024 * 1024), 413)
      assertError(await reviewer.post(`${API}/catalogue/import?dry_run=maybe`, csv([TIER_COLUMNS]), { contentType: 'text/csv' }), 400, 'InvalidArgument', 'dry_run')
    })

    test('export xlsx/csv with a Chinese file name; export → import (raw and multipart) changes nothing', async () => {
      const x = await download(reviewer, `${API}/catalogue/export?format=xlsx&unit_id=${X.id}&on=2024-06-01`)
      assert.equal(x.status, 200)
      assert.equal(x.headers.get('content-type'), XLSX)
      const cd = x.headers.get('content-disposition')
      assert.match(cd, /^attachment; filename="catalogue\.xlsx"; filename\*=UTF-8''/)
      assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), '目录测试甲局执法事项目录_2024-06-01.xlsx')
      assert.equal(x.bytes.subarray(0, 2).toString(), 'PK')
      const c = await download(reviewer, `${API}/catalogue/export?format=csv&on=2024-06-01`)
      assert.equal(c.status, 200)
      assert.deepEqual([...c.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
      assert.ok(c.bytes.toString().includes('序号,事项代码,事项名称,法律法规依据,裁量阶次,适用条件,具体标准,裁量基准来源,备注'))
      const cm = await download(reviewer, `${API}/catalogue/export?format=csv&sheet=matters&on=2024-06-01`)
      assert.ok(cm.bytes.toString().startsWith('\ufeff事项代码,事项名称,事项类别,实施主体'))
      const raw = await reviewer.post(`${API}/catalogue/import?effective_from=2024-06-02`, x.bytes, { contentType: XLSX })
      assert.equal(raw.status, 200, raw.text)
      assert.ok(raw.json.unchanged > 0)
      assert.equal(raw.json.created + raw.json.versioned, 0, raw.text)
      const mp = multipart('目录.xlsx', 'application/octet-stream', x.bytes)
      const viaForm = await reviewer.post(`${API}/catalogue/import?effective_from=2024-06-02`, mp.body, { contentType: mp.contentType })
      assert.equal(viaForm.status, 200, viaForm.text)
      assert.equal(viaForm.json.created + viaForm.json.versioned, 0)
      assertError(await reviewer.get(`${API}/catalogue/export?format=pdf`), 400, 'InvalidArgument', 'format')
      assertError(await reviewer.get(`${API}/catalogue/export?unit_id=99999999`), 404, 'NotFound', 'unit_id')
    })

    test('meta lists the ten key domains of task (五) plus other', async () => {
      const r = await officer.get(`${API}/catalogue/meta`)
      assert.equal(r.status, 200)
      assert.deepEqual(r.json.domains.map((d) => d.zh), ['食品药品', '公共卫生', '自然资源', '生态环境', '安全生产', '劳动保障', '城市管理', '交通运输', '金融服务', '教育培训', '其他'])
      assert.deepEqual(r.json.tier_columns, TIER_COLUMNS)
    })
  })
}
