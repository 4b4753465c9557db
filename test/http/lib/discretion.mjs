// Fixtures of the discretion area (penalty lists, the engine): fresh units and lists for the
// access matrix and test/http/discretion.test.mjs.
import assert from 'node:assert/strict'
import { API } from './client.mjs'
import { uniqueName } from './fixtures.mjs'

export const D = `${API}/discretion`

// A matter of the embedded sample matters (data/discretion-demo.json): fine 2,000–10,000 元.
export const MATTER = 'DEMO-SCJG-002'

export const ENTRY = {
  matter_code: MATTER,
  condition: { all: [{ prior_violations: { within_days: 365, eq: 0 } }, { fact: 'harm', in: ['none', 'minor'] }, { fact: 'corrected_in_time', is: true }] },
  modality: 'may',
  law: '中华人民共和国行政处罚法',
  article: '第三十三条第一款',
  wording: '首次违法、危害后果轻微并及时改正的，可以不予行政处罚',
}

/** A new unit under `parentId` (as sys_admin). */
export async function freshUnit(sys, parentId) {
  const r = await sys.post(`${API}/units`, { parent_id: parentId, name: uniqueName('清单单位'), kind: 'unit' })
  assert.equal(r.status, 201, r.text)
  return r.json
}

/** A new list (with draft version 1) of `kind` in a fresh unit under `parentId`, by `editor`. */
export async function freshList(sys, editor, parentId, kind = 'no_penalty') {
  const u = await freshUnit(sys, parentId)
  const r = await editor.post(`${D}/lists`, { unit_id: u.id, kind_id: kind, title: '测试清单' })
  assert.equal(r.status, 201, r.text)
  return { ...r.json, unit: u }
}

/** Adds an entry to the list's draft (by `editor`); returns it. */
export async function addEntry(editor, list, body = ENTRY, versionId = list.draft_version_id) {
  const r = await editor.post(`${D}/lists/${list.id}/versions/${versionId}/entries`, body)
  assert.equal(r.status, 201, r.text)
  return r.json
}

/** Publishes a draft version (by `editor`). */
export async function publish(editor, list, effectiveFrom = '2024-01-01', versionId = list.draft_version_id) {
  const r = await editor.post(`${D}/lists/${list.id}/versions/${versionId}/publish`, { effective_from: effectiveFrom })
  assert.equal(r.status, 200, r.text)
  return r.json
}

export function put(client, path, body) {
  return client.request('PUT', path, { body })
}
