// End-to-end test of the catalogue UI against the REAL zhifa binary with the demo data:
// browse and filter (sample matters marked 示例), matter detail (tiers, versions, holders),
// import with the problems table then a clean import, export download with the Chinese name.
//   node --test test/e2e/catalogue.test.mjs      (env as shell.test.mjs: ZHIFA_BIN, CHROMIUM)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rnd, startZhifa, launchChromium, screenshots, newPage, tid, input, loginFlow } from './lib.mjs'

const ADMIN_PW = 'Zf#e2e-Cat-' + rnd()
const DEMO_PW = 'Demo-2026-zhifa'

let zhifa, workDir, browser, shot
const login = loginFlow()

before(async () => {
  shot = screenshots('e2e-catalogue').shot
  zhifa = await startZhifa({ prefix: 'zhifa-e2e-cat-', env: { ZHIFA_ADMIN_PASSWORD: ADMIN_PW }, demo: [] })
  assert.match(zhifa.demo.stdout, /8 catalogue matters/)
  workDir = mkdtempSync(join(tmpdir(), 'zhifa-e2e-cat-files-'))
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  await zhifa?.stop()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

test('a legal reviewer browses, reads a matter, imports with problems, then cleanly, and exports', { timeout: 180000 }, async () => {
  const errors = []
  const page = await newPage(browser, zhifa.baseURL, { acceptDownloads: true, errors })
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
  await page.context().close()
})
