// End-to-end test of the web shell against the REAL zhifa binary.
//   node --test test/e2e/            (from the repo root; web/node_modules must be installed: cd web && npm ci)
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium),
//      ZHIFA_E2E_WEB_DIST=1 serves the current web/dist from a small in-test proxy that forwards
//      /api to the binary (tests a fresh SPA build without rebuilding the binary that embeds it).
// Screenshots go to test-output/e2e/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'
import http from 'node:http'
import { readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { freshTotp } from './totp.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'web/package.json'))
const { chromium } = require('playwright-core')

const BIN = resolve(root, process.env.ZHIFA_BIN || 'build/release/zhifa')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SHOTS = join(root, 'test-output/e2e')
const ADMIN_PW = 'Zf#e2e-Adm1n-' + Math.random().toString(36).slice(2, 8)
const NEW_PW = 'Zf#e2e-N3w-' + Math.random().toString(36).slice(2, 8)
const OFFICER_PW = 'Of#e2e-Init1al-' + Math.random().toString(36).slice(2, 6)
const OFFICER_NEW_PW = 'Of#e2e-Ch4nged-' + Math.random().toString(36).slice(2, 6)
const UNIT = '测试执法大队'
const PARENT = '市市场监管局'

let server, serverLog = '', dataDir, baseURL, browser, proxy
const secrets = {}

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

async function waitHealthy(url, ms = 60000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${serverLog}`)
    try {
      const r = await fetch(url + '/healthz')
      if (r.ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('server did not become healthy:\n' + serverLog)
}

let shotNo = 0
async function shot(page, name) {
  shotNo += 1
  await page.screenshot({ path: join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true })
}

const tid = (page, id) => page.locator(`[data-testid="${id}"]`)
// Element Plus puts data-testid of <el-input> on the native <input>; this works for both cases
const input = (page, id) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()

async function newPage() {
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1400, height: 900 } })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  page.on('pageerror', (e) => console.error('[pageerror]', e.message))
  return page
}

/**
 * Log in and get through the forced steps (password change, TOTP enrolment) up to the dashboard.
 * Returns the password now valid.
 */
async function login(page, username, password, newPassword) {
  await page.goto('/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  await tid(page, 'login-submit').click()
  for (let i = 0; i < 6; i++) {
    const which = await Promise.race([
      tid(page, 'home').waitFor().then(() => 'home'),
      tid(page, 'force-password').waitFor().then(() => 'password'),
      tid(page, 'force-totp').waitFor().then(() => 'totp'),
      input(page, 'login-totp').waitFor().then(() => 'login-totp'),
      tid(page, 'login-error').waitFor().then(() => 'error'),
    ])
    if (which === 'home') return password
    if (which === 'error') throw new Error(`login of ${username} failed: ${await tid(page, 'login-error').innerText()}`)
    if (which === 'login-totp') {
      assert.ok(secrets[username], `TOTP asked for ${username} but no secret known`)
      await input(page, 'login-totp').fill(await freshTotp(secrets[username]))
      await tid(page, 'login-submit').click()
      await page.waitForURL((u) => !u.pathname.startsWith('/login'))
      continue
    }
    if (which === 'password') {
      await shot(page, `${username}-force-password`)
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
      assert.match(secret, /^[A-Z2-7]+=*$/)
      assert.match(await tid(page, 'totp-uri').innerText(), /^otpauth:\/\/totp\//)
      assert.ok(await tid(page, 'totp-qr').evaluate((img) => img.naturalWidth > 0))
      secrets[username] = secret
      await shot(page, `${username}-totp-enrol`)
      await input(page, 'totp-code').fill(await freshTotp(secret))
      await tid(page, 'totp-submit').click()
      await tid(page, 'force-totp').waitFor({ state: 'detached' })
      continue
    }
  }
  throw new Error(`could not reach the dashboard as ${username}`)
}

/** Choose a unit by name in an el-tree-select wrapped by UnitTreeSelect. */
async function pickUnit(page, testid, name) {
  await page.locator(`[data-testid="${testid}"]`).first().click()
  await page.keyboard.type(name)
  const option = page.locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: name }).first()
  await option.click()
}

async function pickOption(page, testid, label) {
  await page.locator(`[data-testid="${testid}"]`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: label }).first().click()
}

async function logout(page) {
  await tid(page, 'logout').click()
  await tid(page, 'login-card').waitFor()
  await page.context().close()
}

function startDistProxy(upstream) {
  const dist = join(root, 'web/dist')
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.png': 'image/png' }
  proxy = http.createServer((req, res) => {
    if (req.url.startsWith('/api/') || req.url === '/healthz') {
      const up = http.request(upstream + req.url, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      })
      up.on('error', () => res.destroy())
      return req.pipe(up)
    }
    let f = join(dist, new URL(req.url, 'http://x').pathname)
    if (!f.startsWith(dist) || !existsSync(f) || statSync(f).isDirectory()) f = join(dist, 'index.html')
    res.writeHead(200, { 'content-type': types[extname(f)] || 'application/octet-stream' })
    res.end(readFileSync(f))
  })
  return new Promise((r) => proxy.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${proxy.address().port}`)))
}

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true })
  mkdirSync(SHOTS, { recursive: true })
  writeFileSync(join(root, 'test-output/.gitignore'), '*\n')
  assert.ok(existsSync(BIN), `zhifa binary not found at ${BIN} (set ZHIFA_BIN)`)
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM}`)
  dataDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-data-'))
  const port = await freePort()
  baseURL = `http://127.0.0.1:${port}`
  const env = { ...process.env, ZHIFA_DATA_DIR: dataDir, ZHIFA_LISTEN: `127.0.0.1:${port}`, ZHIFA_ADMIN_PASSWORD: ADMIN_PW }
  server = spawn(BIN, ['serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', (d) => (serverLog += d))
  server.stderr.on('data', (d) => (serverLog += d))
  await waitHealthy(baseURL)
  if (process.env.ZHIFA_E2E_WEB_DIST === '1') baseURL = await startDistProxy(baseURL)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})

after(async () => {
  await browser?.close().catch(() => {})
  proxy?.close()
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
    if (server.exitCode === null) server.kill('SIGKILL')
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  if (process.env.E2E_SERVER_LOG) console.log(serverLog)
})

test('SPA is served with history fallback', async () => {
  const r = await fetch(baseURL + '/some/deep/link')
  assert.equal(r.status, 200)
  assert.match(await r.text(), /<div id="app">/)
})

test('admin, secadmin, officer and auditor walk through the shell', { timeout: 240000 }, async (t) => {
  await t.test('sys_admin enrols TOTP, creates a unit and a user', async () => {
    const page = await newPage()
    await login(page, 'admin', ADMIN_PW, NEW_PW)
    await shot(page, 'admin-home')
    assert.match(await tid(page, 'home').innerText(), /系统管理员/)

    await tid(page, 'menu-org').click()
    await tid(page, 'org-tree').waitFor()
    const parent = page.locator('[data-testid="org-tree"] .unit-name').getByText(PARENT, { exact: true })
    await parent.click()
    await page.locator('[data-testid="org-detail-name"]', { hasText: PARENT }).waitFor()
    await tid(page, 'org-add-child').click()
    await input(page, 'org-create-name').fill(UNIT)
    await shot(page, 'admin-create-unit')
    await tid(page, 'org-create-submit').click()
    await page.locator('[data-testid="org-tree"] .unit-name').getByText(UNIT, { exact: true }).waitFor()
    await shot(page, 'admin-unit-created')

    await tid(page, 'menu-users').click()
    await tid(page, 'users-table').waitFor()
    await tid(page, 'user-create').click()
    await input(page, 'user-form-username').fill('officer1')
    await input(page, 'user-form-display-name').fill('执法员一')
    await pickUnit(page, 'user-form-unit', UNIT)
    await input(page, 'user-form-password').fill(OFFICER_PW)
    await shot(page, 'admin-create-user')
    await tid(page, 'user-form-submit').click()
    await page.locator('[data-testid="users-table"] .el-table__row', { hasText: 'officer1' }).waitFor()
    assert.match(await page.locator('[data-testid="users-table"] .el-table__row', { hasText: 'officer1' }).innerText(), new RegExp(UNIT))
    await shot(page, 'admin-user-created')
    await logout(page)
  })

  await t.test('sec_admin assigns officer role with scope dept', async () => {
    const page = await newPage()
    await login(page, 'secadmin', ADMIN_PW, NEW_PW)
    await tid(page, 'menu-roles').click()
    await tid(page, 'picker-table').waitFor()
    await input(page, 'picker-search').fill('officer1')
    await tid(page, 'picker-search-btn').click()
    await tid(page, 'picker-user-officer1').click()
    await tid(page, 'assign-add').click()
    await pickOption(page, 'assign-role', '执法人员')
    await pickUnit(page, 'assign-unit', UNIT)
    await pickOption(page, 'assign-scope', '仅本单位')
    await shot(page, 'secadmin-assign')
    await tid(page, 'assign-submit').click()
    const row = page.locator('[data-testid="assignments-table"] .el-table__row', { hasText: '执法人员' })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(UNIT))
    assert.match(await row.innerText(), /仅本单位/)
    await shot(page, 'secadmin-assigned')
    await logout(page)
  })

  await t.test('officer sees only its own unit', async () => {
    const page = await newPage()
    await login(page, 'officer1', OFFICER_PW, OFFICER_NEW_PW)
    await shot(page, 'officer-home')
    assert.match(await tid(page, 'home').innerText(), /执法人员/)
    await tid(page, 'menu-org').click()
    const names = page.locator('[data-testid="org-tree"] .unit-name')
    await names.first().waitFor()
    const all = await names.allInnerTexts()
    assert.deepEqual(all.map((s) => s.trim()), [UNIT])
    assert.equal(await tid(page, 'menu-users').count(), 0)
    await shot(page, 'officer-org')
    await logout(page)
  })

  await t.test('audit_admin sees the unit creation in the operation log', async () => {
    const page = await newPage()
    await login(page, 'auditadmin', ADMIN_PW, NEW_PW)
    assert.equal(await tid(page, 'menu-org').count(), 0)
    await tid(page, 'menu-op-logs').click()
    await page.locator('[data-testid="op-logs-table"] .el-table__row', { hasText: UNIT }).first().waitFor()
    await shot(page, 'auditadmin-op-log')
    await tid(page, 'menu-login-logs').click()
    await page.locator('[data-testid="login-logs-table"] .el-table__row', { hasText: 'officer1' }).first().waitFor()
    await shot(page, 'auditadmin-login-log')
    // language switch
    await tid(page, 'lang-switch-button').click()
    await tid(page, 'lang-en-US').click()
    await page.locator('[data-testid="page-title"]', { hasText: 'Login log' }).waitFor()
    await shot(page, 'auditadmin-english')
    // record log (issue 4): sign a checkpoint, see it listed; the timeline answers for a target
    await tid(page, 'menu-record-admin').click()
    await tid(page, 'record-checkpoint-now').click()
    await page.locator('[data-testid="record-checkpoints-table"] .el-table__row').first().waitFor()
    await tid(page, 'record-last-verify').waitFor()
    await shot(page, 'auditadmin-record-checkpoints')
    await tid(page, 'menu-record-timeline').click()
    await input(page, 'record-target-value').fill('91350100M000100Y43')
    await tid(page, 'record-target-search').click()
    await page.locator('[data-testid="record-timeline-table"]', { hasText: 'No entries for this target' }).waitFor()
    await shot(page, 'auditadmin-record-timeline')
    await logout(page)
  })
})
