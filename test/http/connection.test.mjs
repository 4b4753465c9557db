// Connection handling, over raw sockets: keep-alive (several requests, pipelined too, on one
// connection), the read time limit (a request whose header does not arrive in time is cut off),
// the idle limit of a kept-alive connection, and header size. The server runs with 2-second limits;
// deadlines are enforced by a sweep once a second, so a limit of 2 s ends a connection after 2–3 s.
// Backend-independent: runs on SQLite only.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { startServer } from './lib/server.mjs'

/** A raw connection: send(text), readResponses(n) → [{status, headers, body}], closed promise. */
function open(port) {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    let waiters = []
    let closedAt = null
    const closed = new Promise((res) => s.on('close', () => res((closedAt = Date.now()))))
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      for (const w of waiters) w()
    })
    s.on('close', () => {
      for (const w of waiters) w()
    })
    s.on('error', () => {})
    s.on('connect', () =>
      resolve({
        socket: s,
        closed,
        isClosed: () => closedAt !== null,
        send: (text) => s.write(text),
        /** Parses n complete responses (Content-Length framed) off the connection. */
        async readResponses(n) {
          const out = []
          while (out.length < n) {
            const end = buf.indexOf('\r\n\r\n')
            if (end >= 0) {
              const head = buf.subarray(0, end).toString()
              const [statusLine, ...lines] = head.split('\r\n')
              const headers = Object.fromEntries(
                lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
              )
              const len = Number(headers['content-length'] || 0)
              if (buf.length >= end + 4 + len) {
                out.push({
                  status: Number(statusLine.split(' ')[1]),
                  headers,
                  body: buf.subarray(end + 4, end + 4 + len).toString(),
                })
                buf = buf.subarray(end + 4 + len)
                continue
              }
            }
            if (closedAt !== null) throw new Error(`connection closed after ${out.length} of ${n} responses`)
            await new Promise((r) => waiters.push(r))
            waiters = []
          }
          return out
        },
      }),
    )
    s.on('error', reject)
  })
}

const GET = (path, extra = '') => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`

describe('connections: keep-alive and time limits', () => {
  let srv
  before(async () => {
    srv = await startServer({ server: { read_timeout_seconds: 2, idle_timeout_seconds: 2 } })
  })
  after(async () => {
    if (srv) assert.equal((await srv.stop()).code, 0, srv.log())
  })

  test('keep-alive: sequential and pipelined requests on one connection', async () => {
    const c = await open(srv.port)
    for (let i = 0; i < 3; i++) {
      c.send(GET('/healthz'))
      const [r] = await c.readResponses(1)
      assert.equal(r.status, 200)
      assert.equal(r.headers.connection, undefined)
    }
    c.send(GET('/healthz') + GET('/api/v1/units/1') + GET('/readyz'))
    const rs = await c.readResponses(3)
    assert.deepEqual(rs.map((r) => r.status), [200, 401, 200])
    assert.equal(JSON.parse(rs[1].body).error.code, 'Unauthenticated')
    // Connection: close is honoured: answered, then closed.
    c.send(GET('/healthz', 'Connection: close\r\n'))
    const [last] = await c.readResponses(1)
    assert.equal(last.status, 200)
    assert.equal(last.headers.connection, 'close')
    await c.closed
  })

  test('a request header that does not arrive within the read time limit: connection closed', async () => {
    const c = await open(srv.port)
    const t0 = Date.now()
    c.send('GET /healthz HTTP/1.1\r\nHost: t\r\n') // never finished
    const at = await c.closed
    const took = at - t0
    assert.ok(took >= 1500 && took < 5000, `closed after ${took} ms`)
  })

  test('a slow but steady header is still cut at the read time limit (no reset per byte)', async () => {
    const c = await open(srv.port)
    const t0 = Date.now()
    c.send('GET /healthz HTTP/1.1\r\n')
    const drip = setInterval(() => c.isClosed() || c.send('X-Slow: 1\r\n'), 300)
    const at = await c.closed
    clearInterval(drip)
    assert.ok(at - t0 < 5000, `closed after ${at - t0} ms`)
  })

  test('an idle kept-alive connection is closed after the idle limit; an active one is not', async () => {
    const idle = await open(srv.port)
    idle.send(GET('/healthz'))
    assert.equal((await idle.readResponses(1))[0].status, 200)
    const active = await open(srv.port)
    const t0 = Date.now()
    // The active connection sends a request every 700 ms for 4 s — past the idle limit in total.
    while (Date.now() - t0 < 4000) {
      active.send(GET('/healthz'))
      assert.equal((await active.readResponses(1))[0].status, 200)
      await new Promise((r) => setTimeout(r, 700))
    }
    assert.ok(idle.isClosed(), 'the idle connection was closed')
    assert.ok(!active.isClosed(), 'the active connection stayed open')
    active.socket.destroy()
  })

  test('a header over 16 KiB: connection closed without an answer', async () => {
    const c = await open(srv.port)
    c.send(GET('/healthz', `X-Big: ${'a'.repeat(17 * 1024)}\r\n`))
    await c.closed
    await assert.rejects(c.readResponses(1), /closed after 0 of 1/)
  })
})
