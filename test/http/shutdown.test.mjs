// Graceful shutdown: SIGTERM while requests are in flight lets them finish (200), refuses new
// connections, and the process exits 0 within a few seconds.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect } from 'node:net'
import { startServer, ADMIN_PASSWORD, BACKENDS } from './lib/server.mjs'

/** POST /api/v1/auth/login on its own connection; resolves {status, body} once answered. */
function slowLogin(port, username, onSent) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username, password: ADMIN_PASSWORD })
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/auth/login',
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body, onSent)
  })
}

function tryConnect(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.on('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.on('error', (e) => resolve(e.code))
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
/** Resolves {timeout: true} after ms without keeping the process alive. */
const deadline = (ms) => new Promise((r) => setTimeout(() => r({ timeout: true }), ms).unref())

for (const backend of BACKENDS) {
  describe(`graceful shutdown [${backend}]`, () => {
    test('in-flight logins complete with 200 after SIGTERM; exit 0; new connections refused', async () => {
      const srv = await startServer({ backend })
      try {
        // each login costs ~0.2 s of password hashing on the server's workers
        let sent = 0
        const pending = []
        const allSent = new Promise((res) => {
          for (const u of ['admin', 'secadmin', 'auditadmin']) {
            pending.push(slowLogin(srv.port, u, () => ++sent === 3 && res()))
          }
        })
        await allSent
        await sleep(40) // let the server read the requests (they are now hashing)
        const t0 = Date.now()
        srv.proc.kill('SIGTERM')
        await sleep(30)
        const during = await tryConnect(srv.port)
        const results = await Promise.all(pending)
        for (const r of results) {
          assert.equal(r.status, 200, r.body)
          assert.ok(JSON.parse(r.body).csrf_token)
        }
        const exit = await Promise.race([srv.exited, deadline(10000)])
        assert.deepEqual(exit, { code: 0, signal: null }, srv.log().slice(-2000))
        assert.ok(Date.now() - t0 < 10000)
        assert.equal(during, 'ECONNREFUSED', 'a new connection during shutdown is refused')
        assert.equal(await tryConnect(srv.port), 'ECONNREFUSED')
        assert.match(srv.log(), /shutting down/)
      } finally {
        await srv.stop()
      }
    })

    test('SIGTERM on an idle server with a kept-alive connection exits 0 promptly', async () => {
      const srv = await startServer({ backend })
      try {
        const r = await fetch(`${srv.base}/healthz`) // fetch keeps the connection alive
        assert.equal(r.status, 200)
        await r.text()
        srv.proc.kill('SIGTERM')
        const exit = await Promise.race([srv.exited, deadline(10000)])
        assert.deepEqual(exit, { code: 0, signal: null }, srv.log().slice(-2000))
      } finally {
        await srv.stop()
      }
    })
  })
}
