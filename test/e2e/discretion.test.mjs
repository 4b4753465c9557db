// End-to-end test of the discretion pages (裁量辅助, 四张清单) against the REAL zhifa binary with
// the demo city (`zhifa demo`: the demo catalogue and the demo departments' lists).
//   node --test test/e2e/discretion.test.mjs   (web/node_modules installed; see shell.test.mjs)
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium).
// Screenshots go to test-output/e2e-discretion/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'web/package.json'))
const { chromium } = require('playwright-core')

const BIN = resolve(root, process.env.ZHIFA_BIN || 'build/release/zhifa')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SHOTS = join(root, 'test-output/e2e-discretion')
const DEMO_PW = 'Demo#e2e-' + Math.random().toString(36).slice(2, 8) + 'A1'

let server, serverLog = '', dataDir, baseURL, browser

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
const input = (page, id) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()

async function newPage(locale = 'zh-CN') {
  const ctx = await browser.newContext({ baseURL, locale, viewport: { width: 1500, height: 1000 } })
  if (locale === 'en-US') await ctx.addInitScript(() => localStorage.setItem('zhifa.locale', 'en-US'))
  const page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  page.on('pageerror', (e) => console.error('[pageerror]', e.message))
  return page
}

// Demo users have no forced steps (no TOTP for business roles, password set by the demo).
async function login(page, username) {
  await page.goto('/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(DEMO_PW)
  await tid(page, 'login-submit').click()
  await tid(page, 'home').waitFor()
}

/** Picks `label` in the el-select inside the form item with data-testid `testid`. */
async function pickIn(page, testid, label) {
  await page.locator(`[data-testid="${testid}"] .el-select`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: label }).first().click()
}

async function fillDate(page, testid, value) {
  const box = input(page, testid)
  await box.click()
  await box.fill(value)
  await box.press('Enter')
}

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true })
  mkdirSync(SHOTS, { recursive: true })
  mkdirSync(join(root, 'test-output'), { recursive: true })
  writeFileSync(join(root, 'test-output/.gitignore'), '*\n')
  assert.ok(existsSync(BIN), `zhifa binary not found at ${BIN} (set ZHIFA_BIN)`)
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM}`)
  dataDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-disc-'))
  const port = await freePort()
  baseURL = `http://127.0.0.1:${port}`
  const env = { ...process.env, ZHIFA_DATA_DIR: dataDir, ZHIFA_LISTEN: `127.0.0.1:${port}`, ZHIFA_ADMIN_PASSWORD: 'Zf#e2e-Adm1n-disc9' }
  const demo = spawnSync(BIN, ['demo', '--password', DEMO_PW, '--officers', '1'], { env, cwd: root, encoding: 'utf8' })
  assert.equal(demo.status, 0, demo.stdout + demo.stderr)
  assert.match(demo.stdout, /discretion lists: \d+ demo entries/)
  server = spawn(BIN, ['serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', (d) => (serverLog += d))
  server.stderr.on('data', (d) => (serverLog += d))
  await waitHealthy(baseURL)
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

test('裁量辅助: an officer enters facts and sees band, range, grounds with articles; checks a penalty', async () => {
  const page = await newPage()
  await login(page, 'scjgt1o1')
  await tid(page, 'menu-discretion').click()
  await tid(page, 'menu-discretion-assist').click()
  await tid(page, 'discretion-assist').waitFor()
  await page.locator('[data-testid="assist-matter"]').first().click()
  await page.keyboard.type('SCJG-JG-002')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '经营者不明码标价' }).first().click()
  await fillDate(page, 'fact-act_date', '2025-03-01')
  await pickIn(page, 'fact-first_violation', '是')
  await pickIn(page, 'fact-harm', '轻微')
  await pickIn(page, 'fact-corrected_in_time', '是')
  await tid(page, 'assist-evaluate').click()
  await tid(page, 'assist-result').waitFor()
  assert.equal((await tid(page, 'assist-band').innerText()).trim(), '不予处罚')
  const grounds = await tid(page, 'assist-grounds').innerText()
  assert.match(grounds, /第33条第1款/) // the statute (首违不罚)
  assert.match(grounds, /第三十三条第一款/) // the department's 不予处罚清单 entry
  assert.match(await tid(page, 'assist-explanation').innerText(), /应当对当事人进行教育/)
  await shot(page, 'assist-no-penalty')

  // A proposed fine above the statutory maximum is a problem naming the article.
  await page.locator('[data-testid="assist-proposal-kinds"]').first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^罚款$/ }).first().click()
  await page.keyboard.press('Escape')
  const fine = page.locator('[data-testid="assist-proposal-fine"] input').first()
  await fine.fill('20000')
  await tid(page, 'assist-check').click()
  await tid(page, 'assist-problems').waitFor()
  const problems = await tid(page, 'assist-problems').innerText()
  assert.match(problems, /超过法定最高限/)
  assert.match(problems, /价格法》第四十二条/)
  await shot(page, 'assist-check')

  // An unknown fact value is refused with the field named next to it (server validation).
  await page.locator('[data-testid="assist-matter"]').first().click()
  await page.keyboard.type('NO-SUCH-MATTER')
  await page.keyboard.press('Enter')
  await tid(page, 'assist-evaluate').click()
  await page.locator('.el-form-item__error', { hasText: 'NO-SUCH-MATTER' }).waitFor()
  await page.context().close()
})

test('四张清单: a legal reviewer opens a draft of the department list, adds an entry and publishes it', async () => {
  const page = await newPage()
  await login(page, 'scjgreviewer1')
  await page.goto('/discretion/lists')
  await tid(page, 'discretion-lists').waitFor()
  const row = tid(page, 'lists-table').locator('.el-table__row', { hasText: '不予处罚清单' }).filter({ hasText: '市市场监管局' }).first()
  await row.click()
  await tid(page, 'list-detail').waitFor()
  assert.match(await tid(page, 'list-entries').innerText(), /SCJG-JG-002/)
  await tid(page, 'list-new-draft').click()
  await tid(page, 'list-add-entry').waitFor()
  await tid(page, 'list-add-entry').click()
  await input(page, 'entry-matter').fill('SCJG-SP-001')
  await page.locator('textarea[data-testid="entry-condition"], [data-testid="entry-condition"] textarea').first().fill('{"fact":"goods_value","lte":100000}')
  await input(page, 'entry-law').fill('中华人民共和国行政处罚法')
  await input(page, 'entry-article').fill('第三十三条第一款')
  await page.locator('textarea[data-testid="entry-wording"], [data-testid="entry-wording"] textarea').first().fill('货值金额一千元以下且及时改正的，不予行政处罚（端到端测试）')
  await tid(page, 'entry-save').click()
  await tid(page, 'list-entries').locator('.el-table__row', { hasText: 'SCJG-SP-001' }).waitFor()
  await tid(page, 'list-publish').click()
  await fillDate(page, 'publish-date', '2026-01-01')
  await tid(page, 'publish-save').click()
  await tid(page, 'list-detail').locator('.el-table__row', { hasText: '2026-01-01' }).first().waitFor()
  const detail = await tid(page, 'list-detail').innerText()
  assert.match(detail, /第 2 版/)
  assert.match(detail, /2024-01-01/)
  await shot(page, 'lists-published')
  await page.context().close()
})

test('an officer reads the lists but cannot edit them; the page is complete in English', async () => {
  const page = await newPage('en-US')
  await login(page, 'scjgt1o1')
  await page.goto('/discretion/lists')
  await tid(page, 'discretion-lists').waitFor()
  assert.equal(await tid(page, 'lists-new').count(), 0)
  await tid(page, 'lists-table').locator('.el-table__row', { hasText: 'Heavier-penalty list' }).first().click()
  await tid(page, 'list-detail').waitFor()
  assert.match(await tid(page, 'list-detail').innerText(), /You may read this list/)
  assert.equal(await tid(page, 'list-new-draft').count(), 0)
  await shot(page, 'lists-officer-en')
  await page.context().close()
})
