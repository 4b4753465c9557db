// Two nodes on one database: what each node keeps in memory — the unit tree (org_service.h) and
// the principal cache (auth_service.h) — follows changes made on the other node within seconds,
// and a node reads its own unit writes at once. Runs on SQLite (two processes on one WAL file)
// and PostgreSQL.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, signIn, assertError } from './lib/client.mjs'
import { administrators, unitIndex, createUser, uniqueName } from './lib/fixtures.mjs'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` (async → truthy when done) every 100 ms for up to `ms`; fails with `what`. */
async function eventually(what, check, ms = 8000) {
  const deadline = Date.now() + ms
  for (;;) {
    if (await check()) return
    assert.ok(Date.now() < deadline, `${what} within ${ms} ms`)
    await sleep(100)
  }
}

for (const backend of BACKENDS) {
  describe(`two nodes on one database [${backend}]`, () => {
    let srv
    let node2
    let a
    let units
    let district
    let reader1
    let reader2

    before(async () => {
      srv = await startServer({ backend })
      node2 = await startServer({ backend: 'sqlite', db: srv.db, dataDir: join(srv.dataDir, 'data') })
      a = await administrators(srv.base)
      units = await unitIndex(a.sys)
      district = units.byName('历下区')
      // A supervisor with district scope, signed in on each node.
      const acc = await createUser(a, { username: uniqueName('sup'), unitId: district.id, role: 'supervisor', scope: 'district' })
      reader1 = await signIn(srv.base, acc)
      reader2 = await signIn(node2.base, acc)
    })

    after(async () => {
      if (node2) assert.equal((await node2.stop()).code, 0, node2.log())
      if (srv) assert.equal((await srv.stop()).code, 0, srv.log())
    })

    test('a unit created or renamed on one node: read at once there, within seconds on the other', async () => {
      // Both nodes have read the district (their trees are loaded) before the change.
      const before1 = (await reader1.get(`${API}/units/${district.id}`)).json
      const before2 = (await reader2.get(`${API}/units/${district.id}`)).json
      assert.deepEqual(before2, before1)
      const name = uniqueName('中队')
      const made = await a.sys.post(`${API}/units`, { parent_id: district.id, name, kind: 'department' })
      assert.equal(made.status, 201, made.text)
      // The writing node: immediately, as the unit and among the parent's children.
      let r = await reader1.get(`${API}/units/${made.json.id}`)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.name, name)
      assert.deepEqual(r.json.children, [])
      r = await reader1.get(`${API}/units/${district.id}`)
      assert.ok(r.json.children.some((c) => c.id === made.json.id))
      // The other node: within seconds.
      await eventually('node 2 reads the new unit', async () => {
        const x = await reader2.get(`${API}/units/${made.json.id}`)
        if (x.status === 404) return false
        assert.equal(x.status, 200, x.text)
        return x.json.name === name
      })
      r = await reader2.get(`${API}/units/${district.id}`)
      assert.deepEqual(r.json, (await reader1.get(`${API}/units/${district.id}`)).json)

      // A rename on node 2 (the admin signs in there): node 2 at once, node 1 within seconds.
      const admin2 = await signIn(node2.base, a.accounts.sys)
      const renamed = `${name}（改）`
      r = await admin2.patch(`${API}/units/${made.json.id}`, { version: made.json.version, name: renamed })
      assert.equal(r.status, 200, r.text)
      assert.equal((await reader2.get(`${API}/units/${made.json.id}`)).json.name, renamed)
      await eventually('node 1 reads the new name', async () => {
        const x = await reader1.get(`${API}/units/${made.json.id}`)
        return x.json.name === renamed && x.json.version === made.json.version + 1
      })
      // Scope is still applied from memory: another district's unit is not found on either node.
      const other = units.byName('市中区')
      assertError(await reader1.get(`${API}/units/${other.id}`), 404, 'NotFound', 'id')
      assertError(await reader2.get(`${API}/units/${other.id}`), 404, 'NotFound', 'id')
    })

    test('a forced logout on one node ends the session on the other within seconds', async () => {
      const acc = await createUser(a, { username: uniqueName('vic'), unitId: district.id, role: 'officer' })
      const v1 = await signIn(srv.base, acc)
      const v2 = await signIn(node2.base, acc)
      // Node 2 has the session of v1 cached (the same cookie on the other node).
      assert.equal((await v2.get(`${API}/auth/me`, { cookie: v1.cookie })).status, 200)
      const list = await a.sec.get(`${API}/sessions`)
      const s = list.json.items.find((x) => x.user_id === acc.id && x.id && !x.current)
      assert.ok(s)
      const ids = list.json.items.filter((x) => x.user_id === acc.id).map((x) => x.id)
      assert.equal(ids.length, 2)
      for (const id of ids) assert.equal((await a.sec.del(`${API}/sessions/${id}`)).status, 204)
      // The node that ended them: at once.
      assertError(await v1.get(`${API}/auth/me`), 401, 'Unauthenticated')
      // The other node: within the principal cache's lifetime (2 s).
      await eventually('node 2 refuses the ended sessions', async () => {
        const x = await v2.get(`${API}/auth/me`)
        const y = await v2.get(`${API}/auth/me`, { cookie: v1.cookie })
        return x.status === 401 && y.status === 401
      }, 5000)
    })
  })
}
