// End-to-end test of the 工作日历 and 法定时限 pages against the REAL zhifa binary:
// the month grid around 国庆 2025, a calculator, loading a year (line/field error shown, then a
// good file), the rule table with articles and the deadline calculator.
//   node --test test/e2e/calendar.test.mjs
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'
import { freshTotp } from './totp.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'web/package.json'))
const { chromium } = require('playwright-core')

const BIN = resolve(root, process.env.ZHIFA_BIN || 'build/release/zhifa')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SHOTS = join(root, 'test-output/e2e-calendar')
const ADMIN_PW = 'Zf#e2e-Adm1n-' + Math.random().toString(36).slice(2, 8)
const NEW_PW = 'Zf#e2e-N3w-' + Math.random().toString(36).slice(2, 8)

let server
let serverLog = ''
let dataDir
let baseURL
let browser

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

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
    s.on('error', rej)
  })
}

const tid = (page, id) => page.locator(`[data-testid="${id}"]`)
const input = (page, id) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()

async function login(page, username, password, newPassword) {
  const secrets = {}
  await page.goto('/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  await tid(page, 'login-submit').click()
  for (let i = 0; i < 6; i++) {
    const which = await Promise.race([
      tid(page, 'home').waitFor().then(() => 'home'),
      tid(page, 'force-password').waitFor().then(() => 'password'),
      tid(page, 'force-totp').waitFor().then(() => 'totp'),
      tid(page, 'login-error').waitFor().then(() => 'error'),
    ])
    if (which === 'home') return
    if (which === 'error') throw new Error(`login failed: ${await tid(page, 'login-error').innerText()}`)
    if (which === 'password') {
      await input(page, 'pw-old').fill(password)
      await input(page, 'pw-new').fill(newPassword)
      await input(page, 'pw-confirm').fill(newPassword)
      await tid(page, 'pw-submit').click()
      password = newPassword
      await tid(page, 'force-password').waitFor({ state: 'detached' })
      continue
    }
    if (which === 'totp') {
      const secret = (await tid(page, 'totp-secret').innerText()).trim()
      secrets[username] = secret
      await input(page, 'totp-code').fill(await freshTotp(secret))
      await tid(page, 'totp-submit').click()
      await tid(page, 'force-totp').waitFor({ state: 'detached' })
      continue
    }
  }
  throw new Error(`could not reach the dashboard as ${username}`)
}

async function fillDate(page, testid, value) {
  const el = input(page, testid)
  await el.click()
  await el.fill(value)
  await el.press('Enter')
}

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true })
  mkdirSync(SHOTS, { recursive: true })
  assert.ok(existsSync(BIN), `zhifa binary not found at ${BIN} (set ZHIFA_BIN)`)
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM}`)
  dataDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-cal-'))
  const port = await freePort()
  baseURL = `http://127.0.0.1:${port}`
  const env = { ...process.env, ZHIFA_DATA_DIR: dataDir, ZHIFA_LISTEN: `127.0.0.1:${port}`, ZHIFA_ADMIN_PASSWORD: ADMIN_PW }
  delete env.ZHIFA_DB
  server = spawn(BIN, ['serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', (d) => (serverLog += d))
  server.stderr.on('data', (d) => (serverLog += d))
  const until = Date.now() + 60000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${serverLog}`)
    try {
      if ((await fetch(baseURL + '/healthz')).ok) break
    } catch {}
    if (Date.now() > until) throw new Error('server did not become healthy:\n' + serverLog)
    await new Promise((r) => setTimeout(r, 250))
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})

after(async () => {
  await browser?.close().catch(() => {})
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
    if (server.exitCode === null) server.kill('SIGKILL')
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

test('工作日历 and 法定时限 pages', async () => {
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1400, height: 1000 } })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
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
  await page.screenshot({ path: join(SHOTS, '01-calendar.png'), fullPage: true })

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
  await page.screenshot({ path: join(SHOTS, '02-upload-error.png'), fullPage: true })
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
  await tid(page, 'rules-table').waitFor()
  const table = await tid(page, 'rules-table').innerText()
  assert.match(table, /《行政处罚法》第六十条/)
  assert.match(table, /《行政强制法》第二十五条/)
  await fillDate(page, 'calc-start', '2025-07-04')
  await tid(page, 'calc-run').click()
  await tid(page, 'calc-due').waitFor()
  assert.equal((await tid(page, 'calc-due').innerText()).trim(), '2025-10-09')
  assert.match(await tid(page, 'calc-result').innerText(), /已顺延/)
  assert.equal(await tid(page, 'override-form').count(), 0, 'sys_admin does not set overrides (supervisor does)')
  await page.screenshot({ path: join(SHOTS, '03-time-limits.png'), fullPage: true })
  assert.deepEqual(errors, [])
  await ctx.close()
})
