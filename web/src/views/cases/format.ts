// Display helpers of the case views: states and timers as tags, money, names by locale.
import type { CaseState, PenaltyValue, TimerStatus } from '../../api/cases'
import { kindName, yuan } from '../discretion/format'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export function stateTagType(s: CaseState | string): TagType {
  switch (s) {
    case 'lead':
      return 'info'
    case 'not_filed':
    case 'archived':
      return 'info'
    case 'legal_review':
    case 'amending':
    case 'pending_decision':
      return 'warning'
    case 'decided':
    case 'served':
    case 'executed':
      return 'primary'
    case 'closed':
      return 'success'
    default:
      return 'primary'
  }
}

export function timerTagType(s: TimerStatus | string): TagType {
  switch (s) {
    case 'overdue':
      return 'danger'
    case 'due_soon':
      return 'warning'
    case 'done':
      return 'success'
    case 'lapsed':
      return 'info'
    default:
      return 'primary'
  }
}

/** "罚款 ¥2,000.00、警告" / "fine ¥2,000.00, warning"; `none` when the penalty is empty. */
export function penaltyText(p: PenaltyValue | null | undefined, en: boolean, none: string): string {
  if (!p) return none
  const parts: string[] = []
  for (const k of p.kinds ?? []) {
    if (k === 'fine' && p.fine) parts.push(`${kindName(k, en)} ¥${yuan(p.fine)}`)
    else if ((k === 'confiscate_gains' || k === 'confiscate_property') && p.confiscation) parts.push(`${kindName(k, en)} ¥${yuan(p.confiscation)}`)
    else parts.push(kindName(k, en))
  }
  if (p.fine && !(p.kinds ?? []).includes('fine')) parts.push(`${kindName('fine', en)} ¥${yuan(p.fine)}`)
  return parts.length ? parts.join(en ? ', ' : '、') : none
}

/** Name in the UI language from a {zh,en} or {name_zh,name_en} pair. */
export function byLocale(en: boolean, zh: string | undefined, english: string | undefined): string {
  return (en ? english || zh : zh || english) ?? ''
}

/** Today in China (the server's dates are Beijing dates) as YYYY-MM-DD. */
export function todayText(): string {
  const now = new Date(Date.now() + 8 * 3600 * 1000)
  return now.toISOString().slice(0, 10)
}

export { yuan }
