// The penalty lists and the discretion engine over HTTP (issue 3): list kinds, lists with
// versions and effective dates, every change a record-log command within the editor's scope,
// /discretion/evaluate and /check with the lists in force on the act date, precise errors.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, assertError, signIn } from './lib/client.mjs'
import { administrators, unitIndex, createUser, operations } from './lib/fixtures.mjs'
import { D, entryFor, newDiscretionMatter, addEntry, publish, put } from './lib/discretion.mjs'

for (const backend of BACKENDS) {
  describe(`discretion [${backend}]`, () => {
    let srv
    const f = {}
    let MATTER, ENTRY
    before(async () => {
      srv = await startServer({ backend })
      Object.assign(f, await administrators(srv.base))
      const units = await unitIndex(f.sys)
      const mk = async (parent, name, kind = 'department') => {
        const r = await f.sys.post(`${API}/units`, { parent_id: parent, name, kind })
        assert.equal(r.status, 201, r.text)
        return r.json
      }
      f.deptX = await mk(units.byName('历下区').id, '裁量测试局')
      f.teamX = await mk(f.deptX.id, '一中队', 'unit')
      f.deptY = await mk(units.byName('市中区').id, '裁量测试局')
      const reviewer = await createUser(f, { username: 'disc_reviewer', unitId: f.deptX.id, role: 'legal_reviewer', scope: 'dept_tree' })
      f.reviewer = await signIn(srv.base, reviewer)
      const officer = await createUser(f, { username: 'disc_officer', unitId: f.teamX.id, role: 'officer', scope: 'dept' })
      f.officer = await signIn(srv.base, officer)
      const city = await createUser(f, { username: 'disc_city', unitId: f.deptY.id, role: 'supervisor', scope: 'city' })
      f.city = await signIn(srv.base, city)
      // The matter comes from the catalogue (created through its API by the city-wide editor).
      MATTER = await newDiscretionMatter(f.city, f.deptX.id)
      ENTRY = entryFor(MATTER)
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('the facts registry and the four seeded list kinds', async () => {
      const facts = await f.officer.get(`${D}/facts`)
      assert.equal(facts.status, 200)
      const byKey = new Map(facts.json.items.map((x) => [x.key, x]))
      assert.equal(byKey.get('act_date').required, true)
      assert.deepEqual(byKey.get('harm').values, ['none', 'minor', 'general', 'serious'])
      assert.equal(byKey.get('illegal_gains').type, 'fen')
      const kinds = await f.officer.get(`${D}/list-kinds`)
      assert.deepEqual(kinds.json.items.map((k) => k.id).slice(0, 4), ['no_penalty', 'reduced', 'lighter', 'heavier'])
      assert.equal(kinds.json.items[0].name_zh, '不予处罚清单')
    })

    test('adding a list kind: city-wide editors only, precise errors', async () => {
      const body = { id: 'no_compulsion', name_zh: '免予行政强制清单', name_en: 'No-compulsion list', effect: 'exempt_compulsion' }
      assertError(await f.reviewer.post(`${D}/list-kinds`, body), 403, 'PermissionDenied')
      assertError(await f.officer.post(`${D}/list-kinds`, body), 403, 'PermissionDenied')
      assertError(await f.city.post(`${D}/list-kinds`, { ...body, effect: 'none' }), 400, 'InvalidArgument', 'effect')
      assertError(await f.city.post(`${D}/list-kinds`, { ...body, id: 'Bad Id' }), 400, 'InvalidArgument', 'id')
      assertError(await f.city.post(`${D}/list-kinds`, { ...body, extra: 1 }), 400, 'UnknownField', 'extra')
      const r = await f.city.post(`${D}/list-kinds`, body)
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.effect, 'exempt_compulsion')
      assertError(await f.city.post(`${D}/list-kinds`, body), 409, 'Conflict', 'id')
      const kinds = await f.officer.get(`${D}/list-kinds`)
      assert.ok(kinds.json.items.some((k) => k.id === 'no_compulsion'))
    })

    test('a list: create, entries, publish, versions with effective dates; the engine follows the act date', async () => {
      const created = await f.reviewer.post(`${D}/lists`, { unit_id: f.deptX.id, kind_id: 'no_penalty', title: '不予处罚清单（2024）' })
      assert.equal(created.status, 201, created.text)
      const list = created.json
      assertError(await f.reviewer.post(`${D}/lists`, { unit_id: f.deptX.id, kind_id: 'no_penalty', title: 'x' }), 409, 'Conflict', 'kind_id')
      assertError(await f.reviewer.post(`${D}/lists`, { unit_id: f.deptY.id, kind_id: 'no_penalty', title: 'x' }), 404, 'NotFound', 'unit_id')
      assertError(await f.reviewer.post(`${D}/lists`, { unit_id: f.deptX.id, kind_id: 'nope', title: 'x' }), 404, 'NotFound', 'kind_id')
      assertError(await f.officer.post(`${D}/lists`, { unit_id: f.teamX.id, kind_id: 'lighter', title: 'x' }), 403, 'PermissionDenied')

      const v1 = list.draft_version_id
      const path = `${D}/lists/${list.id}/versions/${v1}/entries`
      // Precise errors naming the field.
      assertError(await f.reviewer.post(path, { ...ENTRY, condition: { fact: 'nope', eq: 1 } }), 400, 'InvalidArgument', 'condition')
      assertError(await f.reviewer.post(path, { ...ENTRY, condition: { fact: 'harm', eq: 'huge' } }), 400, 'InvalidArgument', 'condition')
      assertError(await f.reviewer.post(path, { ...ENTRY, modality: 'should' }), 400, 'InvalidArgument', 'modality')
      assertError(await f.reviewer.post(path, { ...ENTRY, matter_code: 'NO-SUCH-MATTER' }), 404, 'NotFound', 'matter_code')
      assertError(await f.reviewer.post(path, { ...ENTRY, wording: '' }), 400, 'InvalidArgument', 'wording')
      const { law, ...noLaw } = ENTRY
      assert.ok(law)
      assertError(await f.reviewer.post(path, noLaw), 400, 'InvalidArgument', 'law')
      assertError(await f.reviewer.post(path, { ...ENTRY, ordinal: 'first' }), 400, 'WrongType', 'ordinal')
      assertError(await f.reviewer.post(path, { ...ENTRY, note: 'x' }), 400, 'UnknownField', 'note')
      const e1 = await addEntry(f.reviewer, list, ENTRY)
      assert.equal(e1.matter_code, MATTER)

      // The draft is not in force: the engine ignores it.
      const facts = { act_date: '2024-06-01', first_violation: true, harm: 'minor', corrected_in_time: true }
      const beforePublish = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts })
      assert.equal(beforePublish.status, 200, beforePublish.text)
      assert.ok(!beforePublish.json.outcome.grounds.some((g) => g.source === 'list'))

      const pub = await publish(f.reviewer, list, '2024-01-01')
      assert.equal(pub.effective_from, '2024-01-01')
      // A published version is frozen.
      assertError(await f.reviewer.post(path, ENTRY), 409, 'Conflict', 'version_id')
      assertError(await put(f.reviewer, `${D}/lists/${list.id}/entries/${e1.id}`, ENTRY), 409, 'Conflict', 'version_id')
      assertError(await f.reviewer.del(`${D}/lists/${list.id}/entries/${e1.id}`), 409, 'Conflict', 'version_id')

      // In force on the act date for a team of the department (a department's lists apply below it).
      const v1Eval = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts })
      assert.equal(v1Eval.status, 200, v1Eval.text)
      const g1 = v1Eval.json.outcome.grounds.find((g) => g.source === 'list')
      assert.ok(g1, JSON.stringify(v1Eval.json.outcome.grounds))
      assert.equal(g1.entry_id, e1.id)
      assert.equal(g1.modality, 'may')
      assert.equal(v1Eval.json.outcome.band, 'no_penalty')
      assert.equal(v1Eval.json.outcome.modality, 'may')
      assert.equal(v1Eval.json.outcome.education_required, true)
      assert.ok(v1Eval.json.outcome.if_punished)

      // Version 2: a draft copies version 1; the entry becomes mandatory from 2025-01-01.
      const draft = await f.reviewer.post(`${D}/lists/${list.id}/drafts`, {})
      assert.equal(draft.status, 201, draft.text)
      assert.equal(draft.json.number, 2)
      assertError(await f.reviewer.post(`${D}/lists/${list.id}/drafts`, {}), 409, 'Conflict')
      const v2 = await f.reviewer.get(`${D}/lists/${list.id}/versions/${draft.json.version_id}`)
      assert.equal(v2.json.entries.length, 1)
      assert.deepEqual(v2.json.entries[0].condition, ENTRY.condition)
      const e2 = v2.json.entries[0]
      const upd = await put(f.reviewer, `${D}/lists/${list.id}/entries/${e2.id}`, { ...ENTRY, modality: 'must', wording: '首违不罚（2025年版）' })
      assert.equal(upd.status, 200, upd.text)
      const early = await f.reviewer.post(`${D}/lists/${list.id}/versions/${draft.json.version_id}/publish`, { effective_from: '2024-01-01' })
      assertError(early, 400, 'InvalidArgument', 'effective_from')
      assertError(await f.reviewer.post(`${D}/lists/${list.id}/versions/${draft.json.version_id}/publish`, { effective_from: '2025-02-30' }), 400, 'InvalidArgument', 'effective_from')
      await publish(f.reviewer, list, '2025-01-01', draft.json.version_id)

      const detail = await f.officer.get(`${D}/lists/${list.id}`)
      assert.equal(detail.status, 200)
      assert.equal(detail.json.can_edit, false)
      const [nv2, nv1] = detail.json.versions
      assert.equal(nv2.effective_from, '2025-01-01')
      assert.equal(nv2.effective_to, null)
      assert.equal(nv1.effective_from, '2024-01-01')
      assert.equal(nv1.effective_to, '2025-01-01')
      assert.equal((await f.reviewer.get(`${D}/lists/${list.id}`)).json.can_edit, true)

      const oldAct = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts })
      assert.equal(oldAct.json.outcome.grounds.find((g) => g.source === 'list').entry_id, e1.id)
      const newAct = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { ...facts, act_date: '2025-06-01' } })
      const g2 = newAct.json.outcome.grounds.find((g) => g.source === 'list')
      assert.equal(g2.entry_id, e2.id)
      assert.equal(g2.modality, 'must')
      assert.equal(newAct.json.outcome.band, 'no_penalty')
      assert.equal(newAct.json.outcome.modality, 'must')
      // `on` overrides the date used to pick the rules.
      const onOld = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { ...facts, act_date: '2025-06-01' }, on: '2024-06-01' })
      assert.equal(onOld.json.outcome.grounds.find((g) => g.source === 'list').entry_id, e1.id)
      // A unit outside the department does not get its lists.
      const elsewhere = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { ...facts, act_date: '2025-06-01' }, unit_id: f.deptY.id })
      assert.ok(!elsewhere.json.outcome.grounds.some((g) => g.source === 'list'))

      // Lists are readable by everyone signed in, filtered by unit and kind.
      const byUnit = await f.officer.get(`${D}/lists?unit_id=${f.deptX.id}`)
      assert.deepEqual(byUnit.json.items.map((l) => l.id), [list.id])
      assert.equal(byUnit.json.items[0].published_from, '2025-01-01')
      const byKind = await f.officer.get(`${D}/lists?kind=heavier&unit_id=${f.deptX.id}`)
      assert.deepEqual(byKind.json.items, [])

      // Every change is a command in the record log, attributed to the list's unit.
      const ops = await operations(f.audit, 'page_size=200')
      const mine = ops.filter((e) => e.target === `list:${list.id}`).map((e) => e.kind)
      for (const k of ['discretion.list_created', 'discretion.entry_added', 'discretion.list_published', 'discretion.draft_opened', 'discretion.entry_updated']) {
        assert.ok(mine.includes(k), `${k} in ${mine}`)
      }
      assert.ok(ops.filter((e) => e.target === `list:${list.id}`).every((e) => e.unit_id === f.deptX.id))
    })

    test('an editor changes only lists inside their scope (404 outside, as if absent)', async () => {
      const r = await f.city.post(`${D}/lists`, { unit_id: f.deptY.id, kind_id: 'heavier', title: '从重处罚清单' })
      assert.equal(r.status, 201, r.text)
      const other = r.json
      const outside = await f.reviewer.post(`${D}/lists/${other.id}/versions/${other.draft_version_id}/entries`, ENTRY)
      const missing = await f.reviewer.post(`${D}/lists/99999999/versions/${other.draft_version_id}/entries`, ENTRY)
      assertError(outside, 404, 'NotFound', 'id')
      assert.deepEqual(outside.error, missing.error)
      assertError(await f.reviewer.post(`${D}/lists/${other.id}/versions/${other.draft_version_id}/publish`, { effective_from: '2024-01-01' }), 404, 'NotFound')
      assertError(await f.reviewer.post(`${D}/lists/${other.id}/drafts`, {}), 404, 'NotFound')
      // …but may read it.
      const read = await f.reviewer.get(`${D}/lists/${other.id}/versions/${other.draft_version_id}`)
      assert.equal(read.status, 200)
      // Removing an entry of a draft.
      const e = await addEntry(f.city, other, { ...ENTRY, condition: { fact: 'repeat_offence', is: true }, modality: 'must', wording: '屡次违法的，从重处罚' })
      assert.equal((await f.city.del(`${D}/lists/${other.id}/entries/${e.id}`)).status, 204)
      assertError(await f.city.del(`${D}/lists/${other.id}/entries/${e.id}`), 404, 'NotFound', 'entry_id')
    })

    test('evaluate and check: outcome, range, problems with articles; errors name the field', async () => {
      const ev = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01', age_at_act: 16 }, unit_id: f.deptY.id })
      assert.equal(ev.status, 200, ev.text)
      const o = ev.json.outcome
      assert.equal(o.band, 'lighter')
      assert.equal(o.reduced_allowed, true)
      assert.equal(o.grounds[0].article, '第30条')
      assert.equal(o.statutory.fine.min, 200000)
      assert.equal(o.statutory.fine.max, 1000000)
      assert.ok(o.explanation_zh.length >= 3 && o.explanation_en.length === o.explanation_zh.length)

      // The benchmark tier's machine condition (set through the catalogue API) selects the tier.
      const repeat = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01', repeat_offence: true }, unit_id: f.deptY.id })
      assert.equal(repeat.status, 200, repeat.text)
      assert.equal(repeat.json.outcome.tier_index, 1)
      assert.equal(repeat.json.outcome.band, 'heavier')
      assert.equal(repeat.json.outcome.reason_required, true)
      assert.deepEqual([repeat.json.outcome.range.fine.min, repeat.json.outcome.range.fine.max], [800000, 1000000])
      assert.ok(repeat.json.outcome.grounds.some((g) => g.source === 'tier' && g.law === '测试裁量基准'))
      const general = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01' }, unit_id: f.deptY.id })
      assert.equal(general.json.outcome.tier_index, 0)
      assert.deepEqual([general.json.outcome.range.fine.min, general.json.outcome.range.fine.max], [200000, 600000])

      const checkBody = (proposal, facts = { act_date: '2025-03-01' }) => ({ matter_code: MATTER, facts, proposal, unit_id: f.deptY.id })
      const okCheck = await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: 300000 }))
      assert.equal(okCheck.status, 200, okCheck.text)
      assert.equal(okCheck.json.ok, true)
      assert.deepEqual(okCheck.json.problems, [])
      const tooHigh = await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: 2000000, reason: '情节严重' }))
      assert.equal(tooHigh.json.ok, false)
      assert.equal(tooHigh.json.problems[0].code, 'above_statutory_max')
      assert.ok(tooHigh.json.problems[0].article.includes('第四十二条'))
      const tooLow = await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: 100000, reason: 'x' }))
      assert.equal(tooLow.json.problems[0].code, 'below_minimum_without_reduced_ground')
      const minor = await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: 100000, reason: '未成年人' }, { act_date: '2025-03-01', age_at_act: 16 }))
      assert.equal(minor.json.ok, true, JSON.stringify(minor.json.problems))
      const child = await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: 100000 }, { act_date: '2025-03-01', age_at_act: 12 }))
      assert.deepEqual(child.json.problems.map((p) => p.code), ['must_not_punish'])
      assert.ok(child.json.problems[0].article.includes('第30条'))

      // Errors, each naming the field.
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01', colour: 'red' } }), 400, 'UnknownField', 'facts.colour')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01', harm: true } }), 400, 'WrongType', 'facts.harm')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { harm: 'none' } }), 400, 'InvalidArgument', 'facts.act_date')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01', illegal_gains: 1.5 } }), 400, 'WrongType', 'facts.illegal_gains')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: [] }), 400, 'WrongType', 'facts')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER }), 400, 'InvalidArgument', 'facts')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: 'NO-SUCH', facts: { act_date: '2025-03-01' } }), 404, 'NotFound', 'matter_code')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01' }, on: '2025/03/01' }), 400, 'InvalidArgument', 'on')
      assertError(await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01' }, proposal: {} }), 400, 'UnknownField', 'proposal')
      assertError(await f.officer.post(`${D}/check`, { matter_code: MATTER, facts: { act_date: '2025-03-01' } }), 400, 'InvalidArgument', 'proposal')
      assertError(await f.officer.post(`${D}/check`, checkBody({ kinds: ['jail'] })), 400, 'InvalidArgument', 'proposal.kinds[0]')
      assertError(await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: -1 })), 400, 'InvalidArgument', 'proposal.fine')
      assertError(await f.officer.post(`${D}/check`, checkBody({ kinds: ['fine'], fine: 1, extra: 1 })), 400, 'UnknownField', 'extra')
      const en = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts: { act_date: '2025-03-01', colour: 'red' } }, { headers: { 'Accept-Language': 'en' } })
      assert.match(en.error.message, /unknown fact/)
    })

    test('per-matter option: no subjective fault does not exclude the penalty where the law says so', async () => {
      const facts = { act_date: '2025-03-01', no_subjective_fault: true }
      const before = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts })
      assert.equal(before.json.outcome.band, 'no_penalty')
      assertError(await put(f.reviewer, `${D}/matter-options/${MATTER}`, { punish_without_fault: true, fault_basis: '示例法第二十条' }), 403, 'PermissionDenied')
      assertError(await put(f.city, `${D}/matter-options/${MATTER}`, { punish_without_fault: true }), 400, 'InvalidArgument', 'fault_basis')
      const set = await put(f.city, `${D}/matter-options/${MATTER}`, { punish_without_fault: true, fault_basis: '《示例法》第二十条' })
      assert.equal(set.status, 200, set.text)
      const opt = await f.officer.get(`${D}/matter-options/${MATTER}`)
      assert.equal(opt.json.punish_without_fault, true)
      const after = await f.officer.post(`${D}/evaluate`, { matter_code: MATTER, facts })
      assert.equal(after.json.outcome.band, 'general')
      const g = after.json.outcome.grounds.find((x) => x.article === '第33条第2款')
      assert.equal(g.applied, false)
      await put(f.city, `${D}/matter-options/${MATTER}`, { punish_without_fault: false, fault_basis: '' })
      const ops = await operations(f.audit, 'page_size=50')
      assert.ok(ops.some((e) => e.kind === 'discretion.matter_options_set' && e.target === `matter:${MATTER}`))
    })
  })
}
