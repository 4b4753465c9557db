// End-to-end: the evidence panel against the REAL binary (its embedded web UI). An officer (set
// up through the API, signed in by cookie) opens an enterprise's evidence page, uploads a photo
// and a video with stage / captured-at / device / location, sees them under their stages, checks
// the integrity badge, and plays the video — the browser fetches it with Range requests (206).
//   node --test test/e2e/evidence.test.mjs    env: ZHIFA_BIN, CHROMIUM (as shell.test.mjs)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../http/lib/server.mjs'
import { API, signIn } from '../http/lib/client.mjs'
import { administrators, unitIndex, createUser } from '../http/lib/fixtures.mjs'
import { launchChromium, screenshots, newPage, tid, input } from './lib.mjs'

const CREDIT = '91350100M000100Y43'

let srv, browser, officer, files, SHOTS

before(async () => {
  SHOTS = screenshots('e2e', { keep: true }).dir
  srv = await startServer({})
  const a = await administrators(srv.base)
  const units = await unitIndex(a.sys)
  const u = await a.sys.post(`${API}/units`, { parent_id: units.byName('历下区').id, name: '证据界面测试局', kind: 'department' })
  assert.equal(u.status, 201, u.text)
  officer = await signIn(srv.base, await createUser(a, { username: 'e2e_ev_officer', unitId: u.json.id, role: 'officer' }))
  files = mkdtempSync(join(tmpdir(), 'evid-e2e-'))
  const photo = Buffer.alloc(5000, 7)
  photo.set([0xff, 0xd8, 0xff, 0xe0])
  writeFileSync(join(files, '现场照片.jpg'), photo)
  const video = Buffer.alloc(300000, 3)
  video.write('\0\0\0\x18ftypisom', 0, 'latin1')
  writeFileSync(join(files, '执法记录.mp4'), video)
  browser = await launchChromium()
})

after(async () => {
  if (browser) await browser.close()
  if (files) rmSync(files, { recursive: true, force: true })
  if (srv) {
    const r = await srv.stop()
    assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`)
  }
})

async function uploadVia(page, file, stageLabel, device, location) {
  await tid(page, 'evidence-upload-open').click()
  await tid(page, 'evidence-upload-dialog').waitFor()
  await input(page, 'evidence-file').setInputFiles(join(files, file))
  await tid(page, 'evidence-stage').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: stageLabel }).click()
  await input(page, 'evidence-device').fill(device)
  await input(page, 'evidence-location').fill(location)
  const done = page.waitForResponse((r) => r.url().includes('/api/v1/evidence?') && r.request().method() === 'POST')
  await tid(page, 'evidence-upload-submit').click()
  const r = await done
  assert.equal(r.status(), 201, r.url())
  await tid(page, 'evidence-upload-dialog').waitFor({ state: 'hidden' })
  const list = await officer.get(`${API}/evidence?target=${CREDIT}`)
  return list.json.items.find((e) => e.file_name === file)
}

test('evidence panel: upload by stage, integrity badge, video seeks with Range', async () => {
  const errors = []
  const page = await newPage(browser, srv.base, { errors })
  const [name, value] = officer.cookie.split('=')
  await page.context().addCookies([{ name, value, url: srv.base }])
  const ranges = []
  page.on('response', (r) => {
    if (r.url().includes('/content')) ranges.push({ status: r.status(), range: r.request().headers().range })
  })

  await page.goto('/')
  await tid(page, 'menu-evidence').click()
  await tid(page, 'evidence-view').waitFor()
  await input(page, 'evidence-target').fill(CREDIT)
  await tid(page, 'evidence-target-open').click()
  await tid(page, 'evidence-panel').waitFor()
  await assert.doesNotReject(tid(page, 'evidence-stage-execution').waitFor())

  const photo = await uploadVia(page, '现场照片.jpg', '调查取证', '执法记录仪 DSJ-01', '泺源大街 1 号')
  assert.equal(photo.content_type, 'image/jpeg')
  const video = await uploadVia(page, '执法记录.mp4', '执行', '执法记录仪 DSJ-02', '经十路')
  assert.equal(video.content_type, 'video/mp4')
  await tid(page, `evidence-open-${photo.id}`).waitFor()
  assert.ok(await tid(page, 'evidence-stage-investigation').locator(`[data-testid="evidence-open-${photo.id}"]`).count())
  assert.ok(await tid(page, 'evidence-stage-execution').locator(`[data-testid="evidence-open-${video.id}"]`).count())
  assert.ok((await tid(page, 'evidence-stage-investigation').innerText()).includes('执法记录仪 DSJ-01'))

  await tid(page, `evidence-integrity-${photo.id}`).click()
  await page.waitForFunction((id) => document.querySelector(`[data-testid="evidence-integrity-${id}"]`)?.textContent?.includes('完好'), photo.id)
  await page.screenshot({ path: join(SHOTS, 'evidence-panel.png'), fullPage: true })

  await tid(page, `evidence-open-${video.id}`).click()
  await tid(page, 'evidence-video').waitFor()
  // Seek: the player asks for the bytes from an offset.
  await page.evaluate(() => {
    const v = document.querySelector('[data-testid="evidence-video"]')
    v.load()
  })
  const got = await page.evaluate(async (url) => {
    const r = await fetch(url, { headers: { Range: 'bytes=150000-150009' } })
    return { status: r.status, range: r.headers.get('content-range'), len: (await r.arrayBuffer()).byteLength }
  }, `/api/v1/evidence/${video.id}/content`)
  assert.deepEqual(got, { status: 206, range: 'bytes 150000-150009/300000', len: 10 })
  for (let i = 0; i < 50 && !ranges.some((r) => r.status === 206); i++) await page.waitForTimeout(100)
  assert.ok(ranges.some((r) => r.status === 206 && r.range), `the video element used Range: ${JSON.stringify(ranges)}`)
  await page.screenshot({ path: join(SHOTS, 'evidence-video.png') })
  assert.deepEqual(errors, [])
  await page.context().close()
})
