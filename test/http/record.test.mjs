// The verifiable record log over HTTP (issue 4): checkpoints (on demand and by cadence), the
// public key, leaf bytes, inclusion and consistency proofs — checked by openssl (the documented
// command) and by the independent Python verifier —, who may read them, precise errors, the
// per-target timelines, the server-side inclusion check, and `zhifa verify` against the running
// server's database with its result shown by the API.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync, openSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, BACKENDS, BIN, REPO } from './lib/server.mjs'
import { API, signIn, assertError } from './lib/client.mjs'
import { administrators, unitIndex, createUser, uniqueName } from './lib/fixtures.mjs'

// Checkpoint cadence for this file: every 5 entries (or 1 s) so the timer is exercised.
process.env.ZHIFA_CHECKPOINT_EVERY = '5'
process.env.ZHIFA_CHECKPOINT_SECONDS = '1'

const CREDIT = '91350100M000100Y43'
function jpeg(n) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 131 + 7) & 0xff
  b.set([0xff, 0xd8, 0xff, 0xe0], 0)
  return b
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

for (const backend of BACKENDS) {
  describe(`record log [${backend}]`, () => {
    let srv
    let a
    let officer
    let supervisor
    let tmp

    before(async () => {
      srv = await startServer({ backend })
      a = await administrators(srv.base)
      const units = await unitIndex(a.sys)
      const dept = units.byName('历下区')
      const off = await createUser(a, { username: uniqueName('rlo'), unitId: dept.id, role: 'officer', scope: 'dept' })
      officer = await signIn(srv.base, off)
      const sup = await createUser(a, { username: uniqueName('rls'), unitId: dept.id, role: 'supervisor', scope: 'city' })
      supervisor = await signIn(srv.base, sup)
      tmp = mkdtempSync(join(tmpdir(), 'zhifa-record-'))
    })
    after(async () => {
      if (tmp) rmSync(tmp, { recursive: true, force: true })
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    test('the checkpoint timer signs checkpoints by itself', async () => {
      let r
      for (let i = 0; i < 50; i++) {
        r = await a.audit.get(`${API}/record/checkpoint`)
        if (r.status === 200) break
        await sleep(100)
      }
      assert.equal(r.status, 200, r.text)
      assert.ok(r.json.size > 0)
      assert.equal(r.json.hash, 'sm3')
      assert.match(r.json.note, /^zhifa\/record\n\d+\n[A-Za-z0-9+/=]{44}\n\n— zhifa\/record /)
    })

    test('an on-demand checkpoint verifies with the documented openssl command', async () => {
      const c = await a.audit.post(`${API}/record/checkpoints`, {})
      assert.equal(c.status, 200, c.text)
      const latest = await officer.get(`${API}/record/checkpoint`) // any signed-in user
      assert.equal(latest.status, 200)
      assert.ok(latest.json.size >= c.json.size)
      const pk = await officer.get(`${API}/record/public-key`)
      assert.equal(pk.status, 200)
      assert.equal(pk.json.signature, 'sm2')
      writeFileSync(join(tmp, 'checkpoint'), latest.json.note)
      writeFileSync(join(tmp, 'pub.pem'), pk.json.pem)
      // docs/record-log-format.md §4, verbatim.
      const script = `set -e
sed '/^$/,$d' checkpoint > note.txt
grep '^— ' checkpoint | head -n 1 | cut -d ' ' -f 3 | base64 -d | tail -c +5 > sig.bin
openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -digest sm3 \\
    -pkeyopt distid:1234567812345678 -in note.txt -sigfile sig.bin`
      const out = execFileSync('sh', ['-c', script], { cwd: tmp }).toString()
      assert.match(out, /Signature Verified Successfully/)
      // A changed size fails the same command.
      writeFileSync(join(tmp, 'checkpoint'), latest.json.note.replace(`\n${latest.json.size}\n`, `\n${latest.json.size + 1}\n`))
      const bad = spawnSync('sh', ['-c', script], { cwd: tmp })
      assert.notEqual(bad.status, 0)
    })

    test('leaves and proofs from the API verify with the independent Python verifier', async () => {
      // Two checkpoints at different sizes: add entries (a unit edit each) between them.
      const first = await a.audit.post(`${API}/record/checkpoints`, {})
      assert.equal(first.status, 200)
      const units = await unitIndex(a.sys)
      for (let i = 0; i < 3; i++) {
        const r = await a.sys.post(`${API}/units`, { parent_id: units.byName('历下区').id, name: uniqueName('记录单位'), kind: 'department' })
        assert.equal(r.status, 201, r.text)
      }
      const second = await a.audit.post(`${API}/record/checkpoints`, {})
      assert.equal(second.status, 200)
      const n = second.json.size
      assert.ok(n > first.json.size)
      const list = await supervisor.get(`${API}/record/checkpoints?page_size=200`)
      assert.equal(list.status, 200, list.text)
      const leaves = await supervisor.get(`${API}/record/leaves?start=1&end=${n}`)
      assert.equal(leaves.status, 200, leaves.text)
      assert.equal(leaves.json.items.length, n)
      const inclusion = []
      for (const idx of [0, 1, Math.floor(n / 2), n - 1]) {
        for (const size of [first.json.size, n]) {
          if (idx >= size) continue
          const p = await a.audit.get(`${API}/record/proof/inclusion?index=${idx}&size=${size}`)
          assert.equal(p.status, 200, p.text)
          inclusion.push(p.json)
        }
      }
      const cons = await a.audit.get(`${API}/record/proof/consistency?old=${first.json.size}&new=${n}`)
      assert.equal(cons.status, 200, cons.text)
      const input = JSON.stringify({
        hash: 'sm3',
        checkpoints: list.json.items.map((c) => c.note),
        leaves: leaves.json.items,
        inclusion,
        consistency: [cons.json],
      })
      const py = spawnSync('python3', [join(REPO, 'test/record/verify_api.py')], { input })
      assert.equal(py.status, 0, `${py.stdout}${py.stderr}`)
      assert.match(py.stdout.toString(), /^ok \d+/)
    })

    test('leaf bytes and proofs: audit administrator and supervisors only', async () => {
      for (const c of [a.sys, a.sec, officer]) {
        assertError(await c.get(`${API}/record/leaves?start=1`), 403, 'PermissionDenied')
        assertError(await c.get(`${API}/record/proof/inclusion?index=0`), 403, 'PermissionDenied')
        assertError(await c.get(`${API}/record/checkpoints`), 403, 'PermissionDenied')
        assertError(await c.post(`${API}/record/checkpoints`, {}), 403, 'PermissionDenied')
      }
    })

    test('bad parameters name the field', async () => {
      const c = a.audit
      assertError(await c.get(`${API}/record/leaves`), 400, 'InvalidArgument', 'start')
      assertError(await c.get(`${API}/record/leaves?start=0`), 400, 'InvalidArgument', 'start')
      assertError(await c.get(`${API}/record/leaves?start=5&end=2`), 400, 'InvalidArgument', 'end')
      assertError(await c.get(`${API}/record/leaves?start=1&end=5000`), 400, 'InvalidArgument', 'end')
      assertError(await c.get(`${API}/record/leaves?start=1&end=99999`), 400, 'InvalidArgument', 'end')
      assertError(await c.get(`${API}/record/proof/inclusion`), 400, 'InvalidArgument', 'index')
      assertError(await c.get(`${API}/record/proof/inclusion?index=x`), 400, 'InvalidArgument', 'index')
      assertError(await c.get(`${API}/record/proof/inclusion?index=0&size=-1`), 400, 'InvalidArgument', 'size')
      assertError(await c.get(`${API}/record/proof/inclusion?index=0&size=99999999`), 400, 'InvalidArgument', 'size')
      assertError(await c.get(`${API}/record/proof/inclusion?index=3&size=3`), 400, 'InvalidArgument', 'index')
      assertError(await c.get(`${API}/record/proof/consistency?old=5`), 400, 'InvalidArgument', 'new')
      assertError(await c.get(`${API}/record/proof/consistency?old=5&new=2`), 400, 'InvalidArgument', 'old')
      assertError(await c.get(`${API}/record/targets/enterprise/91370100MA3C2X123X`), 400, 'InvalidArgument', 'code')
      assertError(await c.post(`${API}/record/targets/person`, { id_number: '370102199001011235' }), 400, 'InvalidArgument', 'id_number')
      assertError(await c.post(`${API}/record/targets/person`, {}), 400, 'InvalidArgument', 'id_number')
      assertError(await c.post(`${API}/record/targets/person`, { id_number: '11010519491231002X', extra: 1 }), 400, 'UnknownField', 'extra')
      assertError(await c.get(`${API}/record/entries/0/verify`), 400, 'InvalidArgument', 'seq')
    })

    test('target timelines: valid identifiers with no visible entry answer 404', async () => {
      assertError(await a.audit.get(`${API}/record/targets/enterprise/91350100M000100Y43`), 404, 'NotFound', 'target')
      const r = await a.audit.post(`${API}/record/targets/person`, { id_number: '11010519491231002X' })
      assertError(r, 404, 'NotFound', 'target')
      assert.ok(!r.text.includes('11010519491231002X'), 'the number is not echoed')
    })

    test('an entry verifies against the latest checkpoint on the server; outside scope is 404', async () => {
      const r = await a.audit.get(`${API}/record/entries/1/verify`)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.included, true)
      assert.ok(r.json.checkpoint_size >= 1)
      // The officer's scope is their own department: entry 1 (the city seed) is not in it.
      assertError(await officer.get(`${API}/record/entries/1/verify`), 404, 'NotFound', 'seq')
    })

    let evidenceHash
    test('evidence for an enterprise appears in its timeline (data scope) and verifies', async () => {
      const q = new URLSearchParams({ target_kind: 'enterprise', target: CREDIT, stage: 'investigation', captured_at: '2026-11-01T09:30:00+08:00', device: '执法记录仪', location: '济南市历下区', file_name: '现场照片.jpg' })
      const res = await fetch(`${srv.base}${API}/evidence?${q}`, {
        method: 'POST',
        headers: { Cookie: officer.cookie, 'X-CSRF-Token': officer.csrf, 'Content-Type': 'application/octet-stream' },
        body: jpeg(5000),
      })
      const up = await res.json()
      assert.equal(res.status, 201, JSON.stringify(up))
      evidenceHash = up.hash
      const tl = await officer.get(`${API}/record/targets/enterprise/${CREDIT.toLowerCase()}`)
      assert.equal(tl.status, 200, tl.text)
      assert.equal(tl.json.target, `enterprise:${CREDIT}`)
      const e = tl.json.items.find((x) => x.kind === 'evidence.added')
      assert.ok(e, tl.text)
      assert.match(e.leaf_hash, /^[0-9a-f]{64}$/)
      await a.audit.post(`${API}/record/checkpoints`, {})
      const v = await officer.get(`${API}/record/entries/${e.seq}/verify`)
      assert.equal(v.status, 200, v.text)
      assert.equal(v.json.included, true)
      // Another district's view: nothing of this enterprise is in its scope.
      const other = await createUser(a, { username: uniqueName('rlx'), unitId: (await unitIndex(a.sys)).byName('市中区').id, role: 'officer', scope: 'dept' })
      const oc = await signIn(srv.base, other)
      assertError(await oc.get(`${API}/record/targets/enterprise/${CREDIT}`), 404, 'NotFound', 'target')
      assertError(await oc.get(`${API}/record/entries/${e.seq}/verify`), 404, 'NotFound', 'seq')
    })

    test('zhifa verify passes on the live database and its result is shown', async () => {
      if (backend !== 'sqlite') return // the CLI needs the server's database URL (sqlite: the data dir)
      const env = { ...process.env, ZHIFA_CONFIG: join(srv.dataDir, 'zhifa.toml'), ZHIFA_DATA_DIR: join(srv.dataDir, 'data') }
      delete env.ZHIFA_DB
      const v = spawnSync(BIN, ['verify'], { env })
      assert.equal(v.status, 0, `${v.stdout}${v.stderr}`)
      assert.match(v.stdout.toString(), /zhifa verify: 通过 \/ ok — \d+ entries/)
      assert.ok(!v.stderr.toString().includes('['), 'no progress bar when piped')
      const last = await a.audit.get(`${API}/record/verify/last`)
      assert.equal(last.status, 200)
      assert.equal(last.json.last.result.ok, true)
      const again = spawnSync(BIN, ['verify', '--from-checkpoint', '--no-record'], { env })
      assert.equal(again.status, 0, `${again.stdout}${again.stderr}`)
      assert.match(v.stdout.toString(), /[1-9]\d* files/)
      // A changed evidence file fails the run and is named.
      const h = evidenceHash
      const fd = openSync(join(srv.dataDir, 'data', 'evidence', h.slice(0, 2), h.slice(2, 4), h), 'r+')
      writeSync(fd, Buffer.from('X'), 0, 1, 100)
      closeSync(fd)
      const bad = spawnSync(BIN, ['verify', '--no-record'], { env })
      assert.equal(bad.status, 1, `${bad.stdout}${bad.stderr}`)
      assert.match(bad.stderr.toString(), new RegExp(`evidence file ${h} was changed`))
    })
  })
}
