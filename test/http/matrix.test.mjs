// The access matrix: every route of the route table × every role × inside/outside the caller's
// data scope. A missing permission is 403 PermissionDenied; a record outside the scope is 404
// NotFound (its existence must not leak); lists show nothing outside the scope. Then 三员分立.
//
// Fixture: unit A (a new department under 历下区) and unit B (a new department under 市中区).
// One user per role, assigned at A with scope dept_tree; `target` is a plain user in A (inside),
// `outsider` a plain user in B (outside). The seeded city-wide administrators do the set-up.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, BACKENDS } from './lib/server.mjs'
import { API, Client, assertError, flattenTree, signIn, newPassword } from './lib/client.mjs'
import { administrators, unitIndex, createUser, uniqueName } from './lib/fixtures.mjs'
import { newCode, newMatter, matterBody, nextDate, csv, MATTER_COLUMNS } from './lib/catalogue.mjs'
import { D, entryFor, freshUnit, freshList, addEntry, publish, put } from './lib/discretion.mjs'
import { O, OFFICER_COLUMNS, newCertNo, officerBody, newOfficer } from './lib/officers.mjs'
import { C, today, addDays } from './lib/cases.mjs'

/** Uploads a small PDF as evidence about unit `unitId`'s record target, attached to that unit. */
function uploadEvidence(c, unitId) {
  const q = new URLSearchParams({ target_kind: 'record', target: `unit:${unitId}`, unit_id: String(unitId), stage: 'initiation', captured_at: '2026-11-01T08:00:00Z' })
  return c.request('POST', `${API}/evidence?${q}`, { body: Buffer.from(`%PDF-1.7 ${Math.random()}`), contentType: 'application/octet-stream' })
}

const ROLES = ['officer', 'legal_reviewer', 'dept_head', 'supervisor', 'social_supervisor', 'sys_admin', 'sec_admin', 'audit_admin']

// What each role may do (docs/api.md role table; src/org/org_rules.cc Grants()).
const PERMS = {
  officer: ['units.read', 'evidence.write', 'evidence.read', 'officers.read', 'cases.read', 'cases.write'],
  legal_reviewer: ['units.read', 'lists.write', 'catalogue.write', 'evidence.write', 'evidence.read', 'officers.read', 'cases.read', 'cases.review'],
  social_supervisor: ['units.read'],
  dept_head: ['units.read', 'users.read', 'evidence.write', 'evidence.read', 'officers.read', 'officers.write', 'cases.read', 'cases.approve'],
  supervisor: ['units.read', 'users.read', 'lists.write', 'catalogue.write', 'time_limits.write', 'evidence.read', 'record.proofs', 'officers.read', 'officers.write', 'cases.read'],
  sys_admin: ['units.read', 'units.write', 'users.read', 'users.write', 'calendar.manage'],
  sec_admin: ['units.read', 'users.read', 'roles.assign', 'credentials', 'sessions.manage'],
  audit_admin: ['logs.read', 'record.proofs'],
}

/**
 * The route table (src/app/app.cc, src/auth/auth_routes.cc, src/org/org_routes.cc) with the
 * permission each needs. run(c, w, f) performs the call against w = 'in' | 'out' and returns
 * the response; ok is the status expected inside the scope when the permission is held.
 * `out: false` marks routes without a record to be outside of (lists, creation under self).
 */
const ROUTES = [
  { name: 'GET /units/tree', perm: 'units.read', ok: 200, out: false, run: (c) => c.get(`${API}/units/tree`) },
  { name: 'GET /units/{id}', perm: 'units.read', ok: 200, run: (c, w, f) => c.get(`${API}/units/${f.unit(w).id}`) },
  {
    name: 'POST /units',
    perm: 'units.write',
    ok: 201,
    run: (c, w, f) => c.post(`${API}/units`, { parent_id: f.unit(w).id, name: uniqueName('矩阵'), kind: 'unit' }),
  },
  {
    name: 'PATCH /units/{id}',
    perm: 'units.write',
    ok: 200,
    run: async (c, w, f) => {
      const u = (await f.sys.get(`${API}/units/${f.unit(w).id}`)).json
      return c.patch(`${API}/units/${u.id}`, { version: u.version, short_name: uniqueName('简') })
    },
  },
  { name: 'GET /users', perm: 'users.read', ok: 200, out: false, run: (c) => c.get(`${API}/users`) },
  { name: 'GET /users/{id}', perm: 'users.read', ok: 200, run: (c, w, f) => c.get(`${API}/users/${f.user(w).id}`) },
  {
    name: 'POST /users',
    perm: 'users.write',
    ok: 201,
    run: (c, w, f) =>
      c.post(`${API}/users`, { username: uniqueName('mx'), display_name: '矩阵用户', unit_id: f.unit(w).id, password: newPassword() }),
  },
  {
    name: 'PATCH /users/{id}',
    perm: 'users.write',
    ok: 200,
    run: async (c, w, f) => {
      const u = (await f.sys.get(`${API}/users/${f.user(w).id}`)).json
      return c.patch(`${API}/users/${u.id}`, { version: u.version, phone: '13800000000' })
    },
  },
  {
    name: 'POST /users/{id}/disable',
    perm: 'users.write',
    ok: 200,
    run: (c, w, f) => c.post(`${API}/users/${f.user(w).id}/disable`, {}),
    cleanup: (f, w) => f.sys.post(`${API}/users/${f.user(w).id}/enable`, {}),
  },
  { name: 'POST /users/{id}/enable', perm: 'users.write', ok: 200, run: (c, w, f) => c.post(`${API}/users/${f.user(w).id}/enable`, {}) },
  {
    name: 'POST /users/{id}/roles',
    perm: 'roles.assign',
    ok: 201,
    run: (c, w, f) => c.post(`${API}/users/${f.user(w).id}/roles`, { role: 'officer', unit_id: f.unit(w).id, scope: 'dept' }),
    cleanup: async (f, w, r) => {
      if (r.status === 201) await f.sec.del(`${API}/users/${f.user(w).id}/roles/${r.json.id}`)
    },
  },
  {
    name: 'DELETE /users/{id}/roles/{assignment_id}',
    perm: 'roles.assign',
    ok: 204,
    run: async (c, w, f) => {
      const g = await f.sec.post(`${API}/users/${f.user(w).id}/roles`, { role: 'legal_reviewer', unit_id: f.unit(w).id, scope: 'dept' })
      assert.equal(g.status, 201, g.text)
      f.pendingRevoke = { user: f.user(w).id, id: g.json.id }
      return c.del(`${API}/users/${f.user(w).id}/roles/${g.json.id}`)
    },
    cleanup: async (f) => {
      await f.sec.del(`${API}/users/${f.pendingRevoke.user}/roles/${f.pendingRevoke.id}`)
    },
  },
  { name: 'POST /users/{id}/reset-password', perm: 'credentials', ok: 204, run: (c, w, f) => c.post(`${API}/users/${f.user(w).id}/reset-password`, { new_password: newPassword() }) },
  { name: 'POST /users/{id}/unlock', perm: 'credentials', ok: 204, run: (c, w, f) => c.post(`${API}/users/${f.user(w).id}/unlock`, {}) },
  { name: 'GET /sessions', perm: 'sessions.manage', ok: 200, out: false, run: (c) => c.get(`${API}/sessions`) },
  {
    name: 'DELETE /sessions/{id}',
    perm: 'sessions.manage',
    ok: 204,
    run: async (c, w, f) => c.del(`${API}/sessions/${await f.sessionOf(w)}`),
  },
  { name: 'GET /logs/operations', perm: 'logs.read', ok: 200, out: false, run: (c) => c.get(`${API}/logs/operations`) },
  { name: 'GET /logs/logins', perm: 'logs.read', ok: 200, out: false, run: (c) => c.get(`${API}/logs/logins`) },
  // Working-day calendar and time limits (test/http/calendar.test.mjs covers the behaviour).
  {
    name: 'POST /calendar/years',
    perm: 'calendar.manage',
    ok: 201,
    out: false,
    run: (c) => c.post(`${API}/calendar/years`, { content: '{"year": 2030, "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": true}]}', replace: true }),
  },
  {
    name: 'PUT /time-limits/overrides',
    perm: 'time_limits.write',
    ok: 200,
    run: (c, w, f) =>
      c.request('PUT', `${API}/time-limits/overrides`, { body: { rule_id: 'penalty.decision', unit_id: f.unit(w).id, kind: 'period', amount: 120, reason: '矩阵', basis: '矩阵' } }),
  },
  {
    name: 'DELETE /time-limits/overrides/{id}',
    perm: 'time_limits.write',
    ok: 200,
    out: false, // outside the scope: test/http/calendar.test.mjs
    run: async (c, w, f) => {
      const g = await f.clients.supervisor.request('PUT', `${API}/time-limits/overrides`, {
        body: { rule_id: 'transfer.police_review', unit_id: f.unit(w).id, kind: 'day_type', day_type: 'working', reason: '矩阵', basis: '矩阵' },
      })
      assert.equal(g.status, 200, g.text)
      return c.del(`${API}/time-limits/overrides/${g.json.id}`)
    },
  },
  { name: 'GET /calendar/years', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/calendar/years`) },
  { name: 'GET /calendar/is-working-day', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/calendar/is-working-day?date=2025-10-01`) },
  { name: 'GET /calendar/add-working-days', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/calendar/add-working-days?date=2025-10-01&n=3`) },
  { name: 'GET /calendar/count-working-days', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/calendar/count-working-days?from=2025-10-01&to=2025-10-31`) },
  { name: 'GET /calendar/month', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/calendar/month?year=2025&month=10`) },
  { name: 'GET /time-limits', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/time-limits`) },
  { name: 'POST /time-limits/compute', perm: null, ok: 200, out: false, run: (c) => c.post(`${API}/time-limits/compute`, { rule_id: 'penalty.decision', start: '2025-07-04' }) },
  { name: 'POST /time-limits/surcharge', perm: null, ok: 200, out: false, run: (c) => c.post(`${API}/time-limits/surcharge`, { fine_fen: 1000, due_date: '2025-10-09', as_of: '2025-10-19' }) },
  { name: 'GET /time-limits/overrides', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/time-limits/overrides`) },
  // Record log (test/http/record.test.mjs covers the rest). 'record.proofs' = record::CanReadProofs
  // (audit_admin, supervisor). Timelines and the entry check are data-scoped: with no entry of
  // the target in any scope here they answer 404 to every role (the record suite covers 200).
  {
    name: 'GET /record/checkpoint',
    perm: null,
    ok: 200,
    out: false,
    run: async (c, w, f) => {
      await f.clients.audit_admin.post(`${API}/record/checkpoints`, {})
      return c.get(`${API}/record/checkpoint`)
    },
  },
  { name: 'GET /record/public-key', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/record/public-key`) },
  { name: 'GET /record/checkpoints', perm: 'record.proofs', ok: 200, out: false, run: (c) => c.get(`${API}/record/checkpoints`) },
  { name: 'POST /record/checkpoints', perm: 'record.proofs', ok: 200, out: false, run: (c) => c.post(`${API}/record/checkpoints`, {}) },
  { name: 'GET /record/leaves', perm: 'record.proofs', ok: 200, out: false, run: (c) => c.get(`${API}/record/leaves?start=1&end=2`) },
  { name: 'GET /record/proof/inclusion', perm: 'record.proofs', ok: 200, out: false, run: (c) => c.get(`${API}/record/proof/inclusion?index=0&size=2`) },
  { name: 'GET /record/proof/consistency', perm: 'record.proofs', ok: 200, out: false, run: (c) => c.get(`${API}/record/proof/consistency?old=1&new=2`) },
  { name: 'GET /record/verify/last', perm: 'record.proofs', ok: 200, out: false, run: (c) => c.get(`${API}/record/verify/last`) },
  { name: 'GET /record/targets/enterprise/{code}', perm: null, ok: 404, out: false, run: (c) => c.get(`${API}/record/targets/enterprise/91350100M000100Y43`) },
  { name: 'POST /record/targets/person', perm: null, ok: 404, out: false, run: (c) => c.post(`${API}/record/targets/person`, { id_number: '11010519491231002X' }) },
  { name: 'GET /record/entries/{seq}/verify', perm: null, ok: 404, out: false, run: (c) => c.get(`${API}/record/entries/999999999/verify`) },
  // Evidence (test/http/evidence.test.mjs covers the rest): f.evidence(w) is a file in unit A / B.
  { name: 'GET /evidence/meta', perm: 'evidence.read', ok: 200, out: false, run: (c) => c.get(`${API}/evidence/meta`) },
  { name: 'GET /evidence', perm: 'evidence.read', ok: 200, out: false, run: (c) => c.get(`${API}/evidence`) },
  { name: 'POST /evidence', perm: 'evidence.write', ok: 201, run: (c, w, f) => uploadEvidence(c, f.unit(w).id) },
  { name: 'GET /evidence/{id}', perm: 'evidence.read', ok: 200, run: (c, w, f) => c.get(`${API}/evidence/${f.evidence(w).id}`) },
  { name: 'GET /evidence/{id}/content', perm: 'evidence.read', ok: 200, run: (c, w, f) => c.get(`${API}/evidence/${f.evidence(w).id}/content`) },
  { name: 'GET /evidence/{id}/integrity', perm: 'evidence.read', ok: 200, run: (c, w, f) => c.get(`${API}/evidence/${f.evidence(w).id}/integrity`) },
  // Routes every signed-in user may call (no permission).
  { name: 'GET /roles', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/roles`) },
  { name: 'GET /auth/me', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/auth/me`) },
  // Discretion (issue 3): everyone signed in reads lists and runs the engine; changing a list needs
  // lists.write and the list's unit in scope. Adding a list kind and per-matter options are
  // city-wide configuration: a dept_tree holder of the permission is refused (403).
  { name: 'GET /discretion/facts', perm: null, ok: 200, out: false, run: (c) => c.get(`${D}/facts`) },
  { name: 'GET /discretion/list-kinds', perm: null, ok: 200, out: false, run: (c) => c.get(`${D}/list-kinds`) },
  {
    name: 'POST /discretion/list-kinds',
    perm: 'lists.write',
    ok: 403,
    out: false,
    run: (c) => c.post(`${D}/list-kinds`, { id: `k${uniqueName('')}`.toLowerCase(), name_zh: '免予行政强制清单', name_en: 'No-compulsion list', effect: 'exempt_compulsion' }),
  },
  { name: 'GET /discretion/lists', perm: null, ok: 200, out: false, run: (c) => c.get(`${D}/lists`) },
  {
    name: 'POST /discretion/lists',
    perm: 'lists.write',
    ok: 201,
    run: async (c, w, f) => c.post(`${D}/lists`, { unit_id: (await freshUnit(f.sys, f.unit(w).id)).id, kind_id: 'heavier', title: '从重处罚清单' }),
  },
  { name: 'GET /discretion/lists/{id}', perm: null, ok: 200, out: false, run: (c, w, f) => c.get(`${D}/lists/${f.listB.id}`) },
  {
    name: 'POST /discretion/lists/{id}/drafts',
    perm: 'lists.write',
    ok: 201,
    run: async (c, w, f) => {
      const l = await freshList(f.sys, f.listsCity, f.unit(w).id)
      await publish(f.listsCity, l)
      return c.post(`${D}/lists/${l.id}/drafts`, {})
    },
  },
  {
    name: 'GET /discretion/lists/{id}/versions/{version_id}',
    perm: null,
    ok: 200,
    out: false,
    run: (c, w, f) => c.get(`${D}/lists/${f.listB.id}/versions/${f.listB.draft_version_id}`),
  },
  {
    name: 'POST /discretion/lists/{id}/versions/{version_id}/entries',
    perm: 'lists.write',
    ok: 201,
    run: async (c, w, f) => {
      const l = await freshList(f.sys, f.listsCity, f.unit(w).id)
      return c.post(`${D}/lists/${l.id}/versions/${l.draft_version_id}/entries`, entryFor((await f.matter('in')).code))
    },
  },
  {
    name: 'POST /discretion/lists/{id}/versions/{version_id}/publish',
    perm: 'lists.write',
    ok: 200,
    run: async (c, w, f) => {
      const l = await freshList(f.sys, f.listsCity, f.unit(w).id)
      return c.post(`${D}/lists/${l.id}/versions/${l.draft_version_id}/publish`, { effective_from: '2024-01-01' })
    },
  },
  {
    name: 'PUT /discretion/lists/{id}/entries/{entry_id}',
    perm: 'lists.write',
    ok: 200,
    run: async (c, w, f) => {
      const l = await freshList(f.sys, f.listsCity, f.unit(w).id)
      const code = (await f.matter('in')).code
      const e = await addEntry(f.listsCity, l, entryFor(code))
      return put(c, `${D}/lists/${l.id}/entries/${e.id}`, { ...entryFor(code), wording: '矩阵修改' })
    },
  },
  {
    name: 'DELETE /discretion/lists/{id}/entries/{entry_id}',
    perm: 'lists.write',
    ok: 204,
    run: async (c, w, f) => {
      const l = await freshList(f.sys, f.listsCity, f.unit(w).id)
      const e = await addEntry(f.listsCity, l, entryFor((await f.matter('in')).code))
      return c.del(`${D}/lists/${l.id}/entries/${e.id}`)
    },
  },
  { name: 'GET /discretion/matter-options/{code}', perm: null, ok: 200, out: false, run: async (c, w, f) => c.get(`${D}/matter-options/${(await f.matter('in')).code}`) },
  {
    name: 'PUT /discretion/matter-options/{code}',
    perm: 'catalogue.write',
    ok: 403,
    out: false,
    run: async (c, w, f) => put(c, `${D}/matter-options/${(await f.matter('in')).code}`, { punish_without_fault: false }),
  },
  {
    name: 'POST /discretion/evaluate',
    perm: null,
    ok: 200,
    out: false,
    run: async (c, w, f) => c.post(`${D}/evaluate`, { matter_code: (await f.matter('in')).code, facts: { act_date: '2025-01-01' } }),
  },
  {
    name: 'POST /discretion/check',
    perm: null,
    ok: 200,
    out: false,
    run: async (c, w, f) => c.post(`${D}/check`, { matter_code: (await f.matter('in')).code, facts: { act_date: '2025-01-01' }, proposal: { kinds: ['fine'], fine: 300000 } }),
  },
  // Cases (issue 5): cases.read / cases.write (officer) / cases.approve (负责人) / cases.review
  // (法制审核); the steps route needs cases.read at the router and then the step's own permission
  // (non_coercive: cases.write). f.case(w) is a lead in unit A / B (test/http/cases.test.mjs
  // covers the procedure).
  { name: 'GET /cases/meta', perm: 'cases.read', ok: 200, out: false, run: (c) => c.get(`${C}/meta`) },
  { name: 'GET /cases', perm: 'cases.read', ok: 200, out: false, run: (c) => c.get(`${C}?page_size=5`) },
  { name: 'POST /cases', perm: 'cases.write', ok: 201, run: async (c, w, f) => c.post(C, await f.leadBody(w)) },
  {
    name: 'POST /cases/simplified',
    perm: 'cases.write',
    ok: 201,
    run: async (c, w, f) => {
      const lead = await f.leadBody(w)
      return c.post(`${C}/simplified`, {
        unit_id: lead.unit_id,
        matter_code: lead.matter_code,
        title: '当场警告',
        place: '泉城路',
        party: lead.party,
        act_date: today(),
        penalty: { kinds: ['warning'] },
        basis: '矩阵',
        officer_ids: lead.officer_ids,
        credentials_shown: true,
      })
    },
  },
  { name: 'GET /cases/{id}', perm: 'cases.read', ok: 200, run: async (c, w, f) => c.get(`${C}/${(await f.case(w)).id}`) },
  { name: 'GET /cases/{id}/timeline', perm: 'cases.read', ok: 200, run: async (c, w, f) => c.get(`${C}/${(await f.case(w)).id}/timeline`) },
  { name: 'GET /cases/{id}/review-report', perm: 'cases.read', ok: 200, run: async (c, w, f) => c.get(`${C}/${(await f.case(w)).id}/review-report`) },
  {
    name: 'POST /cases/{id}/steps/{step}',
    perm: 'cases.write',
    ok: 200,
    run: async (c, w, f) => {
      const k = await f.case(w)
      const cur = await f.caseReader(w).get(`${C}/${k.id}`)
      return c.post(`${C}/${k.id}/steps/non_coercive`, { version: cur.json.version, date: today(), means: 'warning', note: '警示告诫' })
    },
  },
  { name: 'GET /reviews', perm: 'cases.review', ok: 200, out: false, run: (c) => c.get(`${API}/reviews`) },
  { name: 'GET /catalogue/meta', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/catalogue/meta`) },
  { name: 'GET /catalogue/matters', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/catalogue/matters`) },
  { name: 'GET /catalogue/matters/{code}', perm: null, ok: 200, out: false, run: async (c, w, f) => c.get(`${API}/catalogue/matters/${(await f.matter(w)).code}`) },
  { name: 'GET /catalogue/export', perm: null, ok: 200, out: false, run: (c) => c.get(`${API}/catalogue/export?format=csv`) },
  {
    name: 'POST /catalogue/matters',
    perm: 'catalogue.write',
    ok: 201,
    run: (c, w, f) => c.post(`${API}/catalogue/matters`, matterBody({ code: newCode('MX'), holders: [f.unit(w).id] })),
  },
  {
    name: 'POST /catalogue/matters/{code}/versions',
    perm: 'catalogue.write',
    ok: 201,
    run: async (c, w, f) => {
      const m = (await f.catEditor.get(`${API}/catalogue/matters/${(await f.matter(w)).code}`)).json
      return c.post(`${API}/catalogue/matters/${m.code}/versions`, { ...matterBody({ from: nextDate() }), version: m.version })
    },
  },
  {
    name: 'POST /catalogue/matters/{code}/transfers',
    perm: 'catalogue.write',
    ok: 200,
    run: async (c, w, f) => {
      const m = await newMatter(f.catEditor, f.unit(w).id)
      return c.post(`${API}/catalogue/matters/${m.code}/transfers`, { from_unit_id: f.unit(w).id, to_unit_id: f.subA.id, effective_from: '2025-01-01', version: m.version })
    },
  },
  {
    name: 'POST /catalogue/matters/{code}/holders',
    perm: 'catalogue.write',
    ok: 200,
    run: async (c, w, f) => {
      const m = await newMatter(f.catEditor, f.unit(w).id)
      return c.post(`${API}/catalogue/matters/${m.code}/holders`, { unit_id: f.subA.id, effective_from: '2025-01-01', version: m.version })
    },
  },
  {
    name: 'POST /catalogue/import',
    perm: 'catalogue.write',
    ok: 200,
    out: false, // an import names its units; outside ones are problems of the file (400), tested in catalogue.test.mjs
    run: (c) =>
      c.post(`${API}/catalogue/import?effective_from=2024-01-01`, csv([MATTER_COLUMNS, [newCode('MXI'), '矩阵导入事项', '检查', '一中队', '其他', '', '', '', '否', '', '否']]), { contentType: 'text/csv' }),
  },
  // Officer register (issue 5): the case roles read within scope; department heads and
  // supervisors write. f.officer(w) is an officer in unit A / B; f.freshOfficer(w) a new one.
  { name: 'GET /officers', perm: 'officers.read', ok: 200, out: false, run: (c) => c.get(O) },
  { name: 'GET /officers/reviewer-ratio', perm: 'officers.read', ok: 200, out: false, run: (c) => c.get(`${O}/reviewer-ratio`) },
  { name: 'GET /officers/export', perm: 'officers.read', ok: 200, out: false, run: (c) => c.get(`${O}/export?format=csv`) },
  { name: 'GET /officers/{id}', perm: 'officers.read', ok: 200, run: (c, w, f) => c.get(`${O}/${f.officer(w).id}`) },
  { name: 'POST /officers', perm: 'officers.write', ok: 201, run: (c, w, f) => c.post(O, officerBody(f.unit(w).id)) },
  {
    name: 'PATCH /officers/{id}',
    perm: 'officers.write',
    ok: 200,
    run: async (c, w, f) => {
      const o = await f.freshOfficer(w)
      return c.patch(`${O}/${o.id}`, { version: o.version, name: '矩阵改名' })
    },
  },
  {
    name: 'POST /officers/{id}/status',
    perm: 'officers.write',
    ok: 200,
    run: async (c, w, f) => {
      const o = await f.freshOfficer(w)
      return c.post(`${O}/${o.id}/status`, { status: 'suspended', reason: '矩阵', version: o.version })
    },
  },
  {
    name: 'POST /officers/{id}/credential',
    perm: 'officers.write',
    ok: 200,
    run: async (c, w, f) => {
      const o = await f.freshOfficer(w)
      return c.post(`${O}/${o.id}/credential`, { version: o.version, valid_from: '2025-01-01', valid_to: '2031-12-31' })
    },
  },
  {
    name: 'POST /officers/import',
    perm: 'officers.write',
    ok: 200,
    out: false, // units are named in the file; an outside one is a problem of the file (officers.test.mjs)
    run: (c, w, f) =>
      c.post(`${O}/import`, csv([OFFICER_COLUMNS, [newCertNo('MX'), '矩阵导入', f.unitA.name, '济南市人民政府', '2024-01-01', '2030-12-31', '城市管理', '否', '', '', '']]), { contentType: 'text/csv' }),
  },
]

for (const backend of BACKENDS) {
  describe(`access matrix [${backend}]`, () => {
    let srv
    const f = {} // fixture
    before(async () => {
      srv = await startServer({ backend })
      const admins = await administrators(srv.base)
      Object.assign(f, admins)
      const units = await unitIndex(f.sys)
      const mk = async (parent, name) => {
        const r = await f.sys.post(`${API}/units`, { parent_id: units.byName(parent).id, name, kind: 'department' })
        assert.equal(r.status, 201, r.text)
        return r.json
      }
      f.unitA = await mk('历下区', '矩阵测试执法局')
      f.unitB = await mk('市中区', '矩阵测试执法局')
      const sub = await f.sys.post(`${API}/units`, { parent_id: f.unitA.id, name: '一中队', kind: 'unit' })
      assert.equal(sub.status, 201, sub.text)
      f.subA = sub.json
      f.cityUnits = units
      f.unit = (w) => (w === 'in' ? f.unitA : f.unitB)
      f.target = await createUser(f, { username: 'mx_target', unitId: f.subA.id })
      f.outsider = await createUser(f, { username: 'mx_outsider', unitId: f.unitB.id, role: 'officer', scope: 'dept' })
      f.user = (w) => (w === 'in' ? f.target : f.outsider)
      // A city-wide catalogue editor (in B, so scoped lists in A do not show it) and one matter
      // held by A and one by B, made on first use.
      f.catEditor = await signIn(srv.base, await createUser(f, { username: 'mx_cateditor', unitId: f.unitB.id, role: 'supervisor', scope: 'city' }))
      const matters = {}
      f.matter = async (w) => (matters[w] ??= await newMatter(f.catEditor, f.unit(w).id))
      const officers = { in: await newOfficer(f.catEditor, f.subA.id), out: await newOfficer(f.catEditor, f.unitB.id) }
      f.officer = (w) => officers[w]
      f.freshOfficer = (w) => newOfficer(f.catEditor, f.unit(w).id)
      f.users = {}
      f.clients = {}
      for (const role of ROLES) {
        const acc = await createUser(f, { username: `mx_${role}`, unitId: f.unitA.id, role, scope: 'dept_tree' })
        f.users[role] = acc
        f.clients[role] = await signIn(srv.base, acc)
      }
      f.outsiderClient = await signIn(srv.base, f.outsider)
      // Discretion: the city-wide editor (司法局 supervisor) sets up lists inside and outside.
      f.listsCity = f.catEditor
      f.listB = await freshList(f.sys, f.listsCity, f.unitB.id)
      f.targetAccount = f.target
      const evIn = await uploadEvidence(f.clients.officer, f.unitA.id)
      const evOut = await uploadEvidence(f.outsiderClient, f.unitB.id)
      assert.equal(evIn.status, 201, evIn.text)
      assert.equal(evOut.status, 201, evOut.text)
      f.evidence = (w) => (w === 'in' ? evIn.json : evOut.json)
      // Cases: two registered officers per unit, a matter held by each (warning or fine, so a
      // warning on the spot fits the simplified procedure), a lead in each unit.
      const officersOf = {}
      for (const w of ['in', 'out']) {
        officersOf[w] = [await newOfficer(f.catEditor, f.unit(w).id), await newOfficer(f.catEditor, f.unit(w).id)].map((o) => o.id)
      }
      const caseMatters = {}
      f.caseMatter = async (w) =>
        (caseMatters[w] ??= (
          await f.catEditor.post(`${API}/catalogue/matters`, matterBody({ code: newCode('MXC'), holders: [f.unit(w).id], range: '处警告或者二百元以下的罚款', tiers: [{ name: '一般', conditions_text: '一般', standard_text: '处警告或者二百元以下罚款', source: '矩阵' }] }))
        ).json.code)
      f.leadBody = async (w) => ({
        unit_id: f.unit(w).id,
        matter_code: await f.caseMatter(w),
        source: 'inspection',
        title: '矩阵案件',
        party: { kind: 'person', name: '矩阵当事人', id_number: '370102198506121239' }, // not PERSON_ID: /record/targets/person expects none
        act_date: addDays(today(), -10),
        discovered_date: addDays(today(), -5),
        officer_ids: officersOf[w],
      })
      f.caseReader = (w) => (w === 'in' ? f.clients.officer : f.outsiderClient)
      const cases = {}
      f.case = async (w) => {
        if (!cases[w]) {
          const r = await f.caseReader(w).post(C, await f.leadBody(w))
          assert.equal(r.status, 201, r.text)
          cases[w] = r.json
        }
        return cases[w]
      }
      // A fresh session of the inside/outside user, for forced-logout cases.
      f.sessionOf = async (w) => {
        const acc = w === 'in' ? f.target : f.outsider
        const pw = newPassword()
        const rp = await f.sec.post(`${API}/users/${acc.id}/reset-password`, { new_password: pw })
        assert.equal(rp.status, 204, rp.text)
        acc.password = pw
        const c = new Client(srv.base)
        const r = await c.login(acc.username, pw)
        assert.equal(r.status, 200, r.text)
        const list = await f.sec.get(`${API}/sessions`)
        const mine = list.json.items.filter((s) => s.user_id === acc.id)
        assert.ok(mine.length > 0)
        return mine.sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0].id
      }
    })
    after(async () => {
      if (srv) {
        const r = await srv.stop()
        assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-2000)}`)
      }
    })

    for (const role of ROLES) {
      describe(`role ${role} (dept_tree at unit A)`, () => {
        for (const route of ROUTES) {
          const allowed = route.perm === null || PERMS[role].includes(route.perm)
          if (!allowed) {
            test(`${route.name} → 403 PermissionDenied`, async () => {
              const r = await route.run(f.clients[role], 'in', f)
              assertError(r, 403, 'PermissionDenied')
            })
            continue
          }
          test(`${route.name} inside scope → ${route.ok}`, async () => {
            const r = await route.run(f.clients[role], 'in', f)
            try {
              assert.equal(r.status, route.ok, `${role} ${route.name}: ${r.text}`)
            } finally {
              if (route.cleanup) await route.cleanup(f, 'in', r)
            }
          })
          if (route.out !== false) {
            test(`${route.name} outside scope → 404 NotFound (not 403)`, async () => {
              const r = await route.run(f.clients[role], 'out', f)
              try {
                assertError(r, 404, 'NotFound')
              } finally {
                if (route.cleanup && r.status < 300) await route.cleanup(f, 'out', r)
              }
            })
          }
        }
      })
    }

    describe('lists show nothing outside the scope', () => {
      before(() => refreshParents(f))

      test('GET /units/tree: the scoped user sees unit A as the root, and nothing else', async () => {
        for (const role of ROLES.filter((r) => PERMS[r].includes('units.read'))) {
          const r = await f.clients[role].get(`${API}/units/tree`)
          assert.equal(r.status, 200)
          assert.deepEqual(r.json.map((u) => u.id), [f.unitA.id], `${role} roots`)
          const all = flattenTree(r.json)
          assert.ok(all.some((u) => u.id === f.subA.id), `${role} sees the sub-unit`)
          for (const u of all) assert.ok(isUnder(u.id, f.unitA.id, f), `${role} sees ${u.name} (${u.id})`)
          assert.ok(!all.some((u) => u.id === f.unitB.id))
        }
        const city = flattenTree((await f.sys.get(`${API}/units/tree`)).json)
        assert.ok(city.some((u) => u.id === f.unitB.id), 'the city-wide sys_admin sees B')
      })

      test('GET /units/{id} of the parent district → 404 for the scoped user', async () => {
        const lixia = f.cityUnits.byName('历下区')
        assertError(await f.clients.officer.get(`${API}/units/${lixia.id}`), 404, 'NotFound')
        assertError(await f.clients.sys_admin.get(`${API}/units/${lixia.id}`), 404, 'NotFound')
      })

      test('GET /users: only users in A (all pages, with filters)', async () => {
        for (const role of ROLES.filter((r) => PERMS[r].includes('users.read'))) {
          const r = await f.clients[role].get(`${API}/users?page_size=200`)
          assert.equal(r.status, 200, r.text)
          assert.equal(r.json.total, r.json.items.length)
          const ids = r.json.items.map((u) => u.id)
          assert.ok(ids.includes(f.target.id), `${role} sees the inside user`)
          assert.ok(!ids.includes(f.outsider.id), `${role} must not see the outsider`)
          assert.ok(!r.json.items.some((u) => u.username === 'admin'), `${role} must not see the city admin`)
          for (const u of r.json.items) assert.ok(isUnder(u.unit_id, f.unitA.id, f), `${role} sees ${u.username}`)
          const q = await f.clients[role].get(`${API}/users?q=mx_outsider`)
          assert.equal(q.json.total, 0, `${role} search for the outsider`)
          const byUnit = await f.clients[role].get(`${API}/users?unit_id=${f.unitB.id}`)
          assert.ok([200, 404].includes(byUnit.status), byUnit.text)
          if (byUnit.status === 200) assert.equal(byUnit.json.total, 0, `${role} unit_id=B`)
        }
      })

      test('GET /officers and the export: only officers in A', async () => {
        for (const role of ROLES.filter((r) => PERMS[r].includes('officers.read'))) {
          const r = await f.clients[role].get(`${O}?page_size=200`)
          assert.equal(r.status, 200, r.text)
          assert.equal(r.json.total, r.json.items.length)
          const ids = r.json.items.map((o) => o.id)
          assert.ok(ids.includes(f.officer('in').id), `${role} sees the inside officer`)
          assert.ok(!ids.includes(f.officer('out').id), `${role} must not see the outside officer`)
          for (const o of r.json.items) assert.ok(isUnder(o.unit_id, f.unitA.id, f), `${role} sees officer ${o.id}`)
          const byUnit = await f.clients[role].get(`${O}?unit_id=${f.unitB.id}`)
          assert.equal(byUnit.json.total, 0, `${role} unit_id=B`)
          const file = await f.clients[role].get(`${O}/export?format=csv`)
          assert.equal(file.status, 200)
          assert.ok(file.text.includes(f.officer('in').cert_no) && !file.text.includes(f.officer('out').cert_no), `${role} export`)
          const ratio = await f.clients[role].get(`${O}/reviewer-ratio`)
          assert.ok(ratio.json.items.every((i) => isUnder(i.unit_id, f.unitA.id, f)), `${role} ratio`)
        }
      })

      test('GET /sessions: only sessions of users in A', async () => {
        const mine = await f.clients.sec_admin.get(`${API}/sessions`)
        assert.equal(mine.status, 200)
        assert.ok(mine.json.items.length > 0)
        assert.ok(!mine.json.items.some((s) => s.user_id === f.outsider.id || ['admin', 'secadmin', 'auditadmin'].includes(s.username)), JSON.stringify(mine.json.items.map((s) => s.username)))
        const city = await f.sec.get(`${API}/sessions`)
        assert.ok(city.json.items.some((s) => s.user_id === f.outsider.id), 'the city secadmin sees the outsider session')
        const known = new Map(Object.values(f.users).concat([f.target]).map((a) => [a.id, a]))
        for (const s of mine.json.items) assert.ok(known.has(s.user_id), `unexpected session of ${s.username}`)
      })

      test('GET /logs/operations and /logs/logins: only what happened in A', async () => {
        const ops = await f.clients.audit_admin.get(`${API}/logs/operations?page_size=200`)
        assert.equal(ops.status, 200)
        assert.ok(ops.json.items.length > 0, 'the scoped auditor sees something')
        for (const e of ops.json.items) {
          assert.ok(e.unit_id !== null && isUnder(e.unit_id, f.unitA.id, f), `entry ${e.seq} ${e.kind} unit ${e.unit_id}`)
        }
        const cityOps = await f.audit.get(`${API}/logs/operations?page_size=200`)
        assert.ok(cityOps.json.items.some((e) => e.unit_id === f.unitB.id), 'the city auditor sees B entries')
        const logins = await f.clients.audit_admin.get(`${API}/logs/logins?page_size=200`)
        assert.equal(logins.status, 200)
        const names = new Set(logins.json.items.map((e) => e.username))
        assert.ok(names.has('mx_officer'))
        for (const n of ['mx_outsider', 'admin', 'secadmin', 'auditadmin']) assert.ok(!names.has(n), `login log shows ${n}`)
      })
    })

    describe('scope edges', () => {
      test('the scoped sys_admin cannot move a user out of its scope (PATCH unit_id → B)', async () => {
        const c = f.clients.sys_admin
        const u = (await c.get(`${API}/users/${f.target.id}`)).json
        const r = await c.patch(`${API}/users/${u.id}`, { version: u.version, unit_id: f.unitB.id })
        assertError(r, 404, 'NotFound', 'unit_id')
        assert.equal((await f.sys.get(`${API}/users/${u.id}`)).json.unit_id, f.target.unitId)
      })
      test('the scoped sys_admin cannot create a unit or a user outside its scope (404, field named)', async () => {
        const c = f.clients.sys_admin
        assertError(await c.post(`${API}/units`, { parent_id: f.cityUnits.byName('历下区').id, name: uniqueName('x'), kind: 'department' }), 404, 'NotFound', 'parent_id')
        assertError(await c.post(`${API}/users`, { username: uniqueName('x'), display_name: 'x', unit_id: f.unitB.id, password: newPassword() }), 404, 'NotFound', 'unit_id')
      })
      test('the scoped sys_admin cannot disable the city administrators (404: outside)', async () => {
        const adminId = (await f.sys.me()).json.user.id
        assertError(await f.clients.sys_admin.post(`${API}/users/${adminId}/disable`, {}), 404, 'NotFound')
      })
      test('an administrator cannot disable its own account', async () => {
        const me = (await f.sys.me()).json.user
        assertError(await f.sys.post(`${API}/users/${me.id}/disable`, {}), 400, 'InvalidArgument', 'id')
      })
      test('the answer for "outside my scope" equals the answer for "does not exist"', async () => {
        const c = f.clients.dept_head
        const outside = await c.get(`${API}/users/${f.outsider.id}`)
        const missing = await c.get(`${API}/users/99999999`)
        assert.equal(outside.status, missing.status)
        assert.deepEqual(outside.error, missing.error)
        const ou = await c.get(`${API}/units/${f.unitB.id}`)
        const mu = await c.get(`${API}/units/99999999`)
        assert.equal(ou.status, mu.status)
        assert.deepEqual(ou.error, mu.error)
      })
      test('the matrix covers every operation of /api/v1/openapi.json, and openapi.json lists every route', async () => {
        const r = await new Client(srv.base).get(`${API}/openapi.json`)
        assert.equal(r.status, 200)
        const documented = new Set()
        for (const [p, ops] of Object.entries(r.json.paths || {})) {
          for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p}`)
        }
        // routes outside the matrix: open ones and the caller's own /auth/* (tested in auth.test.mjs)
        const elsewhere = ['GET /healthz', 'GET /readyz', 'GET /metrics', `GET ${API}/openapi.json`, `POST ${API}/auth/login`, `POST ${API}/auth/logout`, `POST ${API}/auth/password`, `POST ${API}/auth/totp/setup`, `POST ${API}/auth/totp/enable`, `POST ${API}/auth/totp/disable`]
        const covered = new Set([...ROUTES.map((x) => x.name.replace(' /', ` ${API}/`)), ...elsewhere])
        assert.deepEqual([...documented].filter((x) => !covered.has(x)), [], 'documented but not in the matrix')
        assert.deepEqual([...covered].filter((x) => !documented.has(x)), [], 'in the route table but not documented')
      })
    })

    describe('三员分立 (separation of the three administrator duties)', () => {
      test('sys_admin cannot grant roles, reset passwords, manage sessions or read logs', async () => {
        const t = f.target.id
        assertError(await f.sys.post(`${API}/users/${t}/roles`, { role: 'officer', unit_id: f.unitA.id, scope: 'dept' }), 403, 'PermissionDenied')
        assertError(await f.sys.post(`${API}/users/${t}/reset-password`, { new_password: newPassword() }), 403, 'PermissionDenied')
        assertError(await f.sys.get(`${API}/sessions`), 403, 'PermissionDenied')
        assertError(await f.sys.get(`${API}/logs/operations`), 403, 'PermissionDenied')
        assertError(await f.sys.get(`${API}/logs/logins`), 403, 'PermissionDenied')
      })
      test('sec_admin cannot create units or users, or read logs', async () => {
        assertError(await f.sec.post(`${API}/units`, { parent_id: f.unitA.id, name: uniqueName('x'), kind: 'unit' }), 403, 'PermissionDenied')
        assertError(await f.sec.post(`${API}/users`, { username: uniqueName('x'), display_name: 'x', unit_id: f.unitA.id, password: newPassword() }), 403, 'PermissionDenied')
        assertError(await f.sec.patch(`${API}/users/${f.target.id}`, { version: 1, phone: '1' }), 403, 'PermissionDenied')
        assertError(await f.sec.post(`${API}/users/${f.target.id}/disable`, {}), 403, 'PermissionDenied')
        assertError(await f.sec.get(`${API}/logs/operations`), 403, 'PermissionDenied')
      })
      test('audit_admin cannot change anything', async () => {
        const a = f.audit
        const t = f.target.id
        for (const r of [
          await a.post(`${API}/units`, { parent_id: f.unitA.id, name: uniqueName('x'), kind: 'unit' }),
          await a.patch(`${API}/units/${f.unitA.id}`, { version: 1, name: 'x' }),
          await a.post(`${API}/users`, { username: uniqueName('x'), display_name: 'x', unit_id: f.unitA.id, password: newPassword() }),
          await a.patch(`${API}/users/${t}`, { version: 1, phone: '1' }),
          await a.post(`${API}/users/${t}/disable`, {}),
          await a.post(`${API}/users/${t}/roles`, { role: 'officer', unit_id: f.unitA.id, scope: 'dept' }),
          await a.post(`${API}/users/${t}/reset-password`, { new_password: newPassword() }),
          await a.post(`${API}/users/${t}/unlock`, {}),
          await a.del(`${API}/sessions/whatever`),
          await a.get(`${API}/units/tree`),
          await a.get(`${API}/users`),
        ]) {
          assertError(r, 403, 'PermissionDenied')
        }
      })
      test('sec_admin cannot grant or revoke its own roles', async () => {
        const me = (await f.sec.me()).json.user
        assertError(await f.sec.post(`${API}/users/${me.id}/roles`, { role: 'officer', unit_id: me.unit_id, scope: 'city' }), 403, 'PermissionDenied')
        assertError(await f.sec.del(`${API}/users/${me.id}/roles/${me.roles[0].id}`), 403, 'PermissionDenied')
        const after = (await f.sec.me()).json.user
        assert.deepEqual(after.roles, me.roles)
      })
      test('a user cannot hold two administrator roles (400, field role)', async () => {
        const sysUser = f.users.sys_admin
        for (const role of ['sec_admin', 'audit_admin']) {
          assertError(await f.sec.post(`${API}/users/${sysUser.id}/roles`, { role, unit_id: f.unitA.id, scope: 'dept_tree' }), 400, 'InvalidArgument', 'role')
        }
        const adminId = (await f.sys.me()).json.user.id
        assertError(await f.sec.post(`${API}/users/${adminId}/roles`, { role: 'audit_admin', unit_id: f.unitA.id, scope: 'city' }), 400, 'InvalidArgument', 'role')
        // the same administrator role again on another unit is fine for the rule (not a second duty)
        const u = await f.sec.get(`${API}/users/${sysUser.id}`)
        assert.equal(u.json.roles.length, 1)
      })
      test('the scoped sec_admin cannot grant roles to a user or at a unit outside its scope', async () => {
        const sec = f.clients.sec_admin
        assertError(await sec.post(`${API}/users/${f.outsider.id}/roles`, { role: 'officer', unit_id: f.unitA.id, scope: 'dept' }), 404, 'NotFound')
        assertError(await sec.post(`${API}/users/${f.target.id}/roles`, { role: 'officer', unit_id: f.unitB.id, scope: 'dept' }), 404, 'NotFound', 'unit_id')
        assertError(
          await sec.post(`${API}/users/${f.target.id}/roles`, { role: 'officer', unit_id: f.unitA.id, scope: 'custom', custom_unit_ids: [f.unitB.id] }),
          404,
          'NotFound',
          'custom_unit_ids',
        )
        assertError(await sec.del(`${API}/users/${f.outsider.id}/roles/${f.outsider.assignmentId}`), 404, 'NotFound')
      })
      test('the scoped sec_admin cannot grant a scope wider than its own (city / district)', async () => {
        const sec = f.clients.sec_admin
        for (const scope of ['city', 'district']) {
          const r = await sec.post(`${API}/users/${f.target.id}/roles`, { role: 'officer', unit_id: f.unitA.id, scope })
          if (r.status === 201) await f.sec.del(`${API}/users/${f.target.id}/roles/${r.json.id}`)
          assert.ok([400, 403].includes(r.status), `scoped sec_admin granting scope ${scope}: ${r.status} ${r.text}`)
          assert.equal(r.error?.field, 'scope')
        }
      })
    })
  })
}

// ---- helpers ---------------------------------------------------------------------------------

/** Reloads the parent map from the city-wide tree (units are created while the matrix runs). */
async function refreshParents(f) {
  const all = flattenTree((await f.sys.get(`${API}/units/tree`)).json)
  f.parentOf = new Map(all.map((u) => [u.id, u.parent_id]))
}

/** Whether unit `id` is `root` or below it. */
function isUnder(id, root, f) {
  let cur = id
  for (let i = 0; i < 30 && cur != null; i++) {
    if (cur === root) return true
    cur = f.parentOf.get(cur)
  }
  return false
}
