// End-to-end test of the web shell against the REAL zhifa binary.
//   node --test test/e2e/            (from the repo root; web/node_modules must be installed: cd web && npm ci)
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium),
//      ZHIFA_E2E_WEB_DIST=1 serves the current web/dist from a small in-test proxy that forwards
//      /api to the binary (tests a fresh SPA build without rebuilding the binary that embeds it).
// Screenshots go to test-output/e2e/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join, extname } from 'node:path'
import http from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { root, rnd, startZhifa, launchChromium, screenshots, newPage as openPage, tid, input, loginFlow } from './lib.mjs'

const ADMIN_PW = 'Zf#e2e-Adm1n-' + rnd()
const NEW_PW = 'Zf#e2e-N3w-' + rnd()
const OFFICER_PW = 'Of#e2e-Init1al-' + rnd(4)
const OFFICER_NEW_PW = 'Of#e2e-Ch4nged-' + rnd(4)
const UNIT = '测试执法大队'
const PARENT = '市市场监管局'

let zhifa, baseURL, browser, proxy, shot

const newPage = () => openPage(browser, baseURL)
const login = loginFlow({ shot: (page, name) => shot(page, name), checkEnrolment: true })

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
  shot = screenshots('e2e').shot
  zhifa = await startZhifa({ env: { ZHIFA_ADMIN_PASSWORD: ADMIN_PW } })
  baseURL = zhifa.baseURL
  if (process.env.ZHIFA_E2E_WEB_DIST === '1') baseURL = await startDistProxy(baseURL)
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  proxy?.close()
  await zhifa?.stop()
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
