// Shared setup of the browser end-to-end tests (test/e2e/*.test.mjs): playwright-core from
// web/node_modules, the REAL zhifa binary started on a free port with a temporary data dir,
// chromium, locator helpers, screenshots and the login flow (forced password change, TOTP).
// env: ZHIFA_BIN (default build/release/zhifa), CHROMIUM (default /usr/bin/chromium),
//      E2E_SERVER_LOG=1 prints the server's output when it stops.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'
import { freshTotp } from './totp.mjs'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'web/package.json'))
export const { chromium } = require('playwright-core')

export const BIN = resolve(root, process.env.ZHIFA_BIN || 'build/release/zhifa')
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

/** A random suffix for one-run passwords. */
export const rnd = (n = 6) => Math.random().toString(36).slice(2, 2 + n)

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
    s.on('error', rej)
  })
}

/**
 * The screenshot folder test-output/<folder> (emptied first unless keep) and `shot(page, name)`,
 * which numbers the pictures in order: 01-name.png, 02-…
 */
export function screenshots(folder, { keep = false } = {}) {
  const dir = join(root, 'test-output', folder)
  if (!keep) rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(root, 'test-output/.gitignore'), '*\n')
  let n = 0
  const shot = async (page, name) => {
    n += 1
    await page.screenshot({ path: join(dir, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true })
  }
  return { dir, shot }
}

/**
 * Starts `zhifa serve` on a free port with a fresh data dir (prefix names the temp dir).
 * env: extra environment (e.g. ZHIFA_ADMIN_PASSWORD); without: names to drop from the inherited
 * environment; demo: arguments of `zhifa demo`, run on the data dir first (its result is `demo`).
 * Returns { baseURL, dataDir, demo, log(), stop() }.
 */
export async function startZhifa({ prefix = 'zhifa-e2e-data-', env: extra = {}, without = [], demo } = {}) {
  assert.ok(existsSync(BIN), `zhifa binary not found at ${BIN} (set ZHIFA_BIN)`)
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM}`)
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const env = { ...process.env, ZHIFA_DATA_DIR: dataDir, ZHIFA_LISTEN: `127.0.0.1:${port}`, ...extra }
  for (const name of without) delete env[name]
  let demoRun
  if (demo) {
    demoRun = spawnSync(BIN, ['demo', ...demo], { env, cwd: root, encoding: 'utf8' })
    assert.equal(demoRun.status, 0, demoRun.stdout + demoRun.stderr)
  }
  let log = ''
  const server = spawn(BIN, ['serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', (d) => (log += d))
  server.stderr.on('data', (d) => (log += d))
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM')
      await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
      if (server.exitCode === null) server.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
    if (process.env.E2E_SERVER_LOG) console.log(log)
  }
  const until = Date.now() + 60000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${log}`)
    try {
      if ((await fetch(baseURL + '/healthz')).ok) break
    } catch {}
    if (Date.now() > until) {
      await stop()
      throw new Error('server did not become healthy:\n' + log)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return { baseURL, dataDir, demo: demoRun, log: () => log, stop }
}

// Chromium takes its file-name encoding from the process locale: under the POSIX locale (no
// LANG, as on a fresh minimal machine or under `env -i`) it cannot name a download
// 执法事项目录_….xlsx and calls it "download". Any UTF-8 locale will do; C.UTF-8 is always there.
function utf8Locale(env) {
  const cur = env.LC_ALL || env.LC_CTYPE || env.LANG || ''
  return /utf-?8/i.test(cur) ? {} : { LC_ALL: 'C.UTF-8' }
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, ...utf8Locale(process.env) },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * A page in a new context (zh-CN unless locale says otherwise; en-US also set as the UI's stored
 * locale) with a 15 s default timeout. Page errors go to `errors` when given, else to the console.
 */
export async function newPage(browser, baseURL, { locale = 'zh-CN', width = 1400, height = 900, errors, ...more } = {}) {
  const ctx = await browser.newContext({ baseURL, locale, viewport: { width, height }, ...more })
  if (locale === 'en-US') await ctx.addInitScript(() => localStorage.setItem('zhifa.locale', 'en-US'))
  const page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  page.on('pageerror', (e) => (errors ? errors.push(e.message) : console.error('[pageerror]', e.message)))
  return page
}

export const tid = (page, id) => page.locator(`[data-testid="${id}"]`)
// Element Plus puts data-testid of <el-input> on the native <input>; this works for both cases
export const input = (page, id) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()

/** Types a date into an Element Plus date picker and confirms it. */
export async function fillDate(page, testid, value) {
  const box = input(page, testid)
  await box.click()
  await box.fill(value)
  await box.press('Enter')
}

/**
 * A `login(page, username, password, newPassword)` that gets through the forced steps (password
 * change, TOTP enrolment, TOTP at sign-in with the secret enrolled earlier) up to the dashboard
 * and returns the password now valid. Options: shot, to take a picture of each forced step;
 * checkEnrolment, to assert the enrolment shows a base32 secret, an otpauth URI and a QR code.
 */
export function loginFlow({ shot, checkEnrolment = false } = {}) {
  const secrets = {}
  return async function login(page, username, password, newPassword) {
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
        assert.ok(newPassword, `${username} must change the password but no new one given`)
        if (shot) await shot(page, `${username}-force-password`)
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
        if (checkEnrolment) {
          assert.match(secret, /^[A-Z2-7]+=*$/)
          assert.match(await tid(page, 'totp-uri').innerText(), /^otpauth:\/\/totp\//)
          assert.ok(await tid(page, 'totp-qr').evaluate((img) => img.naturalWidth > 0))
        }
        secrets[username] = secret
        if (shot) await shot(page, `${username}-totp-enrol`)
        await input(page, 'totp-code').fill(await freshTotp(secret))
        await tid(page, 'totp-submit').click()
        await tid(page, 'force-totp').waitFor({ state: 'detached' })
        continue
      }
    }
    throw new Error(`could not reach the dashboard as ${username}`)
  }
}
