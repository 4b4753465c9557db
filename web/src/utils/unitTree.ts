import { ref } from 'vue'
import { orgApi } from '../api/org'
import type { UnitNode } from '../api/types'
import { showError } from './errors'

// shared cache of the visible unit tree
const tree = ref<UnitNode[]>([])
let loading: Promise<void> | null = null

export function useUnitTree() {
  function load(force = false): Promise<void> {
    if (!force && tree.value.length) return Promise.resolve()
    if (loading && !force) return loading
    loading = orgApi
      .tree()
      .then((d) => {
        tree.value = Array.isArray(d) ? d : ((d as { items?: UnitNode[] })?.items ?? [])
      })
      .catch((e) => showError(e))
      .finally(() => {
        loading = null
      })
    return loading
  }
  return { tree, load, reset: () => (tree.value = []) }
}
