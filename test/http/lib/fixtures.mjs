// Shared fixtures: the three seeded administrators signed in, users with one role each, the
// operation-log helpers the spine and error tests use.
import assert from 'node:assert/strict'
import { ADMIN_PASSWORD } from './server.mjs'
import { API, Account, signIn, newPassword, flattenTree } from './client.mjs'

/** Signs in admin (sys_admin), secadmin (sec_admin), auditadmin (audit_admin); enrols TOTP. */
export async function administrators(base) {
  const accounts = {
    sys: new Account('admin', ADMIN_PASSWORD),
    sec: new Account('secadmin', ADMIN_PASSWORD),
    audit: new Account('auditadmin', ADMIN_PASSWORD),
  }
  const out = { accounts }
  for (const [k, a] of Object.entries(accounts)) out[k] = await signIn(base, a)
  return out
}

/** The seeded unit tree (as sys_admin): {all, byName(name, parentName?)}. */
export async function unitIndex(sys) {
  const r = await sys.get(`${API}/units/tree`)
  assert.equal(r.status, 200)
  const all = flattenTree(r.json)
  const byId = new Map(all.map((u) => [u.id, u]))
  return {
    all,
    byId,
    byName(name, parentName) {
      const u = all.find(
        (x) => x.name === name && (!parentName || byId.get(x.parent_id)?.name === parentName),
      )
      assert.ok(u, `unit ${name} not found`)
      return u
    },
  }
}

let counter = 0
export function uniqueName(prefix = 'u') {
  counter += 1
  return `${prefix}${Date.now().toString(36).slice(-4)}${counter}`
}

/**
 * Creates a user (sys_admin) and optionally grants a role (sec_admin). Returns the Account
 * (with .id, .assignmentId) — the user still must change the password on first sign-in.
 */
export async function createUser(admins, { username, unitId, role, scope = 'dept_tree', roleUnitId }) {
  const password = newPassword()
  const r = await admins.sys.post(`${API}/users`, {
    username,
    display_name: `测试${username}`,
    unit_id: unitId,
    password,
  })
  assert.equal(r.status, 201, `create user ${username}: ${r.text}`)
  const acc = new Account(username, password, { id: r.json.id, unitId })
  if (role) {
    const g = await admins.sec.post(`${API}/users/${acc.id}/roles`, {
      role,
      unit_id: roleUnitId ?? unitId,
      scope,
    })
    assert.equal(g.status, 201, `grant ${role} to ${username}: ${g.text}`)
    acc.assignmentId = g.json.id
  }
  return acc
}

/** Newest operation-log entries (as audit_admin). */
export async function operations(audit, query = 'page_size=200') {
  const r = await audit.get(`${API}/logs/operations?${query}`)
  assert.equal(r.status, 200, `operation log: ${r.text}`)
  return r.json.items
}

/** The highest seq in the operation log. */
export async function headSeq(audit) {
  const items = await operations(audit, 'page_size=1')
  return items.length ? items[0].seq : 0
}

/** Entries with seq > after, oldest first. */
export async function entriesSince(audit, after) {
  const items = await operations(audit, 'page_size=200')
  return items.filter((e) => e.seq > after).reverse()
}
