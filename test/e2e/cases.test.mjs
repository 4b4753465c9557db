// End-to-end: case handling (案件办理, issue 5) in the browser against the REAL zhifa binary and
// the demo city (`zhifa demo`: units, users, the demo catalogue and penalty lists). The officer
// register is filled through its API by the department head; everything else happens in the UI:
//   1. an ordinary-procedure case walked from the lead to closing — filing (负责人), investigation
//      by two officers with valid credentials (an expired credential and a missing 出示证件 are
//      refused in words with their article, the form keeping what was typed), conclusion with the
//      discretion facts, case review, pre-decision notice with the hearing right, hearing request,
//      hearing notice and hearing (presider not an investigator), legal review by the reviewer in
//      the review queue, collective discussion and decision (负责人), service, execution, closing;
//      the timeline verified against a signed checkpoint;
//   2. a simplified-procedure case (当场处罚, 第51条 limits checked in the browser), reported for
//      filing, executed and closed; the party's ID number masked for a reviewer;
//   3. the case list's filters and deadline badges, and the English UI.
//   node --test test/e2e/cases.test.mjs    env: ZHIFA_BIN, CHROMIUM (see lib.mjs)
// Screenshots go to test-output/e2e-cases/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rnd, startZhifa, launchChromium, screenshots, newPage as openPage, tid, input, fillDate, loginFlow } from './lib.mjs'
import { ADMIN_PASSWORD } from '../http/lib/server.mjs'
import { API, Account, signIn } from '../http/lib/client.mjs'
import { administrators, unitIndex } from '../http/lib/fixtures.mjs'

const DEMO_PW = 'Demo#e2e-' + rnd() + 'A1'
let zhifa, browser, shot, files
let head, audit
/** names in the register of the demo accounts used: o1 = scjgt1o1, o2 = scjgt1o2, reviewer */
const names = {}
let ordinaryId, simplifiedId

/** A date `offset` days from today (Beijing), YYYY-MM-DD. */
function day(offset) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000)
  return d.toISOString().slice(0, 10)
}

const signInUi = loginFlow()
const live = new Set() // pages of the running test, pictured when it fails
async function pageAs(username, { locale = 'zh-CN' } = {}) {
  const errors = []
  const page = await openPage(browser, zhifa.baseURL, { locale, width: 1500, height: 1000, errors })
  // Vue reports a failed render on the console (not as a page error): count those too.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text())
  })
  // Steps are durable commands (fsync) on a 2-core machine shared with builds: allow more than
  // the shared 15 s before calling a wait a failure.
  page.setDefaultTimeout(45000)
  live.add(page)
  page.on('close', () => live.delete(page))
  await signInUi(page, username, DEMO_PW)
  page.errors = errors
  return page
}

/** Picks the option containing `text` in the el-select with data-testid `id` (typing `type` first). */
async function pick(page, id, text, type) {
  // The select shows a chosen option in its box (a tag when multiple). On a loaded machine a
  // click can land on a list that is being re-filtered or closing and choose nothing: then again.
  const want = text instanceof RegExp ? { re: text.source, flags: text.flags } : { s: text }
  const chosen = () =>
    page.waitForFunction(
      ([i, w]) => {
        const box = document.querySelector(`[data-testid="${i}"]`)
        if (!box) return false
        if (w.re === undefined) return (box.textContent ?? '').includes(w.s)
        // a pattern is tested against each chosen label (tag or single value) on its own
        const labels = [...box.querySelectorAll('.el-tag__content, .el-select__selected-item span, .el-select__placeholder span')]
        return labels.some((e) => new RegExp(w.re, w.flags).test((e.textContent ?? '').trim()))
      },
      [id, want],
      { timeout: 5000 },
    )
  for (let attempt = 1; ; attempt++) {
    const box = page.locator(`[data-testid="${id}"] input`).first()
    if ((await box.getAttribute('aria-expanded')) !== 'true') await page.locator(`[data-testid="${id}"]`).first().click()
    if (type) await page.locator(`[data-testid="${id}"] input`).first().fill(type)
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
    try {
      await chosen()
      return
    } catch (e) {
      if (attempt === 3) throw e
    }
  }
}
/** A textarea by data-testid (on the el-input or on the textarea itself). */
const area = (page, id) => page.locator(`textarea[data-testid="${id}"], [data-testid="${id}"] textarea`).first()
/** Closes an open select dropdown and waits until it is gone (it would take the next click). */
/** A click on `neutral` (default: the page title) is a click outside every select. */
async function closeDropdown(page, neutral = tid(page, 'page-title')) {
  const closed = () => [...document.querySelectorAll('.el-select__popper')].every((e) => getComputedStyle(e).display === 'none')
  if (!(await page.evaluate(closed))) await neutral.click()
  await page.waitForFunction(closed)
}
const field = (page, name) => page.locator(`[data-testid="step-field-${name}"]`)
async function typeIn(page, name, value) {
  await field(page, name).locator('textarea, input').first().fill(value)
}
async function toggle(page, name) {
  await field(page, name).locator('.el-switch').click()
}
async function openStep(page, step) {
  await tid(page, `step-btn-${step}`).click()
  await page.locator(`[data-testid="step-dialog"][data-step="${step}"]`).waitFor()
}
/** Submits the open step form; returns the HTTP status of the step request. */
async function submitStep(page) {
  const res = page.waitForResponse((r) => r.url().includes('/steps/') && r.request().method() === 'POST', { timeout: 90000 })
  await tid(page, 'step-submit').click()
  return (await res).status()
}
async function stepOk(page, step) {
  const status = await submitStep(page)
  assert.equal(status, 200, `step ${step}`)
  await tid(page, 'step-dialog').waitFor({ state: 'hidden' })
}
async function stateIs(page, state) {
  await page.locator(`[data-testid="case-state"][data-state="${state}"]`).waitFor()
}
async function openCase(page, id) {
  await page.goto(`/cases/${id}`)
  await tid(page, 'case-detail').locator('[data-testid="case-no"]').waitFor()
}

/** The test body; on failure a picture of every page still open, then the error. */
const pictured = (fn) => async () => {
  try {
    await fn()
  } catch (e) {
    for (const p of live) {
      await shot(p, 'FAILED').catch(() => {})
      if (p.errors?.length) console.error('page errors:', p.errors)
      if (process.env.E2E_DUMP) {
        console.error(
          'buttons:',
          await p.evaluate(() => [...document.querySelectorAll('[data-testid$="-submit"]')].map((b) => b.className)).catch(() => ''),
          'resources:',
          await p.evaluate(() => performance.getEntriesByType('resource').slice(-5).map((e) => e.name + ' ' + e.responseEnd)).catch(() => ''),
        )
      }
      if (process.env.E2E_DUMP) writeFileSync(join(process.env.E2E_DUMP, `${Date.now()}.html`), await p.content())
    }
    throw e
  }
}

before(async () => {
  shot = screenshots('e2e-cases').shot
  zhifa = await startZhifa({
    prefix: 'zhifa-e2e-cases-',
    env: { ZHIFA_ADMIN_PASSWORD: ADMIN_PASSWORD },
    demo: ['--password', DEMO_PW],
  })
  const admins = await administrators(zhifa.baseURL)
  audit = admins.audit
  const units = await unitIndex(admins.sys)
  const team = units.byName('第一大队', '市市场监管局执法支队')
  const userId = async (username) => {
    const r = await admins.sys.get(`${API}/users?q=${username}`)
    assert.equal(r.status, 200, r.text)
    const u = r.json.items.find((x) => x.username === username)
    assert.ok(u, username)
    return u.id
  }
  // The officer register (执法人员名册): `zhifa demo` registers every demo account (some with
  // expired or suspended credentials, by design); the head makes the three accounts used here
  // valid, gives the reviewer the 法律职业资格 (第58条第2款), and registers a hearing presider
  // and an officer whose credential has expired, through the register's API.
  head = await signIn(zhifa.baseURL, new Account('scjghead', DEMO_PW))
  const reg = await head.get(`${API}/officers?page_size=200`)
  assert.equal(reg.status, 200, reg.text)
  const record = async (username) => {
    const id = await userId(username)
    let r = reg.json.items.find((o) => o.user_id === id)
    assert.ok(r, `register record of ${username}`)
    if (r.status !== 'active') {
      const s = await head.post(`${API}/officers/${r.id}/status`, { status: 'active', reason: '恢复执法资格', version: r.version })
      assert.equal(s.status, 200, s.text)
      r = s.json
    }
    if (r.state !== 'valid') {
      const c = await head.post(`${API}/officers/${r.id}/credential`, { version: r.version, valid_from: '2024-01-01', valid_to: '2030-12-31' })
      assert.equal(c.status, 200, c.text)
      r = c.json
    }
    return r
  }
  const o1 = await record('scjgt1o1')
  const o2 = await record('scjgt1o2')
  let rv = await record('scjgreviewer1')
  if (!rv.legal_qualification) {
    const p = await head.patch(`${API}/officers/${rv.id}`, { version: rv.version, legal_qualification: true, legal_cert_no: 'A20183701020123' })
    assert.equal(p.status, 200, p.text)
    rv = p.json
  }
  names.o1 = o1.name
  names.o2 = o2.name
  names.reviewer = rv.name
  const add = async (name, body) => {
    const r = await head.post(`${API}/officers`, {
      name,
      unit_id: team.id,
      issuing_authority: '济南市人民政府',
      domains: ['food_drug'],
      ...body,
    })
    assert.equal(r.status, 201, `officer ${name}: ${r.text}`)
  }
  await add('王主持', { cert_no: '鲁01-2024-0103', valid_from: '2024-01-01', valid_to: '2030-12-31' })
  await add('赵过期', { cert_no: '鲁01-2020-0104', valid_from: '2020-01-01', valid_to: '2025-06-30' })
  files = mkdtempSync(join(tmpdir(), 'cases-e2e-'))
  const photo = Buffer.alloc(4000, 5)
  photo.set([0xff, 0xd8, 0xff, 0xe0])
  writeFileSync(join(files, '现场检查照片.jpg'), photo)
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  if (files) rmSync(files, { recursive: true, force: true })
  await zhifa?.stop()
})

test('ordinary procedure: lead → filing → investigation → notice → hearing → legal review → decision → service → execution → closing', pictured(async () => {
  const officer = await pageAs('scjgt1o1')
  // ---- the lead, with the party's code checked in the browser and officers from the register
  await tid(officer, 'menu-case-new').click()
  await tid(officer, 'case-new').waitFor()
  await pick(officer, 'case-new-matter', '生产经营超过保质期的食品', 'SCJG-SP-001')
  await input(officer, 'case-new-title').fill('销售超过保质期的食品')
  await input(officer, 'case-new-place').fill('历下区泉城路 1 号')
  await input(officer, 'case-new-party-name').fill('济南泉城食品有限公司')
  await input(officer, 'case-new-credit-code').fill('91350100m000100y44')
  await input(officer, 'case-new-representative').click() // blur: checked in the browser
  const codeItem = officer.locator('.el-form-item', { has: officer.locator('[data-testid="case-new-credit-code"]') })
  await codeItem.locator('.el-form-item__error', { hasText: '第18位校验码应为 3' }).waitFor()
  await input(officer, 'case-new-credit-code').fill('91350100M000100Y43')
  await input(officer, 'case-new-representative').fill('刘经理')
  await codeItem.locator('.el-form-item__error').waitFor({ state: 'detached' })
  await fillDate(officer, 'case-new-act-date', day(-60))
  await fillDate(officer, 'case-new-discovered-date', day(-50))
  await pick(officer, 'case-new-officers', names.o1, names.o1)
  await pick(officer, 'case-new-officers', '赵过期', '赵')
  await closeDropdown(officer)
  // An officer whose credential expired is refused by the server, in words, with the article.
  const refused = officer.waitForResponse((r) => r.url().endsWith('/api/v1/cases') && r.request().method() === 'POST', { timeout: 90000 })
  await tid(officer, 'case-new-submit').click()
  assert.equal((await refused).status(), 400)
  await tid(officer, 'step-refusal').waitFor()
  assert.match(await tid(officer, 'step-refusal').innerText(), /第42条/)
  // … and on the field it names
  await officer
    .locator('.el-form-item', { has: officer.locator('[data-testid="case-new-officers"]') })
    .locator('.el-form-item__error', { hasText: '没有有效的执法证件' })
    .waitFor()
  assert.equal(await input(officer, 'case-new-title').inputValue(), '销售超过保质期的食品', 'the form keeps what was typed')
  await shot(officer, 'new-case-refused-expired-credential')
  await tid(officer, 'case-new-officers').locator('.el-tag', { hasText: '赵过期' }).locator('.el-tag__close').click()
  await pick(officer, 'case-new-officers', names.o2, names.o2)
  await closeDropdown(officer)
  await tid(officer, 'case-new-submit').click()
  await officer.waitForURL(/\/cases\/\d+$/)
  ordinaryId = Number(officer.url().split('/').pop())
  await stateIs(officer, 'lead')
  // Filing is the head's: the officer sees it waiting, not as a button.
  await tid(officer, 'step-waiting-file').waitFor()
  assert.equal(await tid(officer, 'step-btn-file').count(), 0)
  await shot(officer, 'lead-registered')

  // ---- filing approved by the head (负责人)
  const headPage = await pageAs('scjghead')
  await openCase(headPage, ordinaryId)
  await openStep(headPage, 'file')
  await fillDate(headPage, 'step-field-date', day(-45))
  await typeIn(headPage, 'note', '同意立案')
  await stepOk(headPage, 'file')
  await stateIs(headPage, 'investigation')

  // ---- investigation: two officers with valid credentials, credentials shown (第55条)
  await openCase(officer, ordinaryId)
  await stateIs(officer, 'investigation')
  await openStep(officer, 'investigate')
  await fillDate(officer, 'step-field-date', day(-44))
  await pick(officer, 'step-kind', '现场检查')
  await typeIn(officer, 'summary', '现场检查发现货架上有超过保质期的饼干 20 盒，货值约 5000 元')
  await field(officer, 'evidence_ids').locator('input[type=file]').setInputFiles(join(files, '现场检查照片.jpg'))
  await field(officer, 'evidence_ids').locator('.el-checkbox', { hasText: '现场检查照片.jpg' }).waitFor()
  assert.equal(await submitStep(officer), 400, 'credentials not shown')
  await tid(officer, 'step-refusal').waitFor()
  assert.match(await tid(officer, 'step-refusal').innerText(), /出示执法证件[\s\S]*第55条/)
  await field(officer, 'credentials_shown').locator('.el-form-item__error', { hasText: '出示执法证件' }).waitFor()
  assert.match(await field(officer, 'summary').locator('textarea').inputValue(), /超过保质期的饼干/, 'the form keeps what was typed')
  await shot(officer, 'investigate-refused-credentials-not-shown')
  await toggle(officer, 'credentials_shown')
  await stepOk(officer, 'investigate')

  // ---- conclusion with the discretion facts (货值 5,000 元 → fine 50,000–75,000 元)
  await openStep(officer, 'conclude_investigation')
  await fillDate(officer, 'step-field-date', day(-40))
  await pick(officer, 'step-outcome', '给予行政处罚')
  await pick(officer, 'step-penalty-kinds', '没收违法所得')
  await pick(officer, 'step-penalty-kinds', /^罚款$/)
  await closeDropdown(officer, tid(officer, 'step-article')) // Escape would close the dialog
  await officer.locator('[data-testid="step-penalty-fine"] input').fill('60000')
  await typeIn(officer, 'reason', '货值较小，未造成危害后果，在裁量基准幅度内从中处罚')
  await officer.locator('[data-testid="case-fact-goods_value"] input').fill('5000')
  await pick(officer, 'case-fact-harm', '无')
  await typeIn(officer, 'report', '经查，当事人销售超过保质期的食品，违反《食品安全法》第三十四条。')
  await stepOk(officer, 'conclude_investigation')
  await stateIs(officer, 'review')

  // ---- case review, then the pre-decision notice with the hearing right (第44条, 第63条)
  await openStep(officer, 'review_case')
  await fillDate(officer, 'step-field-date', day(-39))
  await toggle(officer, 'agree')
  await typeIn(officer, 'opinion', '事实清楚，证据确凿，同意调查结论')
  await stepOk(officer, 'review_case')
  await openStep(officer, 'notify')
  await tid(officer, 'step-hearing-triggers').waitFor()
  assert.match(await tid(officer, 'step-hearing-triggers').innerText(), /第63条/)
  await fillDate(officer, 'step-field-date', day(-38))
  await typeIn(officer, 'facts', '当事人销售超过保质期的食品')
  await typeIn(officer, 'reasons', '违反《食品安全法》第三十四条第（十）项')
  await typeIn(officer, 'basis', '《食品安全法》第一百二十四条第一款第（五）项')
  await toggle(officer, 'hearing_right')
  await stepOk(officer, 'notify')
  await stateIs(officer, 'notice')

  // ---- hearing: request within 5 working days, notice 7 working days before, presider not an
  //      investigator (第64条)
  await openStep(officer, 'request_hearing')
  await fillDate(officer, 'step-field-date', day(-36))
  await stepOk(officer, 'request_hearing')
  await stateIs(officer, 'hearing')
  await openStep(officer, 'schedule_hearing')
  await fillDate(officer, 'step-field-notice_date', day(-35))
  await fillDate(officer, 'step-field-hearing_date', day(-20))
  await pick(officer, 'step-presider_id', names.o1, names.o1)
  await typeIn(officer, 'place', '市市场监管局听证室')
  assert.equal(await submitStep(officer), 400, 'an investigator may not preside')
  assert.match(await tid(officer, 'step-refusal').innerText(), /非本案调查人员主持[\s\S]*第64条/)
  await field(officer, 'presider_id').locator('.el-form-item__error').waitFor()
  await shot(officer, 'hearing-refused-presider-investigated')
  await pick(officer, 'step-presider_id', '王主持', '王')
  await stepOk(officer, 'schedule_hearing')
  await openStep(officer, 'hold_hearing')
  await fillDate(officer, 'step-field-date', day(-20))
  await typeIn(officer, 'record', '当事人到场陈述，对违法事实无异议，请求从轻处罚')
  await stepOk(officer, 'hold_hearing')
  await stateIs(officer, 'pending_decision')

  // The head cannot decide yet: legal review (第58条) and collective discussion (第57条) first.
  await openCase(headPage, ordinaryId)
  await tid(headPage, 'case-decide-blockers').waitFor()
  const blockers = await tid(headPage, 'case-decide-blockers').innerText()
  assert.match(blockers, /法制审核/)
  assert.match(blockers, /集体讨论/)
  await shot(headPage, 'decision-blocked')

  // ---- legal review: submitted by the officer, opinion by the reviewer from the queue
  await openCase(officer, ordinaryId)
  await openStep(officer, 'submit_review')
  await fillDate(officer, 'step-field-date', day(-18))
  await typeIn(officer, 'note', '拟处罚款六万元，属听证案件，提请法制审核')
  await stepOk(officer, 'submit_review')
  await stateIs(officer, 'legal_review')

  const reviewer = await pageAs('scjgreviewer1')
  await tid(reviewer, 'menu-case-reviews').click()
  await tid(reviewer, `review-open-${ordinaryId}`).click()
  await reviewer.locator('[data-testid="step-dialog"][data-step="review_opinion"]').waitFor()
  await tid(reviewer, 'review-report').waitFor()
  assert.ok((await tid(reviewer, 'review-report').innerText()).includes(names.o1))
  await fillDate(reviewer, 'step-field-date', day(-16))
  await pick(reviewer, 'step-opinion', '同意')
  await area(reviewer, 'step-report-facts').fill('违法事实清楚，证据确实充分')
  await area(reviewer, 'step-report-basis').fill('适用《食品安全法》第一百二十四条正确')
  await area(reviewer, 'step-report-qualifications').fill('执法主体合法，两名执法人员持有效执法证')
  await area(reviewer, 'step-report-procedure').fill('已告知并举行听证，程序合法')
  await area(reviewer, 'step-report-discretion').fill('罚款六万元在裁量基准幅度内')
  await shot(reviewer, 'review-opinion-form')
  await stepOk(reviewer, 'review_opinion')
  await tid(reviewer, `review-open-${ordinaryId}`).waitFor({ state: 'detached' })

  // ---- collective discussion and decision by the head
  await openCase(headPage, ordinaryId)
  await tid(headPage, 'case-review-status').waitFor()
  assert.match(await tid(headPage, 'case-review-status').innerText(), /同意/)
  await openStep(headPage, 'discuss')
  await fillDate(headPage, 'step-field-date', day(-15))
  await typeIn(headPage, 'participants', '局长、分管副局长、法规科科长')
  await typeIn(headPage, 'conclusion', '同意给予没收违法所得、罚款六万元的行政处罚')
  await stepOk(headPage, 'discuss')
  await openStep(headPage, 'decide')
  await fillDate(headPage, 'step-field-date', day(-14))
  await typeIn(headPage, 'document_no', '济市监处罚〔2026〕101号')
  await stepOk(headPage, 'decide')
  await stateIs(headPage, 'decided')
  assert.match(await tid(headPage, 'case-decision').innerText(), /罚款 ¥60,000\.00/)

  // ---- service, execution, closing by the officer
  await openCase(officer, ordinaryId)
  await openStep(officer, 'serve')
  await fillDate(officer, 'step-field-date', day(-13))
  await pick(officer, 'step-method', '直接送达')
  await stepOk(officer, 'serve')
  await stateIs(officer, 'served')
  await openStep(officer, 'execute')
  await fillDate(officer, 'step-field-date', day(-5))
  await pick(officer, 'step-method', '当事人自动履行')
  assert.equal(await field(officer, 'paid').locator('input').inputValue(), '60000.00')
  await stepOk(officer, 'execute')
  await openStep(officer, 'close')
  await fillDate(officer, 'step-field-date', day(-1))
  await typeIn(officer, 'summary', '罚没款已缴清，结案')
  await stepOk(officer, 'close')
  await stateIs(officer, 'closed')
  await shot(officer, 'closed')

  // ---- the tabs: party, documents (the photo attached to the investigation), steps, timeline
  await officer.locator('.el-tabs__item', { hasText: '当事人' }).click()
  assert.equal((await tid(officer, 'case-party-code').innerText()).trim(), '91350100M000100Y43')
  await officer.locator('.el-tabs__item', { hasText: '文书' }).click()
  assert.match(await tid(officer, 'case-documents').innerText(), /现场检查照片\.jpg/)
  assert.match(await tid(officer, 'case-documents-numbers').innerText(), /济市监处罚〔2026〕101号/)
  await officer.locator('.el-tabs__item', { hasText: '裁量结果' }).click()
  assert.match(await tid(officer, 'case-discretion').innerText(), /一般/)
  await officer.locator('.el-tabs__item', { hasText: '办案环节' }).click()
  for (const s of ['file', 'investigate', 'notify', 'hold_hearing', 'review_opinion', 'decide', 'close']) {
    await tid(officer, `case-step-${s}`).waitFor()
  }
  const cp = await audit.post(`${API}/record/checkpoints`, {})
  assert.ok(cp.status === 200 || cp.status === 201, cp.text)
  await officer.locator('.el-tabs__item', { hasText: '全过程记录' }).click()
  await tid(officer, 'case-timeline').locator('.el-table__row').first().waitFor()
  const kinds = await tid(officer, 'case-timeline').innerText()
  for (const k of ['case.registered', 'case.filed', 'case.hearing_held', 'case.review_opinion', 'case.decided', 'case.closed']) {
    assert.ok(kinds.includes(k), `timeline has ${k}`)
  }
  const firstVerify = tid(officer, 'case-timeline').locator('[data-testid^="case-verify-"]').first()
  const seq = (await firstVerify.getAttribute('data-testid')).replace('case-verify-', '')
  await firstVerify.click()
  await tid(officer, `case-verified-${seq}`).waitFor()
  assert.match(await tid(officer, `case-verified-${seq}`).innerText(), /已包含于检查点/)
  await shot(officer, 'timeline-verified')

  for (const p of [officer, headPage, reviewer]) {
    assert.deepEqual(p.errors, [])
    await p.context().close()
  }
}))

test('simplified procedure: an on-the-spot fine within 第51条, filed, executed, closed; ID masked for a reviewer', pictured(async () => {
  const officer = await pageAs('scjgt1o1')
  await officer.goto('/cases')
  await tid(officer, 'case-new-simplified').click()
  await tid(officer, 'simplified-limits').waitFor()
  assert.match(await tid(officer, 'simplified-limits').innerText(), /200[\s\S]*3,?000[\s\S]*第51条/)
  await pick(officer, 'case-new-matter', '经营者不明码标价', 'SCJG-JG-002')
  await input(officer, 'case-new-title').fill('销售商品未明码标价')
  await input(officer, 'case-new-place').fill('历下区芙蓉街 8 号摊位')
  await tid(officer, 'party-kind-person').click()
  await input(officer, 'case-new-party-name').fill('孙某')
  await input(officer, 'case-new-id-number').fill('110105194912310021')
  await input(officer, 'case-new-address').click()
  const idItem = officer.locator('.el-form-item', { has: officer.locator('[data-testid="case-new-id-number"]') })
  await idItem.locator('.el-form-item__error', { hasText: '第18位校验码应为 X' }).waitFor()
  await input(officer, 'case-new-id-number').fill('11010519491231002X')
  await input(officer, 'case-new-address').fill('济南市历下区')
  await fillDate(officer, 'case-new-act-date', day(0))
  await officer.locator('[data-testid="case-new-penalty-fine"] input').fill('300')
  await area(officer, 'case-new-basis').fill('《中华人民共和国价格法》第四十二条')
  await pick(officer, 'case-new-officers', names.o1, names.o1)
  await pick(officer, 'case-new-officers', names.o2, names.o2)
  await closeDropdown(officer)
  await officer.locator('[data-testid="case-new-credentials-shown"]').click()
  // 300 元 for a citizen is above the 第51条 limit: the browser says so before sending.
  await tid(officer, 'case-new-submit').click()
  const penaltyItem = officer.locator('.el-form-item', { has: officer.locator('[data-testid="case-new-penalty"]') })
  await penaltyItem.locator('.el-form-item__error', { hasText: '第51条' }).waitFor()
  await shot(officer, 'simplified-over-limit')
  await officer.locator('[data-testid="case-new-penalty-fine"] input').fill('100')
  await tid(officer, 'case-new-submit').click()
  await officer.waitForURL(/\/cases\/\d+$/)
  simplifiedId = Number(officer.url().split('/').pop())
  await stateIs(officer, 'served')
  assert.match(await tid(officer, 'case-procedure').innerText(), /简易程序/)
  await tid(officer, 'case-form-no').waitFor()
  await officer.locator('.el-tabs__item', { hasText: '当事人' }).click()
  assert.equal((await tid(officer, 'case-party-id').innerText()).trim(), '11010519491231002X', 'the officer sees the number in full')
  await shot(officer, 'simplified-decided')

  await openStep(officer, 'report_filing')
  await stepOk(officer, 'report_filing')
  await openStep(officer, 'execute')
  await pick(officer, 'step-method', '当事人自动履行')
  await stepOk(officer, 'execute')
  await openStep(officer, 'close')
  await stepOk(officer, 'close')
  await stateIs(officer, 'closed')
  await shot(officer, 'simplified-closed')

  const reviewer = await pageAs('scjgreviewer1')
  await openCase(reviewer, simplifiedId)
  await reviewer.locator('.el-tabs__item', { hasText: '当事人' }).click()
  assert.equal((await tid(reviewer, 'case-party-id').innerText()).trim(), '110***********002X', 'masked for a reviewer')
  for (const p of [officer, reviewer]) {
    assert.deepEqual(p.errors, [])
    await p.context().close()
  }
}))

test('case list: filters, deadline badges, English', pictured(async () => {
  const headPage = await pageAs('scjghead')
  await tid(headPage, 'menu-case-list').click()
  await tid(headPage, `case-row-${ordinaryId}`).waitFor()
  await tid(headPage, `case-row-${simplifiedId}`).waitFor()
  await pick(headPage, 'case-filter-procedure', '简易程序')
  await tid(headPage, `case-row-${ordinaryId}`).waitFor({ state: 'detached' })
  await tid(headPage, `case-row-${simplifiedId}`).waitFor()
  assert.match(headPage.url(), /procedure=simplified/)
  await headPage.getByRole('button', { name: '重置' }).click()
  await pick(headPage, 'case-filter-state', '已结案')
  await tid(headPage, `case-row-${ordinaryId}`).waitFor()
  await closeDropdown(headPage)
  await headPage.getByRole('button', { name: '重置' }).click()
  await pick(headPage, 'case-filter-officer', names.o2, names.o2)
  await tid(headPage, `case-row-${ordinaryId}`).waitFor()
  await shot(headPage, 'list-filtered-by-officer')
  // Deadline badges: the closed ordinary case still owes its publication (国办发〔2018〕118号:
  // 7 working days after the decision, made 14 days ago) — overdue; the on-the-spot decision of
  // today is to be published within 7 working days — running. The overdue filter finds the first.
  await headPage.getByRole('button', { name: '重置' }).click()
  assert.equal(await tid(headPage, `case-due-${ordinaryId}`).getAttribute('data-status'), 'overdue')
  assert.match(await tid(headPage, `case-due-${ordinaryId}`).innerText(), /已超期[\s\S]*公示期限/)
  assert.equal(await tid(headPage, `case-due-${simplifiedId}`).getAttribute('data-status'), 'running')
  await pick(headPage, 'case-filter-due', '已超期')
  await tid(headPage, `case-row-${simplifiedId}`).waitFor({ state: 'detached' })
  await tid(headPage, `case-row-${ordinaryId}`).waitFor()
  await shot(headPage, 'list-overdue')
  assert.deepEqual(headPage.errors, [])
  await headPage.context().close()

  const en = await pageAs('scjghead', { locale: 'en-US' })
  await en.goto('/cases')
  await tid(en, `case-row-${ordinaryId}`).waitFor()
  assert.equal((await tid(en, 'page-title').innerText()).trim(), 'Cases')
  assert.match(await tid(en, 'case-table').innerText(), /closed/)
  await openCase(en, ordinaryId)
  assert.match(await tid(en, 'case-actions').innerText(), /Next steps/)
  await shot(en, 'case-en')
  assert.deepEqual(en.errors, [])
  await en.context().close()
}))
