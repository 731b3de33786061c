import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the agent inbox into `dist/inbox/`, served by the server at `/inbox/`
 * (`server/web/inbox.ts`). `vite --config inbox/vite.config.ts` serves it for development and
 * forwards `/graphql` (HTTP and WebSocket) to a server started with `npm start`.
 */
export default defineConfig({
  root,
  base: '/inbox/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/inbox/', import.meta.url)),
    emptyOutDir: true,
    // Production serves no source maps (server/web/inbox.ts refuses `.map` files too).
    sourcemap: false,
  },
  server: {
    proxy: { '/graphql': { target: 'http://localhost:4000', ws: true } },
  },
});
