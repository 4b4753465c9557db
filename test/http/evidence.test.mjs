// Evidence files (证据材料): streamed upload with content identification (415), size limit (413),
// metadata checks naming the field, the evidence.added log entry carrying the file's hash,
// content-addressed storage with deduplication, streamed download with Range (206/416), data
// scope (404 outside it) and role permissions, an interrupted upload leaving nothing, and tamper
// detection (bytes changed on disk: the full download is cut short, ranges refused, integrity
// reports "changed").
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { createHash } from 'node:crypto'
import { readdirSync, existsSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, signIn, assertError } from './lib/client.mjs'
import { administrators, unitIndex, createUser, headSeq, entriesSince } from './lib/fixtures.mjs'

const LIMIT = 300000
process.env.ZHIFA_EVIDENCE_MAX_BYTES = String(LIMIT)

const CREDIT = '91350100M000100Y43' // a valid 统一社会信用代码 (GB 32100-2015 check characters)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function jpeg(n, seed = 1) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 17) & 0xff
  b[0] = 0xff
  b[1] = 0xd8
  b[2] = 0xff
  b[3] = 0xe0
  return b
}
function mp4(n) {
  const b = jpeg(n, 3)
  b.write('\0\0\0\x18ftypisom', 0, 'latin1')
  return b
}

function query(extra = {}) {
  const q = {
    target_kind: 'enterprise',
    target: CREDIT,
    stage: 'investigation',
    captured_at: '2026-11-01T09:30:00+08:00',
    device: '执法记录仪 DSJ-01',
    location: '济南市历下区泺源大街 1 号',
    file_name: '现场照片.jpg',
    ...extra,
  }
  for (const k of Object.keys(q)) if (q[k] === undefined) delete q[k]
  return new URLSearchParams(q).toString()
}

async function upload(c, body, extra = {}, headers = {}) {
  const res = await fetch(`${c.base}${API}/evidence?${query(extra)}`, {
    method: 'POST',
    headers: { Cookie: c.cookie, 'X-CSRF-Token': c.csrf, 'Content-Type': 'application/octet-stream', ...headers },
    body,
    duplex: 'half',
  })
  const text = await res.text()
  let json = null
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, json, error: json && json.error, text, headers: res.headers }
}

async function download(c, id, headers = {}) {
  const res = await fetch(`${c.base}${API}/evidence/${id}/content`, { headers: { Cookie: c.cookie, ...headers } })
  let body = null
  let failed = null
  try {
    body = Buffer.from(await res.arrayBuffer())
  } catch (e) {
    failed = e
  }
  return { status: res.status, headers: res.headers, body, failed }
}

for (const backend of BACKENDS) {
  describe(`evidence [${backend}]`, () => {
    let srv, a, officer, officerB, supervisor, social, deptA, deptB, evDir

    function tmpFiles() {
      return readdirSync(join(evDir, 'tmp'))
    }
    function storedFiles() {
      const out = []
      for (const x of readdirSync(evDir)) {
        if (x === 'tmp') continue
        for (const y of readdirSync(join(evDir, x))) out.push(...readdirSync(join(evDir, x, y)))
      }
      return out
    }
    async function expectNothing(fn) {
      const before = await headSeq(a.audit)
      const files = storedFiles().length
      const r = await fn()
      await sleep(50)
      assert.equal(await headSeq(a.audit), before, `nothing recorded (answer ${r.status} ${r.text})`)
      assert.equal(storedFiles().length, files, 'no file stored')
      assert.deepEqual(tmpFiles(), [], 'no temp file left')
      return r
    }

    before(async () => {
      srv = await startServer({ backend })
      evDir = join(srv.dataDir, 'data', 'evidence')
      a = await administrators(srv.base)
      const units = await unitIndex(a.sys)
      const mk = async (name) => {
        const r = await a.sys.post(`${API}/units`, { parent_id: units.byName('历下区').id, name, kind: 'department' })
        assert.equal(r.status, 201, r.text)
        return r.json
      }
      deptA = await mk('证据测试甲局')
      deptB = await mk('证据测试乙局')
      const user = async (username, unitId, role) => signIn(srv.base, await createUser(a, { username, unitId, role }))
      officer = await user('ev_officer', deptA.id, 'officer')
      officerB = await user('ev_officer_b', deptB.id, 'officer')
      supervisor = await user('ev_super', deptA.id, 'supervisor')
      social = await user('ev_social', deptA.id, 'social_supervisor')
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('meta lists the six stages of 第47条, the accepted types and the limit', async () => {
      const r = await officer.get(`${API}/evidence/meta`)
      assert.equal(r.status, 200, r.text)
      assert.deepEqual(r.json.stages.map((s) => s.name_zh), ['启动', '调查取证', '审核', '决定', '送达', '执行'])
      assert.equal(r.json.max_bytes, LIMIT)
      assert.equal(r.json.hash_alg, 'sm3')
      assert.ok(r.json.content_types.includes('video/mp4'))
    })

    let photo, photoBytes
    test('upload: 201, SM3 names the file, evidence.added carries the hash in the same commit', async () => {
      photoBytes = jpeg(200000)
      const before = await headSeq(a.audit)
      const r = await upload(officer, photoBytes)
      assert.equal(r.status, 201, r.text)
      photo = r.json
      const sm3 = createHash('sm3').update(photoBytes).digest('hex')
      assert.equal(photo.hash, sm3)
      assert.equal(photo.hash_alg, 'sm3')
      assert.equal(photo.size, photoBytes.length)
      assert.equal(photo.content_type, 'image/jpeg')
      assert.equal(photo.stage, 'investigation')
      assert.equal(photo.unit_id, deptA.id)
      assert.equal(photo.captured_at, '2026-11-01T01:30:00.000000Z')
      const path = join(evDir, sm3.slice(0, 2), sm3.slice(2, 4), sm3)
      assert.ok(existsSync(path))
      assert.ok(readFileSync(path).equals(photoBytes))
      const added = await entriesSince(a.audit, before)
      assert.equal(added.length, 1)
      assert.equal(added[0].kind, 'evidence.added')
      assert.equal(added[0].seq, photo.seq)
      assert.equal(added[0].target, `enterprise:${CREDIT}`)
      assert.equal(added[0].summary.hash, sm3)
      assert.equal(added[0].summary.size, photoBytes.length)
      assert.equal(added[0].summary.officer_id, officer.user.id)
      assert.equal(added[0].summary.device, '执法记录仪 DSJ-01')
      assert.deepEqual(tmpFiles(), [])
    })

    test('same bytes again: a second row, one file (deduplicated, never overwritten)', async () => {
      const files = storedFiles().length
      const r = await upload(officer, photoBytes, { stage: 'review', target_kind: 'record', target: `unit:${deptA.id}` })
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.deduplicated, true)
      assert.equal(r.json.hash, photo.hash)
      assert.notEqual(r.json.id, photo.id)
      assert.equal(storedFiles().length, files)
      const list = await officer.get(`${API}/evidence?target_kind=enterprise&target=${CREDIT}`)
      assert.equal(list.status, 200, list.text)
      assert.deepEqual(list.json.items.map((e) => e.id), [photo.id])
    })

    test('download streams the bytes; Range gives 206, bad ranges 416', async () => {
      const full = await download(officer, photo.id)
      assert.equal(full.status, 200)
      assert.ok(full.body.equals(photoBytes))
      assert.equal(full.headers.get('content-type'), 'image/jpeg')
      assert.equal(full.headers.get('accept-ranges'), 'bytes')
      assert.equal(full.headers.get('x-evidence-hash'), `sm3:${photo.hash}`)
      const part = await download(officer, photo.id, { Range: 'bytes=1000-1999' })
      assert.equal(part.status, 206)
      assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${photoBytes.length}`)
      assert.ok(part.body.equals(photoBytes.subarray(1000, 2000)))
      const tail = await download(officer, photo.id, { Range: 'bytes=-10' })
      assert.equal(tail.status, 206)
      assert.ok(tail.body.equals(photoBytes.subarray(photoBytes.length - 10)))
      for (const bad of [`bytes=${photoBytes.length}-`, 'bytes=5-1', 'bytes=0-1,4-5', 'lines=1-2']) {
        const r = await officer.get(`${API}/evidence/${photo.id}/content`, { headers: { Range: bad } })
        assertError(r, 416, 'InvalidArgument', 'Range')
        assert.equal(r.headers.get('content-range'), `bytes */${photoBytes.length}`)
      }
      const head = await fetch(`${srv.base}${API}/evidence/${photo.id}/content`, { method: 'HEAD', headers: { Cookie: officer.cookie } })
      assert.equal(head.status, 200)
      assert.equal(head.headers.get('content-length'), String(photoBytes.length))
    })

    test('a video plays with seeking: ranges of an MP4', async () => {
      const v = mp4(250000)
      const r = await upload(officer, v, { stage: 'execution', file_name: 'clip.mp4' })
      assert.equal(r.status, 201, r.text)
      assert.equal(r.json.content_type, 'video/mp4')
      const mid = await download(officer, r.json.id, { Range: 'bytes=120000-' })
      assert.equal(mid.status, 206)
      assert.ok(mid.body.equals(v.subarray(120000)))
    })

    test('content identified by its bytes: 415, nothing kept', async () => {
      for (const body of [Buffer.from('MZ\x90\0 not a photo', 'latin1'), Buffer.from('<html><script>'), Buffer.from('PK\x03\x04zip')]) {
        const r = await expectNothing(() => upload(officer, body, { file_name: 'photo.jpg' }))
        assertError(r, 415, 'UnsupportedMediaType', 'file')
      }
      const empty = await expectNothing(() => upload(officer, Buffer.alloc(0)))
      assertError(empty, 400, 'InvalidArgument', 'file')
    })

    test('over the size limit: 413, nothing kept (declared length and chunked)', async () => {
      const big = jpeg(LIMIT + 1)
      const r = await expectNothing(() => upload(officer, big))
      assertError(r, 413, 'PayloadTooLarge')
      const chunked = new ReadableStream({
        start(ctl) {
          for (let i = 0; i < 8; i++) ctl.enqueue(jpeg(50000, i))
          ctl.close()
        },
      })
      const c = await expectNothing(() => upload(officer, chunked))
      assertError(c, 413, 'PayloadTooLarge')
    })

    test('metadata errors name the parameter; nothing kept', async () => {
      const body = jpeg(1000)
      const cases = [
        [{ stage: 'trial' }, 'stage'],
        [{ stage: undefined }, 'stage'],
        [{ target: '91350100M000100Y44' }, 'target'],
        [{ target_kind: 'case' }, 'target_kind'],
        [{ target_kind: 'record', target: 'unit 1' }, 'target'],
        [{ captured_at: '2099-01-01T00:00:00Z' }, 'captured_at'],
        [{ captured_at: 'yesterday' }, 'captured_at'],
        [{ device: 'x'.repeat(201) }, 'device'],
        [{ unit_id: 'abc' }, 'unit_id'],
        [{ colour: 'red' }, 'colour'],
      ]
      for (const [extra, field] of cases) {
        const r = await expectNothing(() => upload(officer, body, extra))
        assert.ok(r.status === 400, `${JSON.stringify(extra)} → ${r.status} ${r.text}`)
        assert.equal(r.error.field, field, JSON.stringify(extra))
        assert.ok(r.error.message, 'a message')
      }
      const en = await upload(officer, body, { stage: 'trial' }, { 'Accept-Language': 'en-US' })
      assert.match(en.error.message, /stage must be one of/)
    })

    test('an interrupted upload leaves nothing: no temp file, no row, no log entry', async () => {
      const before = await headSeq(a.audit)
      const files = storedFiles().length
      await new Promise((resolve, reject) => {
        const s = connect(srv.port, '127.0.0.1', () => {
          s.write(
            `POST ${API}/evidence?${query()} HTTP/1.1\r\nHost: x\r\nCookie: ${officer.cookie}\r\n` +
              `X-CSRF-Token: ${officer.csrf}\r\nContent-Length: 250000\r\n\r\n`,
          )
          s.write(jpeg(100000))
          setTimeout(() => {
            assert.equal(tmpFiles().length, 1, 'the upload is being spooled')
            s.destroy()
            resolve()
          }, 300)
        })
        s.on('error', reject)
      })
      for (let i = 0; i < 50 && tmpFiles().length; i++) await sleep(20)
      assert.deepEqual(tmpFiles(), [])
      assert.equal(storedFiles().length, files)
      assert.equal(await headSeq(a.audit), before)
      const list = await officer.get(`${API}/evidence?target=${CREDIT}&page_size=200`)
      assert.equal(list.json.total, 2)
    })

    test('data scope: another department sees 404; supervisors read, cannot upload', async () => {
      assertError(await officerB.get(`${API}/evidence/${photo.id}`), 404, 'NotFound')
      assertError(await officerB.get(`${API}/evidence/${photo.id}/content`), 404, 'NotFound')
      const list = await officerB.get(`${API}/evidence?target=${CREDIT}`)
      assert.equal(list.json.total, 0)
      // Uploading into a unit outside one's scope: 404 on unit_id, before the body is read.
      const r = await expectNothing(() => upload(officerB, jpeg(1000), { unit_id: String(deptA.id) }))
      assertError(r, 404, 'NotFound', 'unit_id')
      assert.equal((await supervisor.get(`${API}/evidence/${photo.id}`)).status, 200)
      assert.equal((await download(supervisor, photo.id)).status, 200)
      assertError(await expectNothing(() => upload(supervisor, jpeg(1000))), 403, 'PermissionDenied')
      assertError(await social.get(`${API}/evidence/${photo.id}`), 403, 'PermissionDenied')
      assertError(await a.sys.get(`${API}/evidence?target=${CREDIT}`), 403, 'PermissionDenied')
      // No CSRF token: refused before the body is read.
      const noCsrf = await expectNothing(() => upload(officer, jpeg(1000), {}, { 'X-CSRF-Token': 'wrong' }))
      assertError(noCsrf, 403, 'CsrfMismatch')
    })

    test('tamper: changed bytes on disk are detected and never served as genuine', async () => {
      const bytes = jpeg(260000, 9)
      const up = await upload(officer, bytes, { file_name: 'tamper.jpg' })
      assert.equal(up.status, 201, up.text)
      const ok = await officer.get(`${API}/evidence/${up.json.id}/integrity`)
      assert.equal(ok.json.state, 'ok')
      const h = up.json.hash
      const fd = openSync(join(evDir, h.slice(0, 2), h.slice(2, 4), h), 'r+')
      writeSync(fd, Buffer.from('X'), 0, 1, 123456)
      closeSync(fd)
      const full = await download(officer, up.json.id)
      assert.equal(full.status, 200)
      // The declared length is never completed: the client sees a failed transfer.
      assert.ok(full.failed || full.body.length < bytes.length, 'the full download is cut short')
      const part = await officer.get(`${API}/evidence/${up.json.id}/content`, { headers: { Range: 'bytes=0-99' } })
      assertError(part, 409, 'Conflict')
      const check = await officer.get(`${API}/evidence/${up.json.id}/integrity`)
      assert.equal(check.json.state, 'changed')
      assert.notEqual(check.json.actual_hash, h)
      assert.match(srv.log(), /does not match its hash|changed/)
    })
  })
}
