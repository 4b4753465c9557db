import { currentLocale } from '../i18n'

export function fmtTime(s?: string | null): string {
  if (!s) return ''
  const d = new Date(s)
  if (isNaN(d.getTime())) return s
  return d.toLocaleString(currentLocale(), { hour12: false })
}

import type { UnitNode } from '../api/types'

export function findUnit(tree: UnitNode[], id: number | string | null | undefined): UnitNode | undefined {
  if (id === null || id === undefined) return undefined
  for (const n of tree) {
    if (String(n.id) === String(id)) return n
    const c = findUnit(n.children ?? [], id)
    if (c) return c
  }
  return undefined
}

export function unitName(tree: UnitNode[], id: number | string | null | undefined): string {
  return findUnit(tree, id)?.name ?? (id === null || id === undefined ? '' : String(id))
}
