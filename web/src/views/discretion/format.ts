// Display helpers of the discretion views: money in fen → 元, ranges, labels by locale.
import type { AllowedRange } from '../../api/discretion'

export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return ''
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

/** "¥2,000.00 – ¥6,000.00"; `noFine` / `upTo` are the translated words. */
export function fineText(r: AllowedRange | null | undefined, noFine: string, upTo: string): string {
  if (!r || r.fine.basis === 'none') return noFine
  const lo = `¥${yuan(r.fine.min ?? 0)}`
  const hi = r.fine.max === null ? upTo : `¥${yuan(r.fine.max)}`
  return `${lo} – ${hi}`
}

export const PENALTY_KINDS: Array<{ id: string; zh: string; en: string }> = [
  { id: 'warning', zh: '警告', en: 'warning' },
  { id: 'criticism', zh: '通报批评', en: 'public criticism' },
  { id: 'fine', zh: '罚款', en: 'fine' },
  { id: 'confiscate_gains', zh: '没收违法所得', en: 'confiscate illegal gains' },
  { id: 'confiscate_property', zh: '没收非法财物', en: 'confiscate illegal property' },
  { id: 'suspend_licence', zh: '暂扣许可证件', en: 'suspend licence' },
  { id: 'lower_qualification', zh: '降低资质等级', en: 'lower qualification' },
  { id: 'revoke_licence', zh: '吊销许可证件', en: 'revoke licence' },
  { id: 'restrict_business', zh: '限制开展生产经营活动', en: 'restrict business' },
  { id: 'suspend_business', zh: '责令停产停业', en: 'suspend business' },
  { id: 'close', zh: '责令关闭', en: 'close' },
  { id: 'restrict_practice', zh: '限制从业', en: 'restrict practice' },
  { id: 'detention', zh: '行政拘留', en: 'detention' },
  { id: 'other', zh: '其他', en: 'other' },
]

export function kindName(id: string, english: boolean): string {
  const k = PENALTY_KINDS.find((x) => x.id === id)
  return k ? (english ? k.en : k.zh) : id
}
