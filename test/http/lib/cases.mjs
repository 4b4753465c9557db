// Case helpers for the HTTP suites: a world of two departments (A inside, B outside) with the
// case roles, officers in the register, matters held by A and B; and helpers that take a case
// through the ordinary procedure step by step.
import assert from 'node:assert/strict'
import { API, signIn } from './client.mjs'
import { unitIndex, createUser, uniqueName } from './fixtures.mjs'
import { matterBody, newCode } from './catalogue.mjs'
import { newDiscretionMatter } from './discretion.mjs'
import { newOfficer } from './officers.mjs'

export const C = `${API}/cases`
// A valid 公民身份号码 (GB 11643 example) and a valid 统一社会信用代码.
export const PERSON_ID = '11010519491231002X'
export const CREDIT = '91350100M000100Y43'

/** Today (China time) as YYYY-MM-DD, and calendar-day arithmetic. */
export function today() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}
/** The n-th working day after `date` (n may be negative: before), from the server's calendar. */
export async function addWorkingDays(c, date, n) {
  if (n >= 0) {
    const r = await c.get(`${API}/calendar/add-working-days?date=${date}&n=${n}`)
    assert.equal(r.status, 200, r.text)
    return r.json.result
  }
  // Walk back day by day (small n only).
  let d = date
  let left = -n
  while (left > 0) {
    d = addDays(d, -1)
    const r = await c.get(`${API}/calendar/is-working-day?date=${d}`)
    assert.equal(r.status, 200, r.text)
    if (r.json.working) left -= 1
  }
  return d
}

/**
 * The world: departments A (历下区) and B (市中区); at A officer1/officer2 (officers), head
 * (dept_head), reviewer (legal_reviewer, 法律职业资格), novice (legal_reviewer without it),
 * at B outsider (officer); supervisor city-wide. Officers o1, o2 (the officers' accounts), o3
 * (credential expired), o4 (presider, no account), o5 (the reviewer), o6 (the novice), oB.
 * Matters: matter (A; warning or 2,000–10,000 元, tiers 2,000–6,000 / 6,000–10,000) and small
 * (A; warning or 50–200 元, for the simplified procedure), matterB (B).
 */
export async function caseWorld(admins, base, prefix = 'cs') {
  const units = await unitIndex(admins.sys)
  const mk = async (parent, name) => {
    const r = await admins.sys.post(`${API}/units`, { parent_id: units.byName(parent).id, name, kind: 'department' })
    assert.equal(r.status, 201, r.text)
    return r.json
  }
  const w = { admins, base }
  w.A = await mk('历下区', uniqueName('案件测试局'))
  w.B = await mk('市中区', uniqueName('案件测试局'))
  const user = async (name, unit, role, scope = 'dept_tree') => {
    const acc = await createUser(admins, { username: `${prefix}_${name}`, unitId: unit.id, role, scope })
    return { acc, c: await signIn(base, acc) }
  }
  for (const [name, unit, role, scope] of [
    ['officer1', w.A, 'officer'],
    ['officer2', w.A, 'officer'],
    ['head', w.A, 'dept_head'],
    ['reviewer', w.A, 'legal_reviewer'],
    ['novice', w.A, 'legal_reviewer'],
    ['outsider', w.B, 'officer'],
    ['supervisor', w.B, 'supervisor', 'city'],
  ]) {
    w[name] = await user(name, unit, role, scope)
  }
  const sup = w.supervisor.c
  // The register (test/http/lib/officers.mjs); domains as the matters' (城市管理).
  const newOfficerIn = (unitId, extra) => newOfficer(sup, unitId, { domains: ['urban_management'], ...extra })
  w.o1 = await newOfficerIn(w.A.id, { user_id: w.officer1.acc.id, name: '执法一' })
  w.o2 = await newOfficerIn(w.A.id, { user_id: w.officer2.acc.id, name: '执法二' })
  w.o3 = await newOfficerIn(w.A.id, { name: '执法三', valid_from: '2020-01-01', valid_to: '2023-12-31' })
  w.o4 = await newOfficerIn(w.A.id, { name: '主持人' })
  w.o5 = await newOfficerIn(w.A.id, { user_id: w.reviewer.acc.id, name: '审核员', legal_qualification: true, legal_cert_no: 'A20183701020123' })
  w.o6 = await newOfficerIn(w.A.id, { user_id: w.novice.acc.id, name: '新审核员' })
  w.oB1 = await newOfficerIn(w.B.id, { user_id: w.outsider.acc.id, name: '外单位一' })
  w.oB2 = await newOfficerIn(w.B.id, { name: '外单位二' })
  w.matter = await newDiscretionMatter(sup, w.A.id)
  w.matterB = await newDiscretionMatter(sup, w.B.id)
  w.small = newCode('SMALL')
  const r = await sup.post(
    `${API}/catalogue/matters`,
    matterBody({
      code: w.small,
      holders: [w.A.id],
      range: '处警告或者五十元以上二百元以下的罚款',
      tiers: [{ name: '一般', conditions_text: '一般情形', standard_text: '处五十元以上二百元以下罚款', source: '测试' }],
    }),
  )
  assert.equal(r.status, 201, r.text)
  return w
}

/** A lead body (a person by default) with dates relative to today. */
export function leadBody(w, extra = {}) {
  const t = today()
  return {
    unit_id: w.A.id,
    matter_code: w.matter,
    source: 'complaint',
    source_ref: '12345-0001',
    title: '擅自占用城市道路经营',
    place: '济南市历下区泺源大街',
    party: { kind: 'person', name: '张三', id_number: PERSON_ID, address: '济南市历下区' },
    act_date: addDays(t, -70),
    discovered_date: addDays(t, -60),
    officer_ids: [w.o1.id, w.o2.id],
    ...extra,
  }
}

export async function getCase(c, id) {
  const r = await c.get(`${C}/${id}`)
  assert.equal(r.status, 200, r.text)
  return r.json
}

/** POSTs a step with the case's current version; returns the response. */
export async function step(c, id, name, body = {}, reader = c) {
  const cur = await reader.get(`${C}/${id}`)
  assert.equal(cur.status, 200, cur.text)
  return c.post(`${C}/${id}/steps/${name}`, { version: cur.json.version, ...body })
}

/**
 * As step, asserting success and the answer's shape (what changed: the new version and state,
 * the step row and its record entry); returns the case as it now is (read again).
 */
export async function ok(c, id, name, body = {}, reader = c) {
  const r = await step(c, id, name, body, reader)
  assert.equal(r.status, 200, `${name}: ${r.text}`)
  const a = r.json
  assert.deepEqual(Object.keys(a).sort(), ['case_no', 'id', 'seq', 'state', 'state_en', 'state_zh', 'step', 'version'])
  assert.equal(a.id, id)
  assert.equal(a.step.step, name)
  assert.equal(a.step.seq, a.seq)
  const k = await getCase(reader, id)
  assert.equal(k.version, a.version, 'the answer names the version the case now has')
  assert.equal(k.state, a.state)
  assert.equal(k.case_no, a.case_no)
  const last = k.steps[k.steps.length - 1]
  assert.deepEqual({ id: last.id, step: last.step, date: last.date, seq: last.seq }, a.step)
  return k
}

/** Uploads evidence of the case (a PDF, or a video with {video: true}). */
export async function evidence(c, caseId, unitId, { video = false, stage = 'investigation' } = {}) {
  let body
  if (video) {
    body = Buffer.alloc(2048, 7)
    body.write('\0\0\0\x18ftypisom', 0, 'latin1')
  } else {
    body = Buffer.from(`%PDF-1.7 案件材料 ${Math.random()}`)
  }
  const q = new URLSearchParams({
    target_kind: 'record',
    target: `case:${caseId}`,
    unit_id: String(unitId),
    stage,
    captured_at: new Date(Date.now() - 60000).toISOString(),
    file_name: video ? '执法记录仪.mp4' : '笔录.pdf',
  })
  const r = await c.request('POST', `${API}/evidence?${q}`, { body, contentType: 'application/octet-stream' })
  assert.equal(r.status, 201, r.text)
  return r.json.id
}

/** A new lead; returns the case. */
export async function newLead(w, extra = {}, c = w.officer1.c) {
  const r = await c.post(C, leadBody(w, extra))
  assert.equal(r.status, 201, r.text)
  return r.json
}

/** Lead → filed (head) → one inspection with o1, o2 (70/60/55/54 days ago). */
export async function investigating(w, extra = {}) {
  const k = await newLead(w, extra)
  const t = today()
  await ok(w.head.c, k.id, 'file', { date: addDays(t, -55) })
  await ok(w.officer1.c, k.id, 'investigate', {
    date: addDays(t, -54),
    kind: 'inspection',
    officer_ids: [w.o1.id, w.o2.id],
    credentials_shown: true,
    summary: '现场检查笔录：当事人在人行道摆摊经营',
    evidence_ids: [await evidence(w.officer1.c, k.id, w.A.id)],
  })
  return k
}

/** … → investigation concluded with `penalty` (fen) → case review agreed. */
export async function reviewed(w, penalty = { kinds: ['fine'], fine: 500000 }, extra = {}, conclude = {}) {
  const k = await investigating(w, extra)
  const t = today()
  await ok(w.officer1.c, k.id, 'conclude_investigation', {
    date: addDays(t, -50),
    outcome: 'penalty',
    penalty,
    facts: {},
    report: '调查终结报告：事实清楚，证据确凿',
    reason: '',
    ...conclude,
  })
  await ok(w.officer1.c, k.id, 'review_case', { date: addDays(t, -50), agree: true, opinion: '同意调查结论' })
  return k
}

/** … → notified on `date` (default 40 days ago), with the hearing right when triggered. */
export async function notified(w, penalty, { date, hearing = true, extra = {} } = {}) {
  const k = await reviewed(w, penalty, extra)
  await ok(w.officer1.c, k.id, 'notify', {
    date: date || addDays(today(), -40),
    facts: '当事人在人行道摆摊经营',
    reasons: '违反《城市道路管理条例》第二十七条',
    basis: '《城市道路管理条例》第四十二条',
    statement_right: true,
    hearing_right: hearing,
  })
  return k
}
