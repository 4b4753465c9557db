// The discretion facts of a case (/discretion/facts registry) between the form and the API:
// booleans are chosen as "yes"/"no" (unset = unknown), money is entered in 元 and sent in fen.
import { discretionApi, type FactInfo } from '../../api/discretion'

let infos: Promise<FactInfo[]> | null = null
/** The facts registry, fetched once per page load. */
export function loadFactInfos(): Promise<FactInfo[]> {
  if (!infos) {
    infos = discretionApi.facts().then((r) => r.items)
    infos.catch(() => (infos = null))
  }
  return infos
}

/** Facts the case itself supplies (the server fills them from the case's dates). */
export const CASE_FACTS = new Set(['act_date', 'act_end_date', 'discovered_date'])

export function factsBody(infos: FactInfo[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of infos) {
    if (CASE_FACTS.has(f.key)) continue
    const v = values[f.key]
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue
    if (f.type === 'bool') out[f.key] = v === 'yes'
    else if (f.type === 'fen') out[f.key] = Math.round(Number(v) * 100)
    else out[f.key] = v
  }
  return out
}

export function factsValues(infos: FactInfo[], facts: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (!facts) return out
  for (const f of infos) {
    const v = facts[f.key]
    if (v === undefined || v === null) continue
    if (f.type === 'bool') out[f.key] = v ? 'yes' : 'no'
    else if (f.type === 'fen') out[f.key] = Number(v) / 100
    else out[f.key] = v
  }
  return out
}
