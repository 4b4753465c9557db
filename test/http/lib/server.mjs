// Starts the real zhifa binary for one test file: a free loopback port, a fresh temp data dir,
// a TOML config (generous login throttling so the suite is not rate-limited), optionally a
// fresh PostgreSQL schema. stop() sends SIGTERM, waits for the exit and removes the temp dir.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const REPO = resolve(here, '../../..')
export const BIN = process.env.ZHIFA_BIN || join(REPO, 'build/release/zhifa')
/** Complex, without "admin" (the password may not contain the username). */
export const ADMIN_PASSWORD = 'Zf-Test#Pw2026x'
export const PG_URL = process.env.ZHIFA_TEST_PG_URL || ''

/** The database back-ends to run a file on: always sqlite, plus pg when ZHIFA_TEST_PG_URL is set. */
export const BACKENDS = PG_URL ? ['sqlite', 'pg'] : ['sqlite']

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.unref()
    s.on('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

function withSearchPath(url, schema) {
  const opt = `options=-csearch_path%3D${schema}`
  return url + (url.includes('?') ? '&' : '?') + opt
}

/** Creates a fresh schema on the shared PostgreSQL database; returns {url, schema}. */
export function createPgSchema() {
  const schema = `zhifa_t${randomBytes(6).toString('hex')}`
  execFileSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE SCHEMA ${schema}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return { url: withSearchPath(PG_URL, schema), schema }
}

export function dropPgSchema(schema) {
  try {
    execFileSync('psql', [PG_URL, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    })
  } catch {
    /* best effort */
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Starts a server. options: {backend: 'sqlite'|'pg', auth: {key: value}, server: {key: value},
 * cases: {key: value}, db (ZHIFA_DB of another server), dataDir (ZHIFA_DATA_DIR of another server)}.
 * Returns {base, port, proc, dataDir, log(), stop(), exited (promise of {code, signal})}.
 */
export async function startServer(options = {}) {
  if (!existsSync(BIN)) throw new Error(`zhifa binary not found at ${BIN} (set ZHIFA_BIN)`)
  const backend = options.backend || 'sqlite'
  const dataDir = mkdtempSync(join(tmpdir(), 'zhifa-httptest-'))
  const port = await freePort()
  const auth = { attempts_per_minute_per_ip: 100000, ...(options.auth || {}) }
  const server = { access_log: false, shutdown_grace_seconds: 10, ...(options.server || {}) }
  const toml = (section, kv) =>
    `[${section}]\n` +
    Object.entries(kv)
      .map(([k, v]) => `${k} = ${typeof v === 'string' ? JSON.stringify(v) : v}`)
      .join('\n') +
    '\n'
  const configPath = join(dataDir, 'zhifa.toml')
  writeFileSync(configPath, toml('auth', auth) + toml('server', server) + (options.cases ? toml('cases', options.cases) : ''))
  let pg = null
  const env = {
    ...process.env,
    ZHIFA_CONFIG: configPath,
    ZHIFA_DATA_DIR: join(dataDir, 'data'),
    ZHIFA_LISTEN: `127.0.0.1:${port}`,
    ZHIFA_ADMIN_PASSWORD: ADMIN_PASSWORD,
  }
  delete env.ZHIFA_DB
  if (backend === 'pg') {
    if (!PG_URL) throw new Error('backend pg needs ZHIFA_TEST_PG_URL')
    pg = createPgSchema()
    env.ZHIFA_DB = pg.url
  }
  if (options.db) env.ZHIFA_DB = options.db // a second node on another server's database
  // A second node sharing another server's data directory (`srv.dataDir + '/data'`): the same
  // keys and, on SQLite, the same database file.
  if (options.dataDir) env.ZHIFA_DATA_DIR = options.dataDir
  // The binary may be in the middle of a relink (EACCES/ETXTBSY/ENOENT): retry for a while.
  let proc
  for (let attempt = 0; ; attempt++) {
    proc = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const err = await new Promise((res) => {
      proc.once('spawn', () => res(null))
      proc.once('error', res)
    })
    if (!err) break
    if (attempt >= 30 || !['EACCES', 'ETXTBSY', 'ENOENT'].includes(err.code)) {
      rmSync(dataDir, { recursive: true, force: true })
      if (pg) dropPgSchema(pg.schema)
      throw new Error(`cannot start ${BIN}: ${err.message}`)
    }
    await sleep(1000)
  }
  let output = ''
  const keep = (d) => {
    output += d.toString()
    if (output.length > 200000) output = output.slice(-100000)
  }
  proc.stdout.on('data', keep)
  proc.stderr.on('data', keep)
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })))
  let done = null
  exited.then((r) => (done = r))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30000
  for (;;) {
    if (done) {
      cleanup()
      throw new Error(`zhifa exited early (${JSON.stringify(done)}):\n${output}`)
    }
    try {
      const r = await fetch(base + '/healthz')
      if (r.status === 200) break
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      cleanup()
      throw new Error(`zhifa did not answer /healthz within 30 s:\n${output}`)
    }
    await sleep(50)
  }
  function cleanup() {
    rmSync(dataDir, { recursive: true, force: true })
    if (pg) dropPgSchema(pg.schema)
  }
  let stopped = null
  return {
    base,
    port,
    proc,
    backend,
    db: env.ZHIFA_DB,
    dataDir,
    exited,
    log: () => output,
    /** SIGTERM, wait (SIGKILL after `graceMs`), remove temp data. Returns {code, signal}. */
    async stop(graceMs = 15000) {
      if (stopped) return stopped
      stopped = (async () => {
        if (!done) proc.kill('SIGTERM')
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
        const r = await exited
        clearTimeout(timer)
        cleanup()
        return r
      })()
      return stopped
    },
  }
}
