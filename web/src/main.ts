import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus, { ElMessage } from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n, currentLocale } from './i18n'
import { router } from './router'
import { configureHttp } from './api/http'
import { useSessionStore } from './stores/session'
import './style.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(ElementPlus)
app.use(router)

const session = useSessionStore()
configureHttp({
  csrf: () => session.csrfToken,
  locale: () => currentLocale(),
  onUnauthenticated: () => {
    const wasLoggedIn = session.loggedIn
    session.clear()
    if (router.currentRoute.value.name !== 'login') {
      if (wasLoggedIn) ElMessage.warning({ message: i18n.global.t('app.sessionExpired'), grouping: true })
      const cur = router.currentRoute.value.fullPath
      router.push({ name: 'login', query: cur && cur !== '/' ? { redirect: cur } : {} })
    }
  },
  onForbiddenGate: async () => {
    // server says password change or TOTP enrolment is due: reload identity and let the guard redirect
    await session.fetchMe().catch(() => undefined)
    if (session.needsPasswordChange) router.replace({ name: 'force-password' })
    else if (session.needsTotp) router.replace({ name: 'force-totp' })
  },
})

document.documentElement.lang = currentLocale()
app.mount('#app')
