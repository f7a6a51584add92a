import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The reference server serves `dist/` at `/` with an SPA fallback; in development Vite proxies the API to it.
export default defineConfig({
  plugins: [react()],
  // Workspace packages (@limitedcart/client) from their sources, as the tests and the type checker read them.
  resolve: { conditions: ['@limitedcart/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 700 },
  server: {
    proxy: Object.fromEntries(['/api', '/metrics'].map((path) => [path, process.env.LIMITEDCART_API ?? 'http://127.0.0.1:3000'])),
  },
});
