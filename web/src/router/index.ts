import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import type { RoleId } from '../api/types'
import { useSessionStore } from '../stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    /** user needs one of these roles; 'read' = sys_admin, sec_admin or any non-admin role */
    roles?: RoleId[] | 'read'
    title?: string
    bare?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/auth/LoginView.vue'), meta: { public: true, bare: true } },
  {
    path: '/force/password',
    name: 'force-password',
    component: () => import('../views/auth/ForcePasswordView.vue'),
    meta: { bare: true },
  },
  { path: '/force/totp', name: 'force-totp', component: () => import('../views/auth/ForceTotpView.vue'), meta: { bare: true } },
  {
    path: '/',
    component: () => import('../layout/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('../views/home/HomeView.vue'), meta: { title: 'menu.home' } },
      {
        path: 'evidence',
        name: 'evidence',
        component: () => import('../views/evidence/EvidenceView.vue'),
        meta: { title: 'menu.evidence', roles: ['officer', 'legal_reviewer', 'dept_head', 'supervisor'] },
      },
      { path: 'org', name: 'org', component: () => import('../views/org/OrgView.vue'), meta: { title: 'menu.org', roles: 'read' } },
      {
        path: 'users',
        name: 'users',
        component: () => import('../views/users/UsersView.vue'),
        meta: { title: 'menu.users', roles: ['sys_admin'] },
      },
      {
        path: 'roles',
        name: 'roles',
        component: () => import('../views/users/RoleAssignView.vue'),
        meta: { title: 'menu.roles', roles: ['sec_admin'] },
      },
      {
        path: 'security/sessions',
        name: 'sessions',
        component: () => import('../views/security/SessionsView.vue'),
        meta: { title: 'menu.sessions', roles: ['sec_admin'] },
      },
      {
        path: 'security/accounts',
        name: 'accounts',
        component: () => import('../views/security/AccountSecurityView.vue'),
        meta: { title: 'menu.security', roles: ['sec_admin'] },
      },
      {
        path: 'record/checkpoints',
        name: 'record-admin',
        component: () => import('../views/record/RecordAdminView.vue'),
        meta: { title: 'record.menuAdmin', roles: ['audit_admin', 'supervisor'] },
      },
      {
        path: 'record/timeline',
        name: 'record-timeline',
        component: () => import('../views/record/RecordTimelineView.vue'),
        meta: { title: 'record.menuTimeline', roles: ['officer', 'legal_reviewer', 'dept_head', 'supervisor', 'audit_admin'] },
      },
      {
        path: 'logs/operations',
        name: 'op-logs',
        component: () => import('../views/logs/OperationLogsView.vue'),
        meta: { title: 'menu.opLogs', roles: ['audit_admin'] },
      },
      {
        path: 'logs/logins',
        name: 'login-logs',
        component: () => import('../views/logs/LoginLogsView.vue'),
        meta: { title: 'menu.loginLogs', roles: ['audit_admin'] },
      },
      { path: 'calendar', name: 'calendar', component: () => import('../views/calendar/CalendarView.vue'), meta: { title: 'menu.calendar' } },
      {
        path: 'time-limits',
        name: 'time-limits',
        component: () => import('../views/calendar/TimeLimitsView.vue'),
        meta: { title: 'menu.timeLimits' },
      },
      {
        path: 'catalogue',
        name: 'catalogue',
        component: () => import('../views/catalogue/CatalogueView.vue'),
        meta: { title: 'menu.catalogue' },
      },
      {
        path: 'catalogue/:code',
        name: 'catalogue-matter',
        component: () => import('../views/catalogue/MatterView.vue'),
        meta: { title: 'menu.catalogue' },
      },
      {
        path: 'discretion/lists',
        name: 'discretion-lists',
        component: () => import('../views/discretion/ListsView.vue'),
        meta: { title: 'menu.discretionLists', roles: 'read' },
      },
      {
        path: 'discretion/assist',
        name: 'discretion-assist',
        component: () => import('../views/discretion/AssistView.vue'),
        meta: { title: 'menu.discretionAssist', roles: 'read' },
      },
      {
        path: 'officers',
        name: 'officers',
        component: () => import('../views/officers/OfficersView.vue'),
        meta: { title: 'menu.officers', roles: ['officer', 'legal_reviewer', 'dept_head', 'supervisor'] },
      },
      {
        path: 'cases',
        name: 'cases',
        component: () => import('../views/cases/CaseListView.vue'),
        meta: { title: 'cases.menuList', roles: ['officer', 'legal_reviewer', 'dept_head', 'supervisor'] },
      },
      {
        path: 'cases/new',
        name: 'case-new',
        component: () => import('../views/cases/CaseNewView.vue'),
        meta: { title: 'cases.menuNew', roles: ['officer'] },
      },
      {
        path: 'cases/reviews',
        name: 'case-reviews',
        component: () => import('../views/cases/ReviewQueueView.vue'),
        meta: { title: 'cases.menuReviews', roles: ['legal_reviewer'] },
      },
      {
        path: 'cases/:id(\\d+)',
        name: 'case-detail',
        component: () => import('../views/cases/CaseDetailView.vue'),
        meta: { title: 'cases.menuDetail', roles: ['officer', 'legal_reviewer', 'dept_head', 'supervisor'] },
      },
      { path: 'profile', name: 'profile', component: () => import('../views/profile/ProfileView.vue'), meta: { title: 'menu.profile' } },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
})

export function canAccess(roles: RoleId[] | 'read' | undefined, session: ReturnType<typeof useSessionStore>): boolean {
  if (!roles) return true
  if (roles === 'read') return session.hasRole('sys_admin', 'sec_admin') || session.hasBusinessRole
  return session.hasRole(...roles)
}

router.beforeEach(async (to) => {
  const session = useSessionStore()
  if (!session.loaded) {
    try {
      await session.fetchMe()
    } catch {
      /* network error: treat as logged out */
    }
  }
  if (to.meta.public) {
    if (session.loggedIn && to.name === 'login') return { name: 'home' }
    return true
  }
  if (!session.loggedIn) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (session.needsPasswordChange) {
    return to.name === 'force-password' ? true : { name: 'force-password' }
  }
  if (session.needsTotp) {
    return to.name === 'force-totp' ? true : { name: 'force-totp' }
  }
  if (to.name === 'force-password' || to.name === 'force-totp') return { name: 'home' }
  if (!canAccess(to.meta.roles, session)) return { name: 'home' }
  return true
})
