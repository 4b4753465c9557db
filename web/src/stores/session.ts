import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '../api/auth'
import { ApiError } from '../api/http'
import type { Me, RoleId } from '../api/types'
import { useUnitTree } from '../utils/unitTree'

export const useSessionStore = defineStore('session', () => {
  const user = ref<Me | null>(null)
  const csrfToken = ref('')
  const loaded = ref(false)

  const loggedIn = computed(() => user.value !== null)
  const roleIds = computed<RoleId[]>(() => Array.from(new Set((user.value?.roles ?? []).map((r) => r.role))))
  const needsPasswordChange = computed(() => !!user.value?.must_change_password)
  const needsTotp = computed(() => !!user.value && user.value.totp_required && !user.value.totp_enabled)
  const isAdminRole = computed(() => roleIds.value.some((r) => r === 'sys_admin' || r === 'sec_admin' || r === 'audit_admin'))

  function hasRole(...roles: RoleId[]) {
    return roleIds.value.some((r) => roles.includes(r))
  }

  /** Any non-admin role (those read business data within a scope). */
  const hasBusinessRole = computed(() => roleIds.value.some((r) => !['sys_admin', 'sec_admin', 'audit_admin'].includes(r)))

  async function fetchMe(): Promise<Me | null> {
    try {
      const r = await authApi.me()
      user.value = r.user
      csrfToken.value = r.csrf_token
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        user.value = null
        csrfToken.value = ''
      } else {
        loaded.value = true
        throw e
      }
    }
    loaded.value = true
    return user.value
  }

  async function login(username: string, password: string, totp?: string) {
    useUnitTree().reset()
    const r = await authApi.login(username, password, totp)
    csrfToken.value = r.csrf_token
    user.value = r.user
    // the login answer may be a reduced user; /auth/me is the reference
    await fetchMe()
  }

  async function logout() {
    try {
      await authApi.logout()
    } catch {
      /* ignore */
    }
    clear()
  }

  function clear() {
    useUnitTree().reset()
    user.value = null
    csrfToken.value = ''
    loaded.value = true
  }

  return {
    user,
    csrfToken,
    loaded,
    loggedIn,
    roleIds,
    needsPasswordChange,
    needsTotp,
    isAdminRole,
    hasBusinessRole,
    hasRole,
    fetchMe,
    login,
    logout,
    clear,
  }
})
