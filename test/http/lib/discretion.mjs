// Fixtures of the discretion area (penalty lists, the engine): catalogue matters, fresh units and
// lists for the access matrix and test/http/discretion.test.mjs.
import assert from 'node:assert/strict'
import { API } from './client.mjs'
import { uniqueName } from './fixtures.mjs'
import { matterBody, newCode } from './catalogue.mjs'

export const D = `${API}/discretion`

/** A list entry for matter `code` (首违不罚 wording). */
export const entryFor = (code) => ({
  matter_code: code,
  condition: { all: [{ prior_violations: { within_days: 365, eq: 0 } }, { fact: 'harm', in: ['none', 'minor'] }, { fact: 'corrected_in_time', is: true }] },
  modality: 'may',
  law: '中华人民共和国行政处罚法',
  article: '第三十三条第一款',
  wording: '首次违法、危害后果轻微并及时改正的，可以不予行政处罚',
})

/**
 * Creates a catalogue matter held by `unitId` (as a catalogue editor): warning or fine
 * 2,000–10,000 元, tiers 一般 (2,000–6,000) and 较重 (6,000–10,000, heavier, when repeat_offence).
 * Returns its code.
 */
export async function newDiscretionMatter(editor, unitId) {
  const code = newCode('DISC')
  const body = matterBody({
    code,
    holders: [unitId],
    range: '处警告或者二千元以上一万元以下的罚款',
    tiers: [
      { name: '一般', conditions_text: '首次', standard_text: '处二千元以上六千元以下罚款', source: '测试' },
      {
        name: '较重',
        band: 'heavier',
        conditions_text: '屡次违法',
        condition_json: JSON.stringify({ fact: 'repeat_offence', is: true }),
        standard_text: '处六千元以上一万元以下罚款',
        source: '测试裁量基准',
      },
    ],
  })
  const r = await editor.post(`${API}/catalogue/matters`, body)
  assert.equal(r.status, 201, r.text)
  return code
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
export async function addEntry(editor, list, body, versionId = list.draft_version_id) {
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
