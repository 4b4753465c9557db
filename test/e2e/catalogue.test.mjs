// End-to-end test of the catalogue UI against the REAL zhifa binary with the demo data:
// browse and filter (sample matters marked 示例), matter detail (tiers, versions, holders),
// import with the problems table then a clean import, export download with the Chinese name.
//   node --test test/e2e/catalogue.test.mjs      (env as shell.test.mjs: ZHIFA_BIN, CHROMIUM)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs'
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
const SHOTS = join(root, 'test-output/e2e-catalogue')
const ADMIN_PW = 'Zf#e2e-Cat-' + Math.random().toString(36).slice(2, 8)
const DEMO_PW = 'Demo-2026-zhifa'

let server, serverLog = '', dataDir, workDir, baseURL, browser
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

const tid = (page, id) => page.locator(`[data-testid="${id}"]`)
const input = (page, id) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()
let shotNo = 0
async function shot(page, name) {
  shotNo += 1
  await page.screenshot({ path: join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true })
}

async function login(page, username, password) {
  await page.goto('/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  await tid(page, 'login-submit').click()
  for (let i = 0; i < 4; i++) {
    const which = await Promise.race([
      tid(page, 'home').waitFor().then(() => 'home'),
      tid(page, 'force-totp').waitFor().then(() => 'totp'),
      input(page, 'login-totp').waitFor().then(() => 'login-totp'),
      tid(page, 'login-error').waitFor().then(() => 'error'),
    ])
    if (which === 'home') return
    if (which === 'error') throw new Error(`login failed: ${await tid(page, 'login-error').innerText()}`)
    if (which === 'login-totp') {
      await input(page, 'login-totp').fill(await freshTotp(secrets[username]))
      await tid(page, 'login-submit').click()
      continue
    }
    const secret = (await tid(page, 'totp-secret').innerText()).trim()
    secrets[username] = secret
    await input(page, 'totp-code').fill(await freshTotp(secret))
    await tid(page, 'totp-submit').click()
    await tid(page, 'force-totp').waitFor({ state: 'detached' })
  }
}

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true })
  mkdirSync(SHOTS, { recursive: true })
  mkdirSync(join(root, 'test-output'), { recursive: true })
  writeFileSync(join(root, 'test-output/.gitignore'), '*\n')
  assert.ok(existsSync(BIN), `zhifa binary not found at ${BIN}`)
  dataDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-cat-'))
  workDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-cat-files-'))
  const env = { ...process.env, ZHIFA_DATA_DIR: dataDir, ZHIFA_ADMIN_PASSWORD: ADMIN_PW }
  const demo = spawnSync(BIN, ['demo'], { env, cwd: root, encoding: 'utf8' })
  assert.equal(demo.status, 0, demo.stdout + demo.stderr)
  assert.match(demo.stdout, /8 catalogue matters/)
  const port = await freePort()
  baseURL = `http://127.0.0.1:${port}`
  server = spawn(BIN, ['serve'], { env: { ...env, ZHIFA_LISTEN: `127.0.0.1:${port}` }, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', (d) => (serverLog += d))
  server.stderr.on('data', (d) => (serverLog += d))
  const until = Date.now() + 60000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${serverLog}`)
    try {
      if ((await fetch(baseURL + '/healthz')).ok) break
    } catch {}
    if (Date.now() > until) throw new Error('server not healthy:\n' + serverLog)
    await new Promise((r) => setTimeout(r, 250))
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  })
})

after(async () => {
  await browser?.close().catch(() => {})
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

test('a legal reviewer browses, reads a matter, imports with problems, then cleanly, and exports', { timeout: 180000 }, async () => {
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1400, height: 900 }, acceptDownloads: true })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await login(page, 'scjgreviewer1', DEMO_PW)

  // Browse: the demo matters, marked 示例; filter by domain.
  await tid(page, 'menu-catalogue').click()
  await tid(page, 'catalogue-view').waitFor()
  await page.locator('[data-testid="catalogue-table"] .el-table__row').first().waitFor()
  assert.equal(await page.locator('[data-testid="catalogue-table"] .el-table__row').count(), 8)
  assert.ok((await tid(page, 'sample-tag').count()) >= 8)
  await shot(page, 'catalogue-list')
  await tid(page, 'catalogue-domain').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '食品药品' }).click()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="catalogue-table"] .el-table__row').length === 1)
  assert.match(await tid(page, 'catalogue-table').innerText(), /SCJG-SP-001/)

  // Detail: tiers, sample notice, holders and versions.
  await page.locator('[data-testid="catalogue-table"] .el-table__row').first().click()
  await tid(page, 'matter-view').waitFor()
  await tid(page, 'matter-tiers').locator('.el-table__row').nth(2).waitFor()
  assert.equal(await tid(page, 'matter-tiers').locator('.el-table__row').count(), 3)
  assert.match(await tid(page, 'matter-tiers').innerText(), /货值金额15倍以上20倍以下/)
  await tid(page, 'matter-sample').waitFor()
  assert.match(await tid(page, 'matter-holders-now').innerText(), /市市场监管局/)
  assert.match(await tid(page, 'matter-holdings').innerText(), /2024-01-01/)
  await tid(page, 'matter-new-version').waitFor() // the reviewer of the holding bureau may edit
  await shot(page, 'matter-detail')
  await input(page, 'matter-on').fill('2023-06-01')
  await input(page, 'matter-on').press('Enter')
  await tid(page, 'matter-not-in-force').waitFor()

  // Import: a file with problems shows the table (row, column, reason) and imports nothing.
  await page.goto('/catalogue')
  await tid(page, 'catalogue-import').click()
  await tid(page, 'import-dialog').waitFor()
  const bad = join(workDir, 'bad.csv')
  const header = '序号,事项代码,事项名称,法律法规依据,裁量阶次,适用条件,具体标准,裁量基准来源,备注'
  writeFileSync(bad, '\ufeff' + header + '\r\n1,SCJG-JG-002,,,一般,,处1万元罚款,,\r\n2,NOPE-1,,,一般,,警告,,\r\n')
  await page.locator('[data-testid="import-file"]').setInputFiles(bad)
  await tid(page, 'import-run').click()
  await tid(page, 'import-problems').waitFor()
  const table = await tid(page, 'import-problems').innerText()
  assert.match(table, /具体标准/)
  assert.match(table, /超过法定上限5000元/)
  assert.match(table, /NOPE-1/)
  assert.match(await tid(page, 'import-result').innerText(), /2 处问题/)
  await shot(page, 'import-problems')
  const good = join(workDir, 'good.csv')
  writeFileSync(good, '\ufeff' + header + '\r\n1,SCJG-JG-002,,,一般,,没收违法所得，并处一千元以下罚款,,\r\n2,SCJG-JG-002,,,严重,,没收违法所得，并处一千元以上五千元以下罚款,,\r\n')
  await page.locator('[data-testid="import-file"]').setInputFiles(good)
  await tid(page, 'import-check').click()
  await page.waitForFunction(() => /检查通过/.test(document.querySelector('[data-testid="import-result"]')?.textContent || ''))
  await tid(page, 'import-run').click()
  await page.waitForFunction(() => /导入完成/.test(document.querySelector('[data-testid="import-result"]')?.textContent || ''))
  assert.match(await tid(page, 'import-result').innerText(), /新版本 1 项/)
  await page.keyboard.press('Escape')

  // Export: an xlsx download named in Chinese.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await tid(page, 'catalogue-export').click()
      await tid(page, 'export-xlsx').click()
    })(),
  ])
  assert.match(download.suggestedFilename(), /^执法事项目录_\d{4}-\d{2}-\d{2}\.xlsx$/)

  // English: the same page, translated (types, domains, the sample mark).
  await tid(page, 'lang-switch-button').click()
  await tid(page, 'lang-en-US').click()
  await page.waitForFunction(() => /Enforcement matters/.test(document.body.innerText))
  const en = await tid(page, 'catalogue-table').innerText()
  assert.match(en, /Penalty/)
  assert.match(en, /Food and drugs|Urban management/)
  assert.match(en, /Sample/)
  await shot(page, 'catalogue-en')
  assert.deepEqual(errors, [])
  await ctx.close()
})
