import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The SPA is served by the zhifa binary at `/` with history-mode fallback,
// so assets use absolute `/assets/...` URLs (relative ones would break on deep links).
export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      '/healthz': { target: 'http://127.0.0.1:8080' },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
})
