/**
 * The editor's build: `editor/` → `editor/dist/`, served by the API process at `/`.
 * `npm start` builds it when a source is newer than the build (scripts/build-editor.ts);
 * `npm run editor:dev` serves it with hot reload and forwards `/v1` to `npm start`'s API.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/v1': 'http://localhost:3000' } },
});
