// End-to-end test of the officer register (执法人员名册) against the REAL zhifa binary with the
// demo data: a department head lists the register with its credential badges, registers an
// officer (a refused 执法证号 is explained under its field), sees the expiring badge, suspends
// the officer, imports with the problems table then cleanly, reads the legal-reviewer ratio
// (action plan item 34), exports, and reads it in English; an officer reads but may not write.
//   node --test test/e2e/officers.test.mjs      (env as shell.test.mjs: ZHIFA_BIN, CHROMIUM)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rnd, startZhifa, launchChromium, screenshots, newPage, tid, input, fillDate, loginFlow } from './lib.mjs'

const ADMIN_PW = 'Zf#e2e-Off-' + rnd()
const DEMO_PW = 'Demo-2026-zhifa'
const HEADER = '执法证号,姓名,所属单位,发证机关,有效期起,有效期至,执法领域,法律职业资格,法律职业资格证书编号,状态,用户名'

let zhifa, workDir, browser, shot
const login = loginFlow()

const day = (offset) => new Date(Date.now() + 8 * 3600000 + offset * 86400000).toISOString().slice(0, 10)
let serialN = 0
/** A credential number (digits, so it passes the at-least-3-digits rule) no other run uses. */
const serial = () => `${Date.now() % 1000000}${++serialN}`
const rows = (page) => page.locator('[data-testid="officers-table"] .el-table__body-wrapper .el-table__row')

async function pick(page, text) {
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
}

before(async () => {
  shot = screenshots('e2e-officers').shot
  zhifa = await startZhifa({ prefix: 'zhifa-e2e-off-', env: { ZHIFA_ADMIN_PASSWORD: ADMIN_PW }, demo: ['--password', DEMO_PW] })
  assert.match(zhifa.demo.stdout, /officer register: \d+ officers/)
  workDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-off-files-'))
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  await zhifa?.stop()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

test('a department head keeps the register: badges, create, suspend, import, ratio, export', { timeout: 240000 }, async () => {
  const errors = []
  const page = await newPage(browser, zhifa.baseURL, { acceptDownloads: true, errors })
  await login(page, 'scjghead', DEMO_PW)

  await tid(page, 'menu-officers').click()
  await tid(page, 'officers-view').waitFor()
  await rows(page).first().waitFor()
  assert.ok((await rows(page).count()) > 5)
  assert.ok((await tid(page, 'state-valid').count()) > 0)
  await shot(page, 'officers-list')

  // Register an officer whose credential ends in 10 days; a bad number first.
  const name = `测试${rnd(4)}`
  await tid(page, 'officers-create').click()
  await tid(page, 'officer-edit').waitFor()
  await input(page, 'officer-name').fill(name)
  await tid(page, 'officer-unit').first().click()
  await page.locator('.el-tree-node__content:visible', { hasText: /^第一大队$/ }).first().click()
  await input(page, 'officer-cert').fill('12/34')
  await input(page, 'officer-authority').fill('济南市人民政府')
  await fillDate(page, 'officer-from', '2024-01-01')
  await fillDate(page, 'officer-to', day(10))
  await tid(page, 'officer-domains').click()
  await pick(page, '食品药品')
  await input(page, 'officer-name').click()
  await tid(page, 'officer-save').click()
  await page.locator('[data-testid="officer-edit"] .el-form-item__error', { hasText: '第 3 个字符' }).waitFor()
  await shot(page, 'officer-refused')
  const cert = `E2E-${serial()}`
  await input(page, 'officer-cert').fill(cert)
  await tid(page, 'officer-save').click()
  await tid(page, 'officer-edit').waitFor({ state: 'hidden' })

  // Find it: the expiring badge counts the days left.
  await input(page, 'officers-q').fill(name)
  await tid(page, 'officers-search').click()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="officers-table"] .el-table__body-wrapper .el-table__row').length === 1)
  assert.match(await tid(page, 'officers-table').innerText(), new RegExp(cert))
  assert.match(await tid(page, 'state-expiring').innerText(), /\d+ 天后到期/)

  // Suspend it with a reason: the badge follows.
  await tid(page, 'officer-status-btn').click()
  await tid(page, 'officer-action').waitFor()
  await page.locator('textarea[data-testid="action-reason"], [data-testid="action-reason"] textarea').first().fill('接受调查')
  await tid(page, 'action-save').click()
  await tid(page, 'officer-action').waitFor({ state: 'hidden' })
  await page.locator('[data-testid="state-inactive"]', { hasText: '暂停执法' }).waitFor()
  await shot(page, 'officer-suspended')

  // The state filter: only expiring credentials.
  await input(page, 'officers-q').fill('')
  await tid(page, 'officers-state').click()
  await pick(page, '即将到期')
  await page.waitForFunction(() => {
    const tags = [...document.querySelectorAll('[data-testid="officers-table"] [data-testid^="state-"]')]
    return tags.length > 0 && tags.every((e) => /天后到期/.test(e.textContent || ''))
  })

  // Import: problems by row and column, nothing imported; then a clean file.
  await tid(page, 'officers-import').click()
  await tid(page, 'officers-import-dialog').waitFor()
  const bad = join(workDir, 'bad.csv')
  writeFileSync(bad, '\ufeff' + HEADER + '\r\n' + `IMP-${serial()},赵敏,第二大队,济南市人民政府,2025-01-01,2024-12-31,食品药品,否,,,\r\n` + `IMP-${serial()},钱多,火星大队,济南市人民政府,2025-01-01,2029-12-31,食品药品,是,,,\r\n`)
  await page.locator('[data-testid="officers-import-file"]').setInputFiles(bad)
  await tid(page, 'officers-import-run').click()
  await tid(page, 'officers-import-problems').waitFor()
  const problems = await tid(page, 'officers-import-problems').innerText()
  await shot(page, 'officers-import-problems')
  assert.match(problems, /有效期至/)
  assert.match(problems, /法律职业资格证书编号/)
  assert.match(await tid(page, 'officers-import-result').innerText(), /2 处问题/)
  const good = join(workDir, 'good.csv')
  writeFileSync(good, '\ufeff' + HEADER + '\r\n' + `IMP-${serial()},赵敏,第二大队,济南市人民政府,2025-01-01,2029-12-31,食品药品、公共卫生,是,A2019370100,,\r\n`)
  await page.locator('[data-testid="officers-import-file"]').setInputFiles(good)
  await tid(page, 'officers-import-check').click()
  await page.waitForFunction(() => /检查通过/.test(document.querySelector('[data-testid="officers-import-result"]')?.textContent || ''))
  await tid(page, 'officers-import-run').click()
  await page.waitForFunction(() => /已导入：新增 1 人/.test(document.querySelector('[data-testid="officers-import-result"]')?.textContent || ''))
  await page.keyboard.press('Escape')
  await tid(page, 'officers-import-dialog').waitFor({ state: 'hidden' })

  // Export: an xlsx named in Chinese.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await tid(page, 'officers-export').click()
      await tid(page, 'officers-export-xlsx').click()
    })(),
  ])
  assert.match(download.suggestedFilename(), /^执法人员名册_\d{4}-\d{2}-\d{2}\.xlsx$/)

  // The legal-reviewer ratio (item 34) of the head's department.
  await page.locator('.el-tabs__item', { hasText: '法制审核人员比例' }).click()
  await tid(page, 'ratio-table').locator('.el-table__row').first().waitFor()
  const ratio = await tid(page, 'ratio-table').innerText()
  assert.match(ratio, /市市场监管局/)
  assert.match(await tid(page, 'officers-view').innerText(), /第34项/)
  await shot(page, 'officers-ratio')

  // English.
  await tid(page, 'lang-switch-button').click()
  await tid(page, 'lang-en-US').click()
  await page.waitForFunction(() => /Legal-reviewer ratio/.test(document.body.innerText))
  await page.locator('.el-tabs__item', { hasText: 'Officer register' }).click()
  await page.waitForFunction(() => /Credential number/.test(document.body.innerText))
  await shot(page, 'officers-en')
  assert.deepEqual(errors, [])
  await page.context().close()
})

test('an officer reads the register of their own team but has no write actions', { timeout: 120000 }, async () => {
  const errors = []
  const page = await newPage(browser, zhifa.baseURL, { errors })
  await login(page, 'scjgt1o1', DEMO_PW)
  await tid(page, 'menu-officers').click()
  await rows(page).first().waitFor()
  assert.equal(await tid(page, 'officers-create').count(), 0)
  assert.equal(await tid(page, 'officers-import').count(), 0)
  assert.equal(await tid(page, 'officer-edit-btn').count(), 0)
  assert.match(await tid(page, 'officers-table').innerText(), /第一大队/)
  assert.doesNotMatch(await tid(page, 'officers-table').innerText(), /第二大队/)
  assert.deepEqual(errors, [])
  await page.context().close()
})
