// Helpers for the officer register (/api/v1/officers): request bodies, unique numbers, the
// import sheet's columns.
import assert from 'node:assert/strict'
import { API } from './client.mjs'

export const O = `${API}/officers`
export const OFFICER_COLUMNS = ['执法证号', '姓名', '所属单位', '发证机关', '有效期起', '有效期至', '执法领域', '法律职业资格', '法律职业资格证书编号', '状态', '用户名']

let n = 0
/** A credential number no other test uses. */
export function newCertNo(prefix = 'T') {
  n += 1
  return `${prefix}-${Date.now().toString(36).slice(-5).toUpperCase()}-${String(n).padStart(4, '0')}`
}

/** A valid create body for unit `unitId`. */
export function officerBody(unitId, extra = {}) {
  return {
    unit_id: unitId,
    name: '王伟',
    cert_no: newCertNo(),
    issuing_authority: '济南市人民政府',
    valid_from: '2024-01-01',
    valid_to: '2030-12-31',
    domains: ['食品药品'],
    ...extra,
  }
}

/** Creates an officer with client `c` (expects 201) and returns it. */
export async function newOfficer(c, unitId, extra = {}) {
  const r = await c.post(O, officerBody(unitId, extra))
  assert.equal(r.status, 201, r.text)
  return r.json
}
