// End-to-end test of the 工作日历 and 法定时限 pages against the REAL zhifa binary:
// the month grid around 国庆 2025, a calculator, loading a year (line/field error shown, then a
// good file), the rule table with articles and the deadline calculator.
//   node --test test/e2e/calendar.test.mjs
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { rnd, startZhifa, launchChromium, screenshots, newPage, tid, input, fillDate, loginFlow } from './lib.mjs'

const ADMIN_PW = 'Zf#e2e-Adm1n-' + rnd()
const NEW_PW = 'Zf#e2e-N3w-' + rnd()

let zhifa, browser, shot
const login = loginFlow()

const BAD_2027 = `{
  "year": 2027,
  "papers": [],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06",
     "isOffDay": "yes"}
  ]
}
`

before(async () => {
  shot = screenshots('e2e-calendar').shot
  zhifa = await startZhifa({ prefix: 'zhifa-e2e-cal-', env: { ZHIFA_ADMIN_PASSWORD: ADMIN_PW }, without: ['ZHIFA_DB'] })
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  await zhifa?.stop()
})

test('工作日历 and 法定时限 pages', async () => {
  const errors = []
  const page = await newPage(browser, zhifa.baseURL, { height: 1000, errors })
  await login(page, 'admin', ADMIN_PW, NEW_PW)

  // The menu leads to the calendar; the month grid around 国庆 2025.
  await tid(page, 'menu-calendar').click()
  await tid(page, 'calendar-page').waitFor()
  await page.goto('/calendar?year=2025&month=10')
  await tid(page, 'day-2025-10-01').waitFor()
  assert.equal(await tid(page, 'day-2025-10-01').getAttribute('data-kind'), 'holiday')
  assert.match(await tid(page, 'day-2025-10-01').innerText(), /国庆节/)
  assert.equal(await tid(page, 'day-2025-10-11').getAttribute('data-kind'), 'makeup')
  assert.match(await tid(page, 'day-2025-10-11').innerText(), /调休上班/)
  assert.equal(await tid(page, 'day-2025-10-12').getAttribute('data-kind'), 'weekend')
  assert.equal(await tid(page, 'day-2025-10-09').getAttribute('data-kind'), 'workday')
  assert.match(await tid(page, 'cal-provisional-after').innerText(), /2026-12-31/)
  await shot(page, 'calendar')

  // A calculator: 7 working days after 2025-09-30.
  await fillDate(page, 'calc-add-date', '2025-09-30')
  await input(page, 'calc-add-n').fill('7')
  await tid(page, 'calc-add-run').click()
  await page.waitForFunction(() => document.querySelector('[data-testid="calc-add-result"]')?.textContent?.includes('2025-10-16'))

  // Loading a year: the line/field error, then a good file.
  await tid(page, 'cal-upload-file').setInputFiles({ name: '2027.json', mimeType: 'application/json', buffer: Buffer.from(BAD_2027) })
  await tid(page, 'cal-upload-submit').click()
  await tid(page, 'cal-upload-error').waitFor()
  assert.match(await tid(page, 'cal-upload-error').innerText(), /第7行 days\[1\]\.isOffDay: 应为布尔值/)
  await shot(page, 'upload-error')
  await tid(page, 'cal-upload-file').setInputFiles({
    name: '2027.json',
    mimeType: 'application/json',
    buffer: Buffer.from(BAD_2027.replace('"yes"', 'true')),
  })
  await tid(page, 'cal-upload-submit').click()
  await page.waitForFunction(() => document.querySelector('[data-testid="cal-provisional-after"]')?.textContent?.includes('2027-12-31'))
  assert.match(await tid(page, 'cal-years').innerText(), /2027\s+管理员加载/)
  await page.goto('/calendar?year=2027&month=1')
  await tid(page, 'day-2027-01-01').waitFor()
  assert.equal(await tid(page, 'day-2027-01-01').getAttribute('data-kind'), 'holiday')
  assert.equal(await tid(page, 'cal-provisional').count(), 0, 'a loaded year is not provisional')

  // 法定时限: the table cites the articles; the calculator rolls 国庆 to 10-09.
  await tid(page, 'menu-time-limits').click()
  await page.waitForFunction(() => document.querySelector('[data-testid="rules-table"]')?.textContent?.includes('第六十条'))
  const table = await tid(page, 'rules-table').innerText()
  assert.match(table, /《行政处罚法》第六十条/)
  assert.match(table, /《行政强制法》第二十五条/)
  await fillDate(page, 'calc-start', '2025-07-04')
  await tid(page, 'calc-run').click()
  await tid(page, 'calc-due').waitFor()
  assert.equal((await tid(page, 'calc-due').innerText()).trim(), '2025-10-09')
  assert.match(await tid(page, 'calc-result').innerText(), /已顺延/)
  assert.equal(await tid(page, 'override-form').count(), 0, 'sys_admin does not set overrides (supervisor does)')
  await shot(page, 'time-limits')
  assert.deepEqual(errors, [])
  await page.context().close()
})
