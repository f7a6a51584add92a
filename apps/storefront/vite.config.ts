import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The reference server serves `dist/` at `/` with an SPA fallback; in development Vite proxies the API to it.
export default defineConfig({
  plugins: [react()],
  // The typed API client from its sources, as the tests and the type checker read it (no build of it needed first).
  // An alias, not the `@limitedcart/source` condition: listing conditions replaces Vite's defaults, React's
  // production condition among them.
  // Core's money module the same way: browser-safe (no Node imports), the one table of ISO 4217 minor units.
  resolve: {
    alias: {
      '@limitedcart/client': fileURLToPath(new URL('../../packages/client/src/index.ts', import.meta.url)),
      '@limitedcart/core/money': fileURLToPath(new URL('../../packages/core/src/domain/money.ts', import.meta.url)),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 700 },
  server: {
    proxy: Object.fromEntries(['/api', '/metrics'].map((path) => [path, process.env.LIMITEDCART_API ?? 'http://127.0.0.1:3000'])),
  },
});
