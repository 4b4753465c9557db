import { ElMessage } from 'element-plus'
import { ApiError } from '../api/http'

/**
 * Show a server error. When the error names a field that the form shows
 * (a key of `fieldErrors`), put the message next to that field; else ElMessage.
 */
export function showError(e: unknown, fieldErrors?: Record<string, string>) {
  if (e instanceof ApiError) {
    if (fieldErrors && e.field && e.field in fieldErrors) {
      fieldErrors[e.field] = e.message
      return
    }
    const extra = e.requestId ? ` (request_id: ${e.requestId})` : ''
    ElMessage.error({ message: e.message + extra, grouping: true })
    return
  }
  ElMessage.error({ message: e instanceof Error ? e.message : String(e), grouping: true })
}

export function clearErrors(fieldErrors: Record<string, string>) {
  for (const k of Object.keys(fieldErrors)) fieldErrors[k] = ''
}

export function isCancel(e: unknown) {
  return e === 'cancel' || e === 'close'
}
