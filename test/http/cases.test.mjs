// Case handling (issue 5) against the real binary, on SQLite and PostgreSQL: an ordinary case
// with a hearing, a legal review (amend → resubmit → agree) and a collective discussion through to
// the archive; a simplified-procedure case; and one test per gate — each refusal names its rule
// and article, and nothing is written (the record log's head and the case's version unchanged).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, assertError } from './lib/client.mjs'
import { administrators, headSeq, entriesSince } from './lib/fixtures.mjs'
import {
  C,
  PERSON_ID,
  CREDIT,
  caseWorld,
  leadBody,
  newLead,
  getCase,
  step,
  ok,
  evidence,
  investigating,
  reviewed,
  notified,
  today,
  addDays,
  addWorkingDays,
} from './lib/cases.mjs'

const FINE_5000 = { kinds: ['fine'], fine: 500000 } // 5,000 元: a hearing for a citizen (第63条)

for (const backend of BACKENDS) {
  describe(`cases [${backend}]`, () => {
    let srv
    let a
    let w

    /** Runs fn (a refused request); asserts the refusal, its rule and article, and no write. */
    async function refused(fn, { status = 400, code, rule, article, field, caseId }) {
      const seq = await headSeq(a.audit)
      const before = caseId ? (await getCase(w.supervisor.c, caseId)).version : null
      const r = await fn()
      assert.equal(r.status, status, r.text)
      if (code) assert.equal(r.error.code, code, r.text)
      if (rule) assert.equal(r.error.rule, rule, r.text)
      if (article) assert.ok(r.error.article.includes(article), `article ${r.error.article} should include ${article}`)
      if (rule) assert.ok(r.error.message.includes('第'), `the message names the article: ${r.error.message}`)
      if (field !== undefined) assert.equal(r.error.field, field, r.text)
      assert.equal(await headSeq(a.audit), seq, 'nothing recorded')
      if (caseId) assert.equal((await getCase(w.supervisor.c, caseId)).version, before, 'case unchanged')
      return r.error
    }

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      w = await caseWorld(a, srv.base)
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('ordinary procedure: hearing, legal review (amend, resubmit, agree), discussion, decision … archive', async () => {
      const t = today()
      const o = w.officer1.c
      const head = w.head.c
      const rev = w.reviewer.c
      const k = await reviewed(w, FINE_5000)
      let c = await getCase(o, k.id)
      assert.equal(c.state, 'review')
      assert.equal(c.party.id_number, PERSON_ID, 'the handling officer sees the ID number')
      assert.equal(c.hearing_triggers[0].id, 'large_fine')
      const masked = await getCase(w.supervisor.c, k.id)
      assert.equal(masked.party.id_number, '110***********002X', 'a supervisor sees it masked')
      assert.equal(masked.party.id_number_masked, true)
      assert.ok(c.allowed_steps.some((s) => s.step === 'notify'))
      // Notice 40 days ago with the hearing right; the party asks on the next working day.
      const n = addDays(t, -40)
      await ok(o, k.id, 'notify', { date: n, facts: '摆摊经营', reasons: '违反第二十七条', basis: '第四十二条', statement_right: true, hearing_right: true })
      const req = await addWorkingDays(o, n, 1)
      c = await ok(o, k.id, 'request_hearing', { date: req })
      assert.equal(c.state, 'hearing')
      const hearingDay = await addWorkingDays(o, req, 8)
      await ok(o, k.id, 'schedule_hearing', { notice_date: req, hearing_date: hearingDay, presider_id: w.o4.id, place: '听证室' })
      c = await ok(o, k.id, 'hold_hearing', { date: hearingDay, attended: true, record: '听证笔录：当事人称系初次', evidence_ids: [await evidence(o, k.id, w.A.id, { stage: 'review' })] })
      assert.equal(c.state, 'pending_decision')
      await ok(o, k.id, 'statement', { date: hearingDay, content: '初次违法，请求从轻', adopted: true, response: '理由部分成立' })
      c = await getCase(head, k.id)
      assert.equal(c.legal_review.required, true)
      assert.ok(c.legal_review.reasons.some((r) => r.id === 'hearing'))
      const decide = c.allowed_steps.find((s) => s.step === 'decide')
      assert.ok(decide.blocked_by.some((b) => b.rule === 'legal_review_required'), JSON.stringify(decide.blocked_by))
      // Legal review: submitted, in the reviewer's queue with the report, amend, resubmit, agree.
      await ok(o, k.id, 'submit_review', { date: addDays(t, -5), note: '请审核' })
      const queue = await rev.get(`${API}/reviews`)
      assert.equal(queue.status, 200, queue.text)
      assert.ok(queue.json.items.some((x) => x.id === k.id))
      const rep = await rev.get(`${C}/${k.id}/review-report`)
      assert.equal(rep.status, 200, rep.text)
      assert.equal(rep.json.report.proposal.penalty.fine, 500000)
      assert.ok(rep.json.report.officers.some((x) => x.id === w.o1.id && x.credential_valid && x.investigator))
      const report = { facts: '事实清楚', basis: '依据正确', qualifications: '执法人员均持证', procedure: '程序合法', discretion: '裁量偏重' }
      c = await ok(rev, k.id, 'review_opinion', { date: addDays(t, -4), opinion: 'amend', reasons: '罚款偏高，建议 4,000 元', report }, o)
      assert.equal(c.state, 'amending')
      c = await ok(o, k.id, 'amend', { date: addDays(t, -3), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 400000 }, reason: '采纳审核意见，从轻' })
      assert.equal(c.legal_review.status, 'amend')
      await ok(o, k.id, 'submit_review', { date: addDays(t, -3) })
      c = await ok(rev, k.id, 'review_opinion', { date: addDays(t, -2), opinion: 'agree', report }, o)
      assert.equal(c.legal_review.status, 'agree')
      assert.equal(c.legal_review.round, 2)
      const opinions = (await rev.get(`${C}/${k.id}/review-report`)).json.opinions
      assert.deepEqual(opinions.map((x) => x.step), ['review_opinion', 'amend', 'review_opinion'])
      // Collective discussion (a hearing case is 重大), then the head decides.
      await ok(head, k.id, 'discuss', { date: addDays(t, -1), participants: '局长、分管副局长、法制科长', conclusion: '同意罚款 4,000 元' }, o)
      c = await ok(head, k.id, 'decide', { date: t, outcome: 'penalty', penalty: { kinds: ['fine'], fine: 400000 }, document_no: '历城管罚〔2026〕1号' }, o)
      assert.equal(c.state, 'decided')
      assert.equal(c.publication.kind, 'penalty')
      assert.equal(c.publication.due_date, await addWorkingDays(o, t, 7))
      assert.ok(c.timers.some((x) => x.id === 'service' && x.status !== 'done'))
      await ok(o, k.id, 'serve', { date: t, method: 'direct' })
      c = await getCase(o, k.id)
      assert.ok(c.timers.some((x) => x.id === 'payment' && x.due === addDays(t, 15) || x.id === 'payment'))
      await ok(o, k.id, 'execute', { date: t, method: 'paid', paid: 400000 })
      await ok(o, k.id, 'close', { date: t, summary: '已缴纳罚款' })
      c = await ok(o, k.id, 'archive', { date: t, archive_no: '2026-档-001' })
      assert.equal(c.state, 'archived')
      assert.deepEqual(c.allowed_steps, [])
      // The timeline is the record log: every step an entry, in order.
      const tl = await w.supervisor.c.get(`${C}/${k.id}/timeline?page_size=100`)
      assert.equal(tl.status, 200, tl.text)
      const kinds = tl.json.items.map((e) => e.kind)
      for (const kind of ['case.registered', 'case.filed', 'case.investigated', 'case.investigation_concluded', 'case.notified', 'case.hearing_requested', 'case.hearing_held', 'case.review_submitted', 'case.review_opinion', 'case.amended', 'case.discussed', 'case.decided', 'case.served', 'case.executed', 'case.closed', 'case.archived']) {
        assert.ok(kinds.includes(kind), `${kind} in ${kinds}`)
      }
      // The person's timeline (keyed hash of the ID number) shows the case's events.
      const person = await w.supervisor.c.post(`${API}/record/targets/person`, { id_number: PERSON_ID, page_size: 200 })
      assert.equal(person.status, 200, person.text)
      assert.ok(person.json.items.some((e) => e.kind === 'case.decided' && e.target === `case:${k.id}`))
      // The list shows it with its state; filters work.
      const list = await w.supervisor.c.get(`${C}?state=archived&unit_id=${w.A.id}&procedure=ordinary&page_size=200`)
      assert.equal(list.status, 200, list.text)
      assert.ok(list.json.items.some((x) => x.id === k.id && x.state === 'archived' && x.fine === 400000))
    })

    test('simplified procedure: on-the-spot fine, serial form number, filing, payment, close', async () => {
      const t = today()
      const body = {
        unit_id: w.A.id,
        matter_code: w.small,
        title: '违规设置户外广告',
        place: '泉城路',
        party: { kind: 'organisation', name: '济南某商贸有限公司', credit_code: CREDIT },
        act_date: t,
        penalty: { kinds: ['fine'], fine: 20000 },
        basis: '《城市道路管理条例》第四十二条',
        officer_ids: [w.o1.id, w.o2.id],
        credentials_shown: true,
      }
      const r1 = await w.officer1.c.post(`${C}/simplified`, body)
      assert.equal(r1.status, 201, r1.text)
      const r2 = await w.officer1.c.post(`${C}/simplified`, body)
      assert.equal(r2.status, 201, r2.text)
      const k = r1.json
      assert.equal(k.procedure, 'simplified')
      assert.equal(k.state, 'served')
      assert.match(k.form_no, /^J\d+-\d{4}-\d{6}$/)
      assert.equal(Number(r2.json.form_no.slice(-6)), Number(k.form_no.slice(-6)) + 1, 'serially numbered')
      assert.equal(k.publication.kind, 'penalty')
      assert.ok(k.allowed_steps.some((s) => s.step === 'report_filing'))
      assert.ok(!k.allowed_steps.some((s) => s.step === 'file'))
      await ok(w.officer1.c, k.id, 'execute', { date: t, method: 'paid', paid: 20000 })
      await refused(() => step(w.officer1.c, k.id, 'close', { date: t }), { status: 409, rule: 'simplified_filing_required', article: '第52条', caseId: k.id })
      await ok(w.officer1.c, k.id, 'report_filing', { date: t })
      const c = await ok(w.officer1.c, k.id, 'close', { date: t })
      assert.equal(c.state, 'closed')
      const list = await w.officer1.c.get(`${C}?procedure=simplified&q=${encodeURIComponent(k.form_no)}`)
      assert.deepEqual(list.json.items.map((x) => x.id), [k.id])
    })

    describe('gates: each refusal names its rule and article, and writes nothing', () => {
      test('simplified procedure only within 第51条 (200 元 citizen / 3,000 元 organisation, warning or fine)', async () => {
        const body = {
          unit_id: w.A.id,
          matter_code: w.small,
          title: '占道',
          place: '泉城路',
          party: { kind: 'person', name: '李四', id_number: PERSON_ID },
          act_date: today(),
          penalty: { kinds: ['fine'], fine: 20001 },
          basis: '第四十二条',
          officer_ids: [w.o1.id, w.o2.id],
          credentials_shown: true,
        }
        await refused(() => w.officer1.c.post(`${C}/simplified`, body), { rule: 'simplified_limit', article: '第51条', field: 'penalty.fine' })
        await refused(() => w.officer1.c.post(`${C}/simplified`, { ...body, penalty: { kinds: ['warning', 'suspend_licence'] } }), { rule: 'simplified_kinds', article: '第51条', field: 'penalty.kinds[1]' })
        await refused(() => w.officer1.c.post(`${C}/simplified`, { ...body, penalty: { kinds: ['fine'], fine: 10000 }, officer_ids: [w.o1.id] }), { rule: 'two_officers', article: '第42条' })
        await refused(() => w.officer1.c.post(`${C}/simplified`, { ...body, penalty: { kinds: ['fine'], fine: 10000 }, credentials_shown: false }), { rule: 'credentials_shown', article: '第52条' })
      })

      test('two officers with valid credentials on every investigation step (第42、55条); recusal (第43条)', async () => {
        await refused(() => w.officer1.c.post(C, leadBody(w, { officer_ids: [w.o1.id] })), { rule: 'two_officers', article: '第42条', field: 'officer_ids' })
        const k = await investigating(w)
        const inv = { date: addDays(today(), -53), kind: 'questioning', credentials_shown: true, summary: '询问笔录' }
        await refused(() => step(w.officer1.c, k.id, 'investigate', { ...inv, officer_ids: [w.o1.id, w.o3.id] }), { rule: 'credential_invalid', article: '第42条', field: 'officer_ids[1]', caseId: k.id })
        await refused(() => step(w.officer1.c, k.id, 'investigate', { ...inv, officer_ids: [w.o1.id, w.o2.id], credentials_shown: false }), { rule: 'credentials_shown', article: '第55条', caseId: k.id })
        await ok(w.head.c, k.id, 'recusal', { date: addDays(today(), -53), officer_id: w.o2.id, applicant: 'party', granted: true, reason: '与当事人有亲属关系' }, w.officer1.c)
        const c = await getCase(w.officer1.c, k.id)
        assert.ok(c.recused.some((o) => o.id === w.o2.id))
        await refused(() => step(w.officer1.c, k.id, 'investigate', { ...inv, officer_ids: [w.o1.id, w.o2.id] }), { rule: 'officer_recused', article: '第43条', caseId: k.id })
        await ok(w.officer1.c, k.id, 'assign_officers', { officer_ids: [w.o1.id, w.o4.id] })
        await ok(w.officer1.c, k.id, 'investigate', { ...inv, officer_ids: [w.o1.id, w.o4.id] })
      })

      test('seizure or forced demolition needs audio-video evidence of that step (行动方案第31项)', async () => {
        const k = await investigating(w)
        const m = { date: addDays(today(), -53), measure: 'seizure', officer_ids: [w.o1.id, w.o2.id], approved: true, summary: '查封现场笔录' }
        const pdf = await evidence(w.officer1.c, k.id, w.A.id)
        await refused(() => step(w.officer1.c, k.id, 'compulsion', { ...m, evidence_ids: [pdf] }), { rule: 'audio_video_required', article: '第31项', field: 'evidence_ids', caseId: k.id })
        await refused(() => step(w.officer1.c, k.id, 'compulsion', { ...m, measure: 'demolition' }), { rule: 'audio_video_required', caseId: k.id })
        await refused(() => step(w.officer1.c, k.id, 'compulsion', { ...m, approved: false }), { rule: 'compulsion_approval', article: '行政强制法', caseId: k.id })
        const video = await evidence(w.officer1.c, k.id, w.A.id, { video: true })
        const c = await ok(w.officer1.c, k.id, 'compulsion', { ...m, evidence_ids: [pdf, video] })
        assert.equal(c.procedure_state.compulsion_steps, 1)
        // Evidence of another case cannot be attached.
        const other = await newLead(w)
        const foreign = await evidence(w.officer1.c, other.id, w.A.id, { video: true })
        await refused(() => step(w.officer1.c, k.id, 'compulsion', { ...m, evidence_ids: [foreign] }), { field: 'evidence_ids[0]', caseId: k.id })
      })

      test('limitation period (第36条): 2 years, 5 with harm to life, health or financial safety', async () => {
        const t = today()
        const k = await newLead(w, { act_date: addDays(t, -800), discovered_date: addDays(t, -10) })
        await refused(() => step(w.head.c, k.id, 'file', { date: t }, w.officer1.c), { status: 409, rule: 'limitation', article: '第36条', field: 'discovered_date', caseId: k.id })
        const k5 = await newLead(w, { act_date: addDays(t, -800), discovered_date: addDays(t, -10), safety_harm: true })
        await ok(w.head.c, k5.id, 'file', { date: t }, w.officer1.c)
      })

      test('no penalty decision without a recorded notice unless waived in writing (第44、62条)', async () => {
        const k = await reviewed(w, { kinds: ['fine'], fine: 300000 })
        const d = { date: today(), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 300000 } }
        await refused(() => step(w.head.c, k.id, 'decide', d, w.officer1.c), { status: 409, rule: 'notice_required', article: '第44条', caseId: k.id })
        await refused(() => step(w.officer1.c, k.id, 'waive', { date: today(), scope: 'all' }), { rule: 'waiver_in_writing', article: '第62条', field: 'evidence_ids', caseId: k.id })
        await ok(w.officer1.c, k.id, 'waive', { date: today(), scope: 'all', evidence_ids: [await evidence(w.officer1.c, k.id, w.A.id, { stage: 'review' })] })
        const c = await ok(w.head.c, k.id, 'decide', d, w.officer1.c)
        assert.equal(c.state, 'decided')
      })

      test('the notice states facts, reasons, basis and rights, and the hearing right when triggered (第44、63条)', async () => {
        const k = await reviewed(w, FINE_5000)
        const n = { date: addDays(today(), -40), facts: '摆摊', reasons: '违反规定', basis: '第四十二条', statement_right: true, hearing_right: false }
        await refused(() => step(w.officer1.c, k.id, 'notify', n), { rule: 'hearing_right_required', article: '第63条', field: 'hearing_right', caseId: k.id })
        await refused(() => step(w.officer1.c, k.id, 'notify', { ...n, hearing_right: true, basis: ' ' }), { rule: 'notice_content', article: '第44条', field: 'basis', caseId: k.id })
      })

      test('hearing request within 5 working days of the notice (第64条)', async () => {
        const n = addDays(today(), -40)
        const k = await notified(w, FINE_5000, { date: n })
        const late = await addWorkingDays(w.officer1.c, n, 6)
        const e = await refused(() => step(w.officer1.c, k.id, 'request_hearing', { date: late }), { rule: 'hearing_request_window', article: '第64条', field: 'date', caseId: k.id })
        assert.ok(e.message.includes(await addWorkingDays(w.officer1.c, n, 5)), e.message)
        await ok(w.officer1.c, k.id, 'request_hearing', { date: await addWorkingDays(w.officer1.c, n, 5) })
      })

      test('hearing notice at least 7 working days before, presider not an investigator (第64条)', async () => {
        const n = addDays(today(), -40)
        const k = await notified(w, FINE_5000, { date: n })
        const req = await addWorkingDays(w.officer1.c, n, 1)
        await ok(w.officer1.c, k.id, 'request_hearing', { date: req })
        const h = await addWorkingDays(w.officer1.c, req, 6)
        await refused(() => step(w.officer1.c, k.id, 'schedule_hearing', { notice_date: req, hearing_date: h, presider_id: w.o4.id, place: '听证室' }), { rule: 'hearing_notice_period', article: '第64条', field: 'notice_date', caseId: k.id })
        const h7 = await addWorkingDays(w.officer1.c, req, 7)
        await refused(() => step(w.officer1.c, k.id, 'schedule_hearing', { notice_date: req, hearing_date: h7, presider_id: w.o1.id, place: '听证室' }), { rule: 'hearing_presider', article: '第64条', field: 'presider_id', caseId: k.id })
        await ok(w.officer1.c, k.id, 'schedule_hearing', { notice_date: req, hearing_date: h7, presider_id: w.o4.id, place: '听证室' })
        // No decision while the requested hearing is pending.
        await refused(() => step(w.head.c, k.id, 'decide', { date: today(), outcome: 'penalty', penalty: FINE_5000 }, w.officer1.c), { status: 409, rule: 'step_order', caseId: k.id })
      })

      test('never heavier than notified after the defence (第45条); no decision while a review is required (第58条)', async () => {
        const k = await notified(w, { kinds: ['fine'], fine: 300000 }, { hearing: false, extra: { party: { kind: 'organisation', name: '某公司', credit_code: CREDIT } } })
        await ok(w.officer1.c, k.id, 'statement', { date: addDays(today(), -39), content: '申辩', adopted: false, response: '不予采纳' })
        const heavier = { date: today(), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 350000 } }
        await refused(() => step(w.head.c, k.id, 'decide', heavier, w.officer1.c), { rule: 'no_heavier_after_defence', article: '第45条', field: 'penalty', caseId: k.id })
        await refused(() => step(w.head.c, k.id, 'decide', { ...heavier, penalty: { kinds: ['fine', 'suspend_business'], fine: 300000 } }, w.officer1.c), { rule: 'no_heavier_after_defence', caseId: k.id })
        const c = await ok(w.head.c, k.id, 'decide', { ...heavier, penalty: { kinds: ['fine'], fine: 300000 } }, w.officer1.c)
        assert.equal(c.state, 'decided')
      })

      test('legal review: required after a hearing; reviewer not an investigator; first-time reviewer holds 法律职业资格 (第58条)', async () => {
        const n = addDays(today(), -40)
        const k = await notified(w, FINE_5000, { date: n })
        const o = w.officer1.c
        const req = await addWorkingDays(o, n, 1)
        await ok(o, k.id, 'request_hearing', { date: req })
        const h = await addWorkingDays(o, req, 7)
        await ok(o, k.id, 'schedule_hearing', { notice_date: req, hearing_date: h, presider_id: w.o4.id, place: '听证室' })
        await ok(o, k.id, 'hold_hearing', { date: h, attended: true, record: '听证笔录' })
        await ok(w.head.c, k.id, 'discuss', { date: h, participants: '局务会', conclusion: '同意' }, o)
        const d = { date: today(), outcome: 'penalty', penalty: FINE_5000 }
        await refused(() => step(w.head.c, k.id, 'decide', d, o), { status: 409, rule: 'legal_review_required', article: '第58条', caseId: k.id })
        await ok(o, k.id, 'submit_review', { date: today() })
        const report = { facts: '清楚', basis: '正确', qualifications: '持证', procedure: '合法', discretion: '适当' }
        const e = await refused(() => step(w.novice.c, k.id, 'review_opinion', { date: today(), opinion: 'agree', report }, o), { status: 409, rule: 'reviewer_qualification', article: '第58条', caseId: k.id })
        assert.ok(e.message.includes('法律职业资格'), e.message)
        await refused(() => step(w.officer1.c, k.id, 'review_opinion', { date: today(), opinion: 'agree', report }), { status: 403, code: 'PermissionDenied', caseId: k.id })
        await refused(() => step(w.reviewer.c, k.id, 'review_opinion', { date: today(), opinion: 'disagree', report }, o), { field: 'reasons', caseId: k.id })
        await ok(w.reviewer.c, k.id, 'review_opinion', { date: today(), opinion: 'agree', report }, o)
        await ok(w.head.c, k.id, 'decide', d, o)
        // The reviewer as an investigator of another case is refused there.
        const k2 = await investigating(w)
        await ok(o, k2.id, 'investigate', { date: addDays(today(), -53), kind: 'questioning', officer_ids: [w.o1.id, w.o5.id], credentials_shown: true, summary: '询问' })
        await ok(o, k2.id, 'conclude_investigation', { date: addDays(today(), -50), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 300000 }, facts: {}, report: '报告' })
        await ok(o, k2.id, 'review_case', { date: addDays(today(), -50), agree: true, opinion: '同意' })
        await ok(o, k2.id, 'submit_review', { date: today() })
        await refused(() => step(w.reviewer.c, k2.id, 'review_opinion', { date: today(), opinion: 'agree', report }, o), { status: 409, rule: 'reviewer_is_investigator', article: '第58条', caseId: k2.id })
      })

      test('collective discussion for complex or major cases (第57条)', async () => {
        const k = await investigating(w, { party: { kind: 'organisation', name: '某公司', credit_code: CREDIT } })
        const o = w.officer1.c
        await ok(o, k.id, 'conclude_investigation', { date: addDays(today(), -50), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 300000 }, facts: {}, report: '报告', complex: true })
        await ok(o, k.id, 'review_case', { date: addDays(today(), -50), agree: true, opinion: '同意' })
        await ok(o, k.id, 'waive', { date: addDays(today(), -49), scope: 'all', evidence_ids: [await evidence(o, k.id, w.A.id)] })
        await ok(o, k.id, 'submit_review', { date: addDays(today(), -48) })
        await ok(w.reviewer.c, k.id, 'review_opinion', { date: addDays(today(), -47), opinion: 'agree', report: { facts: 'a', basis: 'b', qualifications: 'c', procedure: 'd', discretion: 'e' } }, o)
        const d = { date: today(), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 300000 } }
        await refused(() => step(w.head.c, k.id, 'decide', d, o), { status: 409, rule: 'collective_discussion_required', article: '第57条', caseId: k.id })
        await ok(w.head.c, k.id, 'discuss', { date: today(), participants: '局务会', conclusion: '同意' }, o)
        await ok(w.head.c, k.id, 'decide', d, o)
      })

      test('the discretion engine: above the statutory maximum is refused with the engine’s article', async () => {
        const k = await investigating(w)
        const body = { date: addDays(today(), -50), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 1000001 }, facts: {}, report: '报告' }
        const e = await refused(() => step(w.officer1.c, k.id, 'conclude_investigation', body), { rule: 'discretion.above_statutory_max', field: 'penalty.fine', caseId: k.id })
        assert.ok(e.article.length > 0)
        await refused(() => step(w.officer1.c, k.id, 'conclude_investigation', { ...body, facts: { nonsense: 1 } }), { code: 'UnknownField', field: 'facts.nonsense', caseId: k.id })
      })

      test('a no-penalty decision records the education given (第33条)', async () => {
        const k = await investigating(w)
        const o = w.officer1.c
        await ok(o, k.id, 'conclude_investigation', { date: addDays(today(), -50), outcome: 'no_penalty', facts: { first_violation: true, minor_violation: true, corrected_in_time: true, harm: 'none' }, report: '首违不罚' })
        await ok(o, k.id, 'review_case', { date: addDays(today(), -50), agree: true, opinion: '同意' })
        await refused(() => step(w.head.c, k.id, 'decide', { date: today(), outcome: 'no_penalty' }, o), { rule: 'education_required', article: '第33条', field: 'education', caseId: k.id })
        const c = await ok(w.head.c, k.id, 'decide', { date: today(), outcome: 'no_penalty', education: '当场开展法治宣传教育' }, o)
        assert.equal(c.publication.kind, 'other')
        assert.equal(c.publication.due_date, await addWorkingDays(o, today(), 20))
      })

      test('electronic service needs the party’s consent (第61条); extension within the sector maximum (第60条)', async () => {
        const k = await reviewed(w, { kinds: ['fine'], fine: 300000 })
        const o = w.officer1.c
        await refused(() => step(w.head.c, k.id, 'extend', { date: today(), days: 31, reason: '案情复杂', basis: '行业规章' }, o), { rule: 'extension_limit', article: '第60条', field: 'days', caseId: k.id })
        const before = (await getCase(o, k.id)).timers.find((x) => x.id === 'decision').due
        const ext = await ok(w.head.c, k.id, 'extend', { date: today(), days: 30, reason: '案情复杂', basis: '行业规章' }, o)
        assert.notEqual(ext.timers.find((x) => x.id === 'decision').due, before)
        await ok(o, k.id, 'waive', { date: today(), scope: 'all', evidence_ids: [await evidence(o, k.id, w.A.id)] })
        await ok(w.head.c, k.id, 'decide', { date: today(), outcome: 'penalty', penalty: { kinds: ['fine'], fine: 300000 } }, o)
        await refused(() => step(o, k.id, 'serve', { date: today(), method: 'electronic' }), { rule: 'electronic_service_consent', article: '第61条', field: 'consent', caseId: k.id })
        await ok(o, k.id, 'serve', { date: today(), method: 'electronic', consent: true })
      })
    })

    describe('input, versions, permissions and scope', () => {
      test('invalid codes name the failing position; the party kind decides the code', async () => {
        let e = await refused(() => w.officer1.c.post(C, leadBody(w, { party: { kind: 'person', name: '王五', id_number: '110105194912310021' } })), { field: 'party.id_number' })
        assert.ok(e.message.includes('18'), e.message)
        e = await refused(() => w.officer1.c.post(C, leadBody(w, { party: { kind: 'organisation', name: '某公司', credit_code: '91350100M000100Y44' } })), { field: 'party.credit_code' })
        assert.ok(e.message.includes('18'), e.message)
        await refused(() => w.officer1.c.post(C, leadBody(w, { party: { kind: 'organisation', name: '某公司', id_number: PERSON_ID } })), { field: 'party.id_number' })
        await refused(() => w.officer1.c.post(C, leadBody(w, { source: 'rumour' })), { field: 'source' })
        await refused(() => w.officer1.c.post(C, { ...leadBody(w), extra: 1 }), { code: 'UnknownField', field: 'extra' })
        await refused(() => w.officer1.c.post(C, leadBody(w, { matter_code: w.matterB })), { field: 'matter_code' })
        await refused(() => w.officer1.c.post(C, leadBody(w, { officer_ids: [w.o1.id, 99999999] })), { status: 404, field: 'officer_ids[1]' })
      })

      test('a stale version is refused (409, field version) and nothing is written', async () => {
        const k = await newLead(w)
        const v = (await getCase(w.head.c, k.id)).version
        await ok(w.officer1.c, k.id, 'non_coercive', { date: today(), means: 'persuasion', note: '说服教育，当事人自行整改' })
        await refused(() => w.head.c.post(`${C}/${k.id}/steps/file`, { version: v, date: today() }), { status: 409, code: 'Conflict', field: 'version', caseId: k.id })
        const c = await getCase(w.head.c, k.id)
        assert.equal(c.non_coercive_steps, 1)
        assert.equal(c.state, 'lead')
      })

      test('concurrent edits of one case: exactly one wins, the other gets 409', async () => {
        const k = await newLead(w)
        const v = (await getCase(w.officer1.c, k.id)).version
        const body = (note) => ({ version: v, date: today(), means: 'persuasion', note })
        const [r1, r2] = await Promise.all([
          w.officer1.c.post(`${C}/${k.id}/steps/non_coercive`, body('甲')),
          w.officer2.c.post(`${C}/${k.id}/steps/non_coercive`, body('乙')),
        ])
        assert.deepEqual([r1.status, r2.status].sort(), [200, 409], `${r1.text} ${r2.text}`)
        const c = await getCase(w.officer1.c, k.id)
        assert.equal(c.non_coercive_steps, 1)
        assert.equal(c.version, v + 1)
      })

      test('each step needs its own permission; unknown steps and fields are named', async () => {
        const k = await newLead(w)
        await refused(() => step(w.officer1.c, k.id, 'file', { date: today() }), { status: 403, code: 'PermissionDenied', field: 'step', caseId: k.id })
        await refused(() => step(w.head.c, k.id, 'teleport', {}, w.officer1.c), { status: 404, field: 'step', caseId: k.id })
        await refused(() => step(w.head.c, k.id, 'file', { date: today(), extra: 1 }, w.officer1.c), { code: 'UnknownField', field: 'extra', caseId: k.id })
        await refused(() => step(w.head.c, k.id, 'file', { date: '2026-02-30' }, w.officer1.c), { field: 'date', caseId: k.id })
        await refused(() => step(w.officer1.c, k.id, 'investigate', { date: today(), kind: 'inspection', officer_ids: [w.o1.id, w.o2.id], credentials_shown: true, summary: 'x' }), { status: 409, rule: 'step_order', caseId: k.id })
      })

      test('outside the data scope a case does not exist (404); lists show nothing outside', async () => {
        const k = await newLead(w)
        const out = w.outsider.c
        assertError(await out.get(`${C}/${k.id}`), 404, 'NotFound')
        assertError(await out.get(`${C}/${k.id}/timeline`), 404, 'NotFound')
        assertError(await out.post(`${C}/${k.id}/steps/non_coercive`, { version: 1, date: today(), means: 'warning', note: 'x' }), 404, 'NotFound')
        assertError(await out.post(C, leadBody(w)), 404, 'NotFound', 'unit_id')
        const list = await out.get(`${C}?page_size=200`)
        assert.equal(list.status, 200)
        assert.ok(!list.json.items.some((x) => x.unit_id === w.A.id))
        const mine = await out.post(C, { ...leadBody(w), unit_id: w.B.id, matter_code: w.matterB, officer_ids: [w.oB1.id, w.oB2.id] })
        assert.equal(mine.status, 201, mine.text)
        assert.ok(!(await w.officer1.c.get(`${C}?page_size=200`)).json.items.some((x) => x.id === mine.json.id))
      })

      test('list filters: officer, state, due, matter, q, keyset paging', async () => {
        const k = await newLead(w)
        const c = w.supervisor.c
        const byOfficer = await c.get(`${C}?officer_id=${w.o1.id}&page_size=200`)
        assert.ok(byOfficer.json.items.some((x) => x.id === k.id))
        assert.ok(!(await c.get(`${C}?officer_id=${w.o4.id}&state=lead&page_size=200`)).json.items.some((x) => x.id === k.id))
        const overdue = await c.get(`${C}?due=overdue&page_size=200`)
        assert.equal(overdue.status, 200, overdue.text)
        for (const x of overdue.json.items) assert.equal(x.due.status, 'overdue')
        assert.ok((await c.get(`${C}?matter=${w.matter}&page_size=200`)).json.items.every((x) => x.matter_code === w.matter))
        assert.ok((await c.get(`${C}?q=${encodeURIComponent(k.case_no)}`)).json.items.some((x) => x.id === k.id))
        const p1 = await c.get(`${C}?page_size=2`)
        const p2 = await c.get(`${C}?page_size=2&after=${p1.json.next_after}`)
        assert.ok(p2.json.items.every((x) => x.id < p1.json.items[1].id))
        assertError(await c.get(`${C}?due=later`), 400, 'InvalidArgument', 'due')
        assertError(await c.get(`${C}?state=nowhere`), 400, 'InvalidArgument', 'state')
        assertError(await c.get(`${C}?sort=name`), 400, 'InvalidArgument', 'sort')
      })

      test('q finds a case by a fragment of its party name or title (search index); one character scans', async () => {
        const tag = String(Date.now()).slice(-7)
        const k = await newLead(w, { title: `擅自占用城市道路经营甲${tag}乙`, party: { kind: 'person', name: `欧阳泺${tag}翔`, id_number: PERSON_ID } })
        const c = w.supervisor.c
        const ids = async (q) => {
          const r = await c.get(`${C}?q=${encodeURIComponent(q)}&page_size=200`)
          assert.equal(r.status, 200, r.text)
          return r.json.items.map((x) => x.id)
        }
        for (const q of [`泺${tag}翔`, `${tag}翔`, `阳泺${tag}`, `甲${tag}乙`, tag]) {
          assert.deepEqual(await ids(q), [k.id], q)
        }
        assert.ok((await ids('欧阳泺')).includes(k.id), 'a name prefix')
        assert.deepEqual(await ids(`泺${tag}乙`), [], 'every bigram is the case’s, the text is in neither field')
        assert.deepEqual(await ids(`翔${tag}`), [], 'not in the text')
        assert.ok((await ids('翔')).includes(k.id), 'one character: its unigram')
      })

      test('q from the search index gives exactly the cases whose title or party name holds it, with the total', async () => {
        const tag = String(Date.now()).slice(-6)
        await newLead(w, { title: `占道经营丙${tag}`, party: { kind: 'person', name: `司马翀${tag}`, id_number: PERSON_ID } })
        await newLead(w, { title: `翀道${tag}丁`, party: { kind: 'person', name: `上官丙`, id_number: PERSON_ID } })
        const c = w.supervisor.c
        const all = []
        for (let after = null; ;) {
          const r = await c.get(`${C}?page_size=200${after ? `&after=${after}` : ''}`)
          assert.equal(r.status, 200, r.text)
          all.push(...r.json.items)
          if (r.json.items.length < 200) break
          after = r.json.next_after
        }
        // One character (unigram), two (bigram), longer (terms + LIKE), with a space, ASCII.
        for (const q of ['翀', '丙', '道', '占道', `翀${tag}`, `丙${tag}`, '翀 丙', tag.slice(0, 1), tag.slice(0, 2), '、']) {
          const want = all.filter((x) => x.title.includes(q) || x.party_name.includes(q)).map((x) => x.id)
          const r = await c.get(`${C}?q=${encodeURIComponent(q)}&page_size=200`)
          assert.equal(r.status, 200, r.text)
          assert.deepEqual(r.json.items.map((x) => x.id), want, q)
          assert.equal(r.json.total, want.length, q)
        }
      })

      test('every step is recorded with its kind, target and the party as subject', async () => {
        const seq = await headSeq(a.audit)
        const k = await newLead(w)
        await ok(w.officer1.c, k.id, 'non_coercive', { date: today(), means: 'interview', note: '指导约谈' })
        const added = await entriesSince(a.audit, seq)
        assert.deepEqual(added.map((e) => e.kind), ['case.registered', 'case.non_coercive_recorded'])
        assert.ok(added.every((e) => e.target === `case:${k.id}`))
        assert.ok(!JSON.stringify(added).includes(PERSON_ID), 'the ID number never enters the log')
      })
    })
  })

  describe(`case list totals, counted up to their caps [${backend}]`, () => {
    let srv
    let w
    before(async () => {
      // Small caps so a few cases pass them (defaults 10,000 and 2,000; config [cases]).
      srv = await startServer({ backend, cases: { list_count_cap: 3, list_search_count_cap: 2 } })
      w = await caseWorld(await administrators(srv.base), srv.base, 'cap')
    })
    after(async () => {
      if (srv) assert.equal((await srv.stop()).code, 0, srv.log().slice(-2000))
    })

    test('the total stops at the cap (total_capped), a confirmed text search at the lower one; the page is whole', async () => {
      const tag = String(Date.now()).slice(-6)
      const single = (await newLead(w, { title: `占道经营${tag}`, party: { kind: 'person', name: `公孙${tag}`, id_number: PERSON_ID } })).id
      const ids = []
      for (let i = 0; i < 4; i++) {
        ids.unshift((await newLead(w, { title: `龘靐占道经营${tag}`, party: { kind: 'person', name: `闾丘${tag}`, id_number: PERSON_ID } })).id)
      }
      const c = w.supervisor.c
      const list = async (q) => {
        const r = await c.get(`${C}?page_size=200${q === undefined ? '' : `&q=${encodeURIComponent(q)}`}`)
        assert.equal(r.status, 200, r.text)
        return r.json
      }
      const all = await list()
      assert.deepEqual([all.total, all.total_capped], [3, true])
      assert.deepEqual(all.items.map((x) => x.id), [...ids, single], 'every case on the page, beyond the count')
      // Two characters: one search term, counted from the index (the list's cap).
      const term = await list('龘靐')
      assert.deepEqual([term.total, term.total_capped], [3, true])
      assert.deepEqual(term.items.map((x) => x.id), ids)
      // Three or more: each candidate confirmed on its row (the search cap).
      for (const q of ['龘靐占', `丘${tag}`, `经营${tag}`]) {
        const r = await list(q)
        assert.deepEqual([r.total, r.total_capped], [2, true], q)
        assert.deepEqual(r.items.map((x) => x.id), q.startsWith('经营') ? [...ids, single] : ids, q)
      }
      // Under the caps the total is exact.
      const one = await list(`孙${tag}`)
      assert.deepEqual([one.total, one.total_capped, one.items.map((x) => x.id)], [1, false, [single]])
      const none = await list(`靐龘${tag}`)
      assert.deepEqual([none.total, none.total_capped, none.items], [0, false, []])
    })
  })
}
