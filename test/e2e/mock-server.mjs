// Minimal in-memory stand-in for the zhifa server, following docs/api.md, for developing the SPA
// and the e2e test before/without the C++ binary. NOT the product: the e2e uses the real binary
// unless ZHIFA_E2E_MOCK=1.  Usage: node test/e2e/mock-server.mjs  (env ZHIFA_LISTEN, ZHIFA_ADMIN_PASSWORD, ZHIFA_WEB_DIST)
import http from 'node:http'
import { readFileSync, existsSync, statSync } from 'node:fs'
import { join, extname, dirname } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { totp } from './totp.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const dist = process.env.ZHIFA_WEB_DIST || join(root, 'web/dist')
const [host, port] = (process.env.ZHIFA_LISTEN || '127.0.0.1:8080').split(':')
const adminPw = process.env.ZHIFA_ADMIN_PASSWORD || 'Admin#Passw0rd'

let nextId = 1
const units = new Map()
function addUnit(parent_id, name, kind, extra = {}) {
  const u = { id: nextId++, parent_id, name, kind, short_name: extra.short_name || null, code: extra.code || null, version: 1 }
  units.set(u.id, u)
  return u
}
const seed = JSON.parse(readFileSync(join(root, 'data/org-seed.json'), 'utf8'))
;(function walk(n, pid) {
  const u = addUnit(pid, n.name, n.kind, n)
  for (const c of n.children || []) walk(c, u.id)
})(seed.city, null)
const cityId = 1

const users = new Map()
function addUser(username, display_name, unit_id, password, roles = [], admin = false) {
  const u = { id: nextId++, username, display_name, unit_id, password, status: 'active', roles, created_at: new Date().toISOString(), version: 1, totp_secret: null, totp_enabled: false, admin, must_change_password: false, phone: null }
  users.set(u.id, u)
  return u
}
for (const [n, r, d] of [['admin', 'sys_admin', '系统管理员'], ['secadmin', 'sec_admin', '安全管理员'], ['auditadmin', 'audit_admin', '安全审计员']])
  addUser(n, d, cityId, adminPw, [{ id: nextId++, role: r, unit_id: cityId, scope: 'city', custom_unit_ids: [] }], true)

const sessions = new Map()
const opLog = []
const loginLog = []
function op(actor, kind, target, summary) {
  opLog.push({ seq: opLog.length + 1, at: new Date().toISOString(), actor_id: actor.id, actor_name: actor.display_name, unit_id: actor.unit_id, kind, target, summary })
}

const en = (req) => /^en/.test(req.headers['accept-language'] || '')
function err(res, req, status, code, zh, enMsg, field) {
  const body = { error: { code, message: en(req) ? enMsg : zh } }
  if (field) body.error.field = field
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}
function json(res, status, data) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(data))
}
const unitName = (id) => units.get(Number(id))?.name ?? ''
const roleView = (r) => ({ ...r, unit_name: unitName(r.unit_id) })
function userView(u) {
  return { id: u.id, username: u.username, display_name: u.display_name, unit_id: u.unit_id, unit_name: unitName(u.unit_id), status: u.status, roles: u.roles.map(roleView), created_at: u.created_at, version: u.version, phone: u.phone }
}
function meView(u) {
  return { ...userView(u), totp_enabled: u.totp_enabled, totp_required: u.admin, password_expires_at: null, must_change_password: u.must_change_password }
}
function descendants(id) {
  const out = [id]
  for (const u of units.values()) if (u.parent_id === id) out.push(...descendants(u.id))
  return out
}
function visibleUnitIds(u) {
  const s = new Set()
  for (const r of u.roles) {
    if (['sys_admin', 'sec_admin'].includes(r.role) || r.scope === 'city') descendants(cityId).forEach((x) => s.add(x))
    else if (r.scope === 'dept' || r.scope === 'own') s.add(r.unit_id)
    else if (r.scope === 'custom') r.custom_unit_ids.forEach((c) => descendants(Number(c)).forEach((x) => s.add(x)))
    else descendants(r.unit_id).forEach((x) => s.add(x))
  }
  return s
}
function subtree(id, vis) {
  const u = units.get(id)
  return { id: u.id, parent_id: u.parent_id, name: u.name, short_name: u.short_name, kind: u.kind, code: u.code, children: [...units.values()].filter((c) => c.parent_id === id && vis.has(c.id)).map((c) => subtree(c.id, vis)) }
}
const hasRole = (u, ...r) => u.roles.some((x) => r.includes(x.role))
function page(q, items) {
  const p = Number(q.get('page') || 1), ps = Number(q.get('page_size') || 20)
  return { items: items.slice((p - 1) * ps, p * ps), total: items.length, page: p, page_size: ps }
}
function complex(pw, username) {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z0-9]/].filter((r) => r.test(pw)).length
  return pw.length >= 10 && classes >= 3 && !pw.toLowerCase().includes(username.toLowerCase())
}

async function body(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  const s = Buffer.concat(chunks).toString('utf8')
  return s ? JSON.parse(s) : {}
}

const mime = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.ico': 'image/x-icon' }

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  const path = url.pathname
  if (path === '/healthz') return res.end('ok')
  if (!path.startsWith('/api/')) {
    let f = join(dist, path)
    if (!f.startsWith(dist) || !existsSync(f) || statSync(f).isDirectory()) f = join(dist, 'index.html')
    res.writeHead(200, { 'content-type': mime[extname(f)] || 'application/octet-stream' })
    return res.end(readFileSync(f))
  }
  const m = req.method
  const p = path.replace('/api/v1', '')
  const sid = /zhifa_session=([^;]+)/.exec(req.headers.cookie || '')?.[1]
  const sess = sid && sessions.get(sid)
  const me = sess && users.get(sess.user_id)
  let b = {}
  try { if (m !== 'GET') b = await body(req) } catch { return err(res, req, 400, 'MalformedJson', 'JSON 格式错误', 'malformed JSON') }

  if (m === 'POST' && p === '/auth/login') {
    const u = [...users.values()].find((x) => x.username === b.username)
    if (!u || u.password !== b.password) { loginLog.push({ id: loginLog.length + 1, at: new Date().toISOString(), username: b.username, user_id: u?.id ?? null, result: u ? 'bad_password' : 'unknown_user', ip: '127.0.0.1', user_agent: req.headers['user-agent'] }); return err(res, req, 401, 'Unauthenticated', '用户名或密码错误', 'wrong username or password') }
    if (u.status === 'disabled') return err(res, req, 401, 'Unauthenticated', '用户名或密码错误', 'wrong username or password')
    if (u.totp_enabled && b.totp_code !== totp(u.totp_secret)) return err(res, req, 401, 'TotpRequired', '请输入正确的动态验证码', 'a valid one-time code is required', 'totp_code')
    const id = randomBytes(16).toString('hex'), csrf = randomBytes(16).toString('hex')
    sessions.set(id, { id, user_id: u.id, csrf, created_at: new Date().toISOString(), last_seen_at: new Date().toISOString(), ua: req.headers['user-agent'] })
    loginLog.push({ id: loginLog.length + 1, at: new Date().toISOString(), username: u.username, user_id: u.id, result: 'ok', ip: '127.0.0.1', user_agent: req.headers['user-agent'] })
    res.setHeader('set-cookie', `zhifa_session=${id}; Path=/; HttpOnly; SameSite=Strict`)
    return json(res, 200, { user: meView(u), csrf_token: csrf })
  }
  if (!me) return err(res, req, 401, 'Unauthenticated', '请先登录', 'please log in')
  sess.last_seen_at = new Date().toISOString()
  if (m !== 'GET' && req.headers['x-csrf-token'] !== sess.csrf) return err(res, req, 403, 'CsrfMismatch', 'CSRF 令牌无效', 'CSRF token mismatch')
  if (m === 'GET' && p === '/auth/me') return json(res, 200, { user: meView(me), csrf_token: sess.csrf })
  if (m === 'POST' && p === '/auth/logout') { sessions.delete(sid); res.writeHead(204); return res.end() }
  if (m === 'POST' && p === '/auth/password') {
    if (b.old_password !== me.password) return err(res, req, 400, 'InvalidArgument', '原密码错误', 'wrong current password', 'old_password')
    if (!complex(b.new_password, me.username)) return err(res, req, 400, 'InvalidArgument', '密码复杂度不足', 'password too weak', 'new_password')
    me.password = b.new_password; me.must_change_password = false; res.writeHead(204); return res.end()
  }
  if (m === 'POST' && p === '/auth/totp/setup') { me.totp_secret = Array.from(randomBytes(20), (x) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[x % 32]).join(''); return json(res, 200, { secret: me.totp_secret, otpauth_uri: `otpauth://totp/zhifa:${me.username}?secret=${me.totp_secret}&issuer=zhifa` }) }
  if (m === 'POST' && p === '/auth/totp/enable') { if (b.code !== totp(me.totp_secret)) return err(res, req, 400, 'InvalidArgument', '验证码错误', 'wrong code', 'code'); me.totp_enabled = true; res.writeHead(204); return res.end() }
  if (me.must_change_password) return err(res, req, 403, 'PermissionDenied', '请先修改密码', 'change your password first', 'password')
  if (me.admin && !me.totp_enabled) return err(res, req, 403, 'PermissionDenied', '请先绑定身份验证器', 'enrol TOTP first', 'totp')

  let mm
  if (m === 'GET' && p === '/units/tree') {
    if (hasRole(me, 'audit_admin') && me.roles.length === 1) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied')
    const vis = visibleUnitIds(me)
    const roots = [...vis].filter((id) => !vis.has(units.get(id).parent_id)).map((id) => subtree(id, vis))
    return json(res, 200, roots)
  }
  if (m === 'GET' && (mm = /^\/units\/(\d+)$/.exec(p))) {
    const u = units.get(Number(mm[1])); if (!u) return err(res, req, 404, 'NotFound', '不存在', 'not found')
    return json(res, 200, { ...u, children: [...units.values()].filter((c) => c.parent_id === u.id) })
  }
  if (m === 'POST' && p === '/units') {
    if (!hasRole(me, 'sys_admin')) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied')
    if (!b.name) return err(res, req, 400, 'InvalidArgument', '名称不能为空', 'name is required', 'name')
    if ([...units.values()].some((x) => x.parent_id === b.parent_id && x.name === b.name)) return err(res, req, 409, 'Conflict', '同级单位名称重复', 'duplicate name', 'name')
    const u = addUnit(b.parent_id, b.name, b.kind, b)
    op(me, 'unit.create', `unit:${u.id}`, `新建单位「${u.name}」（上级：${unitName(u.parent_id)}）`)
    return json(res, 201, u)
  }
  if (m === 'PATCH' && (mm = /^\/units\/(\d+)$/.exec(p))) {
    const u = units.get(Number(mm[1])); if (u.version !== b.version) return err(res, req, 409, 'Conflict', '数据已被他人修改，请刷新', 'stale version', 'version')
    for (const k of ['name', 'short_name', 'code']) if (k in b) u[k] = b[k]
    u.version++; op(me, 'unit.update', `unit:${u.id}`, `修改单位「${u.name}」`); return json(res, 200, u)
  }
  if (m === 'GET' && p === '/users') {
    if (!hasRole(me, 'sys_admin', 'sec_admin')) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied')
    const q = url.searchParams.get('q'), unit = url.searchParams.get('unit_id')
    const items = [...users.values()].filter((u) => (!q || u.username.includes(q) || u.display_name.includes(q)) && (!unit || u.unit_id === Number(unit))).map(userView)
    return json(res, 200, page(url.searchParams, items))
  }
  if (m === 'POST' && p === '/users') {
    if (!hasRole(me, 'sys_admin')) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied')
    if ([...users.values()].some((u) => u.username === b.username)) return err(res, req, 409, 'Conflict', '用户名已存在', 'username taken', 'username')
    if (!complex(b.password || '', b.username)) return err(res, req, 400, 'InvalidArgument', '密码复杂度不足', 'password too weak', 'password')
    const u = addUser(b.username, b.display_name, Number(b.unit_id), b.password); u.must_change_password = true
    op(me, 'user.create', `user:${u.id}`, `新建用户 ${u.username}`); return json(res, 201, userView(u))
  }
  if ((mm = /^\/users\/(\d+)(?:\/(.*))?$/.exec(p))) {
    const u = users.get(Number(mm[1])); if (!u) return err(res, req, 404, 'NotFound', '不存在', 'not found')
    const sub = mm[2]
    if (m === 'GET' && !sub) return json(res, 200, userView(u))
    if (m === 'POST' && sub === 'disable') { u.status = 'disabled'; op(me, 'user.disable', `user:${u.id}`, `停用用户 ${u.username}`); res.writeHead(204); return res.end() }
    if (m === 'POST' && sub === 'enable') { u.status = 'active'; res.writeHead(204); return res.end() }
    if (m === 'POST' && sub === 'unlock') { u.status = 'active'; res.writeHead(204); return res.end() }
    if (m === 'POST' && sub === 'reset-password') { u.password = b.new_password; u.must_change_password = true; res.writeHead(204); return res.end() }
    if (m === 'POST' && sub === 'roles') {
      if (!hasRole(me, 'sec_admin')) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied')
      const a = { id: nextId++, role: b.role, unit_id: Number(b.unit_id), scope: b.scope, custom_unit_ids: b.custom_unit_ids || [] }
      u.roles.push(a); op(me, 'role.assign', `user:${u.id}`, `为 ${u.username} 分配角色 ${a.role}`); return json(res, 201, roleView(a))
    }
    if (m === 'DELETE' && sub?.startsWith('roles/')) { u.roles = u.roles.filter((r) => String(r.id) !== sub.slice(6)); res.writeHead(204); return res.end() }
  }
  if (m === 'GET' && p === '/logs/operations') { if (!hasRole(me, 'audit_admin')) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied'); return json(res, 200, page(url.searchParams, [...opLog].reverse())) }
  if (m === 'GET' && p === '/logs/logins') { if (!hasRole(me, 'audit_admin')) return err(res, req, 403, 'PermissionDenied', '无权限', 'permission denied'); return json(res, 200, page(url.searchParams, [...loginLog].reverse())) }
  if (m === 'GET' && p === '/sessions') return json(res, 200, { items: [...sessions.values()].map((s) => { const u = users.get(s.user_id); return { id: s.id, user_id: u.id, username: u.username, display_name: u.display_name, created_at: s.created_at, last_seen_at: s.last_seen_at, ip: '127.0.0.1', user_agent: s.ua, current: s.id === sid } }) })
  if (m === 'DELETE' && (mm = /^\/sessions\/(\w+)$/.exec(p))) { sessions.delete(mm[1]); res.writeHead(204); return res.end() }
  return err(res, req, 404, 'NotFound', '接口不存在', 'no such endpoint')
})
server.listen(Number(port), host, () => console.log(`mock zhifa on http://${host}:${port}`))
