// Working-day calendar and statutory time limits over HTTP: the calculators, loading a year
// (permission, line/field errors, nothing half-loaded, --replace, the record entry, the
// provisional flag disappearing), the rule table, deadlines, the surcharge, department
// overrides, and (PostgreSQL) a second node picking up a loaded year.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, signIn, assertError } from './lib/client.mjs'
import { administrators, unitIndex, createUser, headSeq, entriesSince, uniqueName } from './lib/fixtures.mjs'

const YEAR_2027 = `{
  "year": 2027,
  "papers": ["https://www.gov.cn/example"],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06",
     "isOffDay": "yes"}
  ]
}
`
const put = (c, path, body) => c.request('PUT', path, { body })

for (const backend of BACKENDS) {
  describe(`calendar and time limits [${backend}]`, () => {
    let srv
    let a
    let units
    let officer
    let supervisor
    let officerAccount

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      units = await unitIndex(a.sys)
      const dept = units.byName('历下区')
      const o = await createUser(a, { username: uniqueName('off'), unitId: dept.id, role: 'officer' })
      officer = await signIn(srv.base, o)
      officerAccount = o
      const s = await createUser(a, { username: uniqueName('sup'), unitId: dept.id, role: 'supervisor' })
      supervisor = await signIn(srv.base, s)
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('the three calculators around 国庆 2025', async () => {
      let r = await officer.get(`${API}/calendar/is-working-day?date=2025-10-01`)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.working, false)
      assert.equal(r.json.kind, 'holiday')
      assert.equal(r.json.name, '国庆节、中秋节')
      r = await officer.get(`${API}/calendar/is-working-day?date=2025-10-11`)
      assert.equal(r.json.working, true)
      assert.equal(r.json.kind, 'makeup')
      r = await officer.get(`${API}/calendar/add-working-days?date=2025-09-30&n=7`)
      assert.equal(r.json.result, '2025-10-16')
      assert.equal(r.json.provisional, false)
      r = await officer.get(`${API}/calendar/add-working-days?date=2025-10-01&n=0`)
      assert.equal(r.json.result, '2025-10-01')
      r = await officer.get(`${API}/calendar/count-working-days?from=2025-09-30&to=2025-10-16`)
      assert.equal(r.json.count, 7)
      r = await officer.get(`${API}/calendar/month?year=2026&month=2`)
      assert.equal(r.status, 200)
      assert.equal(r.json.days.length, 28)
      assert.equal(r.json.days[13].kind, 'makeup') // 2026-02-14
      assert.equal(r.json.days[16].kind, 'holiday') // 2026-02-17 春节
      assert.equal(r.json.days[16].name, '春节')
      assert.equal(r.json.provisional, false)
    })

    test('bad calculator input names the parameter', async () => {
      assertError(await officer.get(`${API}/calendar/is-working-day?date=2023-02-30`), 400, 'InvalidArgument', 'date')
      assertError(await officer.get(`${API}/calendar/is-working-day`), 400, 'InvalidArgument', 'date')
      assertError(await officer.get(`${API}/calendar/add-working-days?date=2025-01-01&n=-1`), 400, 'InvalidArgument', 'n')
      assertError(await officer.get(`${API}/calendar/add-working-days?date=2025-01-01&n=x`), 400, 'InvalidArgument', 'n')
      assertError(await officer.get(`${API}/calendar/add-working-days?date=2025-01-01&n=50000000`), 400, 'InvalidArgument', 'n')
      assertError(await officer.get(`${API}/calendar/count-working-days?from=2025-02-01&to=2025-01-01`), 400, 'InvalidArgument', 'to')
      assertError(await officer.get(`${API}/calendar/is-working-day?date=1900-01-01`), 400, 'InvalidArgument', 'date')
      assertError(await officer.get(`${API}/calendar/month?year=2026&month=13`), 400, 'InvalidArgument', 'month')
    })

    test('shipped years 2007–2026; beyond is provisional', async () => {
      const r = await officer.get(`${API}/calendar/years`)
      assert.equal(r.status, 200)
      const years = r.json.items.map((y) => y.year)
      assert.equal(years[0], 2007)
      assert.equal(r.json.last_loaded_year, 2026)
      assert.ok(!years.includes(2027), 'the empty 2027 placeholder is not loaded')
      assert.ok(r.json.items.every((y) => y.source === 'embedded'))
      const add = await officer.get(`${API}/calendar/add-working-days?date=2026-12-28&n=5`)
      assert.equal(add.json.provisional, true)
      assert.equal(add.json.result, '2027-01-04')
    })

    test('loading a year: permission, line/field errors, nothing half-loaded', async () => {
      assertError(await officer.post(`${API}/calendar/years`, { content: YEAR_2027 }), 403, 'PermissionDenied')
      assertError(await supervisor.post(`${API}/calendar/years`, { content: YEAR_2027 }), 403, 'PermissionDenied')
      const seq = await headSeq(a.audit)
      let r = await a.sys.post(`${API}/calendar/years`, { content: YEAR_2027 })
      const e = assertError(r, 400, 'InvalidArgument', 'days[1].isOffDay')
      assert.match(e.message, /^第7行 days\[1\]\.isOffDay: 应为布尔值/)
      r = await a.sys.post(`${API}/calendar/years`, { content: YEAR_2027 }, { headers: { 'Accept-Language': 'en' } })
      assert.match(r.error.message, /^line 7 days\[1\]\.isOffDay: expected a boolean/)
      // A Monday as a make-up working day; a duplicate date; a date of another year.
      const bad = [
        ['{"year": 2027, "days": [{"name": "x", "date": "2027-01-04", "isOffDay": false}]}', 'days[0].isOffDay'],
        ['{"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": true}, {"name": "x", "date": "2027-01-01", "isOffDay": true}]}', 'days[1].date'],
        ['{"year": 2027, "days": [{"name": "x", "date": "2029-01-01", "isOffDay": true}]}', 'days[0].date'],
        ['{"year": 2027, "papers": [], "days": []}', 'days'],
        ['{"year": 2027, "days": [', 'file'],
      ]
      for (const [content, field] of bad) {
        assertError(await a.sys.post(`${API}/calendar/years`, { content }), 400, 'InvalidArgument', field)
      }
      assert.equal(await headSeq(a.audit), seq, 'refused loads record nothing')
      r = await officer.get(`${API}/calendar/years`)
      assert.equal(r.json.last_loaded_year, 2026, 'nothing half-loaded')
    })

    test('loading 2027 is recorded and removes the provisional flag; replacing needs the flag', async () => {
      const good = YEAR_2027.replace('"yes"', 'true')
      const seq = await headSeq(a.audit)
      let r = await a.sys.post(`${API}/calendar/years`, { content: good })
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.year, 2027)
      assert.match(r.json.sha256, /^[0-9a-f]{64}$/)
      const added = await entriesSince(a.audit, seq)
      const ev = added.find((x) => x.kind === 'calendar.year_loaded')
      assert.ok(ev, JSON.stringify(added))
      const payload = ev.summary
      assert.equal(payload.year, 2027)
      assert.equal(payload.sha256, r.json.sha256)
      assert.equal(payload.origin, 'http')
      assert.equal(ev.actor_id, a.sys.user.id)

      r = await officer.get(`${API}/calendar/add-working-days?date=2026-12-28&n=5`)
      assert.equal(r.json.provisional, false)
      assert.equal(r.json.result, '2027-01-05') // 2027-01-01 is now a holiday
      r = await officer.get(`${API}/calendar/years`)
      assert.equal(r.json.last_loaded_year, 2027)
      assert.equal(r.json.items.at(-1).source, 'database')

      assertError(await a.sys.post(`${API}/calendar/years`, { content: good }), 409, 'Conflict', 'replace')
      const shipped2026 = '{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}]}'
      assertError(await a.sys.post(`${API}/calendar/years`, { content: shipped2026 }), 409, 'Conflict', 'replace')
      const without = good.replace('{"name": "元旦", "date": "2027-01-01", "isOffDay": true},', '')
      r = await a.sys.post(`${API}/calendar/years`, { content: without, replace: true })
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.replaced, true)
      r = await officer.get(`${API}/calendar/add-working-days?date=2026-12-28&n=5`)
      assert.equal(r.json.result, '2027-01-04')
    })

    test('the rule table cites its articles', async () => {
      const r = await officer.get(`${API}/time-limits`)
      assert.equal(r.status, 200)
      assert.ok(r.json.items.length >= 20)
      const byId = Object.fromEntries(r.json.items.map((x) => [x.id, x]))
      assert.equal(byId['penalty.decision'].citation, '《行政处罚法》第六十条')
      assert.equal(byId['penalty.decision'].amount, 90)
      assert.equal(byId['penalty.hearing_request'].day_type, 'working')
      assert.equal(byId['compulsion.seizure'].extension_max, 30)
      assert.equal(byId['transfer.to_police'].day_type, 'hours')
      assert.ok(r.json.items.every((x) => x.citation && x.name_zh && x.name_en))
    })

    test('deadlines and the surcharge', async () => {
      let r = await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-07-04' })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.due_date, '2025-10-09')
      assert.equal(r.json.rolled, true)
      r = await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.payment', start: '2025-09-23', roll: false })
      assert.equal(r.json.due_date, '2025-10-08')
      r = await officer.post(`${API}/time-limits/compute`, {
        rule_id: 'compulsion.seizure', start: '2025-09-01', paused: ['2025-09-10/2025-09-19'],
      })
      assert.equal(r.json.due_date, '2025-10-11')
      assert.equal(r.json.paused_days, 10)
      r = await officer.post(`${API}/time-limits/compute`, { rule_id: 'compulsion.emergency_approval', start: '2025-09-30T20:00:00+08:00' })
      assert.equal(r.json.due_at, '2025-10-01T12:00:00.000000Z')
      let e = assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'compulsion.seizure', start: '2025-09-01', extension: 31 }), 400, 'InvalidArgument', 'extension')
      assert.match(e.message, /第二十五条/)
      assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'nope', start: '2025-09-01' }), 400, 'InvalidArgument', 'rule_id')
      assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-13-01' }), 400, 'InvalidArgument', 'start')
      assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-01-01', paused: ['2025-01-10'] }), 400, 'InvalidArgument', 'paused[0]')
      assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-01-01', paused: ['2025-01-10/2025-01-11', 7] }), 400, 'WrongType', 'paused')
      assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-01-01', x: 1 }), 400, 'UnknownField', 'x')

      r = await officer.post(`${API}/time-limits/surcharge`, { fine_fen: 100000, due_date: '2025-10-09', as_of: '2025-10-19', paused: ['2025-10-12/2025-10-15'] })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.overdue_days, 6)
      assert.equal(r.json.surcharge_fen, 18000)
      r = await officer.post(`${API}/time-limits/surcharge`, { fine_fen: 100000, due_date: '2025-10-09', as_of: '2026-01-01' })
      assert.equal(r.json.surcharge_fen, 100000)
      assert.equal(r.json.capped, true)
      assertError(await officer.post(`${API}/time-limits/surcharge`, { fine_fen: 0, due_date: '2025-10-09', as_of: '2026-01-01' }), 400, 'InvalidArgument', 'fine_fen')
    })

    test('department overrides: supervisor only, validated, recorded, applied', async () => {
      const unit = units.byName('历下区')
      const body = { rule_id: 'penalty.decision', unit_id: unit.id, kind: 'period', amount: 120, reason: '行业规章规定', basis: '某行业行政处罚程序规定 第X条' }
      assertError(await put(a.sys, `${API}/time-limits/overrides`, body), 403, 'PermissionDenied')
      assertError(await put(officer, `${API}/time-limits/overrides`, body), 403, 'PermissionDenied')
      let e = assertError(await put(supervisor, `${API}/time-limits/overrides`, { ...body, rule_id: 'penalty.service' }), 400, 'InvalidArgument', 'kind')
      assert.match(e.message, /第六十一条/)
      assertError(await put(supervisor, `${API}/time-limits/overrides`, { ...body, amount: 400 }), 400, 'InvalidArgument', 'amount')
      assertError(await put(supervisor, `${API}/time-limits/overrides`, { ...body, reason: ' ' }), 400, 'InvalidArgument', 'reason')
      assertError(await put(supervisor, `${API}/time-limits/overrides`, { ...body, unit_id: 999999999 }), 404, 'NotFound', 'unit_id')
      // Outside the supervisor's data scope (历下区 tree): the same answer as a unit that does not exist.
      assertError(await put(supervisor, `${API}/time-limits/overrides`, { ...body, unit_id: units.byName('市中区').id }), 404, 'NotFound', 'unit_id')
      assertError(await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-07-04', unit_id: 999999999 }), 404, 'NotFound', 'unit_id')
      const seq = await headSeq(a.audit)
      let r = await put(supervisor, `${API}/time-limits/overrides`, body)
      assert.equal(r.status, 200, r.text)
      const id = r.json.id
      assert.ok((await entriesSince(a.audit, seq)).some((x) => x.kind === 'time_limit.override_set'))
      r = await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-07-04', unit_id: unit.id })
      assert.equal(r.json.due_date, '2025-11-03')
      assert.equal(r.json.override_applied, true)
      r = await put(supervisor, `${API}/time-limits/overrides`, { rule_id: 'transfer.head_decision', unit_id: unit.id, kind: 'day_type', day_type: 'working', reason: '本部门统一按工作日', basis: '部门决定' })
      assert.equal(r.status, 200, r.text)
      r = await officer.post(`${API}/time-limits/compute`, { rule_id: 'transfer.head_decision', start: '2025-09-30', unit_id: unit.id })
      assert.equal(r.json.due_date, '2025-10-11')
      r = await officer.get(`${API}/time-limits/overrides`)
      assert.equal(r.json.items.length, 2)
      assert.ok(r.json.items.every((x) => x.reason && x.basis && x.unit_name === '历下区'))
      // A city-wide supervisor sets one for 市中区; the 历下区 supervisor cannot remove it (404).
      const cs = await createUser(a, { username: uniqueName('csup'), unitId: unit.id, role: 'supervisor', scope: 'city' })
      const citySup = await signIn(srv.base, cs)
      r = await put(citySup, `${API}/time-limits/overrides`, { ...body, unit_id: units.byName('市中区').id })
      assert.equal(r.status, 200, r.text)
      assertError(await supervisor.del(`${API}/time-limits/overrides/${r.json.id}`), 404, 'NotFound', 'id')
      assert.equal((await citySup.del(`${API}/time-limits/overrides/${r.json.id}`)).status, 200)
      r = await supervisor.del(`${API}/time-limits/overrides/${id}`)
      assert.equal(r.status, 200, r.text)
      assertError(await supervisor.del(`${API}/time-limits/overrides/${id}`), 404, 'NotFound', 'id')
      r = await officer.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-07-04', unit_id: unit.id })
      assert.equal(r.json.due_date, '2025-10-09')
    })

    if (backend === 'pg') {
      test('a second node picks up a loaded year within seconds', async () => {
        const node2 = await startServer({ backend: 'sqlite', db: srv.db })
        try {
          const off2 = await signIn(node2.base, officerAccount)
          let r = await off2.get(`${API}/calendar/years`)
          const before = r.json.last_loaded_year
          assert.ok(before >= 2026)
          const y2028 = '{"year": 2028, "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}]}'
          r = await a.sys.post(`${API}/calendar/years`, { content: y2028 })
          assert.equal(r.status, 201, r.text)
          const deadline = Date.now() + 10000
          for (;;) {
            r = await off2.get(`${API}/calendar/years`)
            if (r.json.last_loaded_year === 2028) break
            assert.ok(Date.now() < deadline, 'node 2 did not pick up 2028 within 10 s')
            await new Promise((res) => setTimeout(res, 250))
          }
        } finally {
          await node2.stop()
        }
      })
    }
  })
}
