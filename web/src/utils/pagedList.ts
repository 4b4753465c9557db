import { ref, type Ref } from 'vue'
import { showError } from './errors'

/** One page of a list endpoint: the items, and the total when the server counts it. */
export interface Page<T> {
  items: T[]
  total?: number
}

/**
 * The rows, total and loading flag of a filtered, paged list, and its `load()`.
 *
 * Only the newest request may set them: when filters change quickly (typing, a select choice
 * while the first page is still loading) an older answer can arrive last and would otherwise
 * show rows of filters no longer on screen. `onPage` sees every page that is shown (for extra
 * fields of the answer).
 */
export function usePagedList<P extends Page<unknown>>(fetch: () => Promise<P>, onPage?: (page: P) => void) {
  const rows = ref([]) as Ref<P['items']>
  const total = ref(0)
  const loading = ref(false)
  let newest = 0
  async function load() {
    const mine = ++newest
    loading.value = true
    try {
      const page = await fetch()
      if (mine !== newest) return
      rows.value = page.items
      total.value = page.total ?? page.items.length
      onPage?.(page)
    } catch (e) {
      if (mine === newest) showError(e)
    } finally {
      if (mine === newest) loading.value = false
    }
  }
  return { rows, total, loading, load }
}
