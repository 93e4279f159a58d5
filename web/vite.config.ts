import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// Vite root is web/; the build goes to web/dist, which `tuopin serve` serves with an index.html
// fallback. In development /api goes to the platform on port 3000 (or TUOPIN_API).
export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.TUOPIN_API ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
