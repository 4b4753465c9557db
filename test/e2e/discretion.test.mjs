// End-to-end test of the discretion pages (裁量辅助, 四张清单) against the REAL zhifa binary with
// the demo city (`zhifa demo`: the demo catalogue and the demo departments' lists).
//   node --test test/e2e/discretion.test.mjs   (web/node_modules installed; see shell.test.mjs)
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium).
// Screenshots go to test-output/e2e-discretion/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { rnd, startZhifa, launchChromium, screenshots, newPage as openPage, tid, input, fillDate, loginFlow } from './lib.mjs'

const DEMO_PW = 'Demo#e2e-' + rnd() + 'A1'

let zhifa, browser, shot

const newPage = (locale = 'zh-CN') => openPage(browser, zhifa.baseURL, { locale, width: 1500, height: 1000 })

// Demo users have no forced steps (no TOTP for business roles, password set by the demo).
const signIn = loginFlow()
const login = (page, username) => signIn(page, username, DEMO_PW)

/** Picks `label` in the el-select inside the form item with data-testid `testid`. */
async function pickIn(page, testid, label) {
  await page.locator(`[data-testid="${testid}"] .el-select`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: label }).first().click()
}

before(async () => {
  shot = screenshots('e2e-discretion').shot
  zhifa = await startZhifa({
    prefix: 'zhifa-e2e-disc-',
    env: { ZHIFA_ADMIN_PASSWORD: 'Zf#e2e-Adm1n-disc9' },
    demo: ['--password', DEMO_PW, '--officers', '1'],
  })
  assert.match(zhifa.demo.stdout, /discretion lists: \d+ demo entries/)
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  await zhifa?.stop()
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
