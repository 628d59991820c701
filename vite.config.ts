import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const target = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: '../dist/client',
    // Not emptied: server/tools/build.mjs keeps the previous builds' assets for a week and then
    // removes them, so a page opened before an upgrade can still load its lazy chunks.
    emptyOutDir: false,
    target: 'es2022',
    // Browsers es2022 reaches preload modules themselves, but for Safari 15.4-16, where the polyfill
    // only fetched lazy chunks a little sooner; it cost 0.2 KB gzipped of the 100 KB budget.
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        // What every page loads anyway (Solid, tRPC, the stores and helpers) goes in one chunk, not
        // ten small ones each gzipped on its own: 4 KB less in all, 3 KB less before the first row,
        // and four module requests instead of ten. Pages stay lazy chunks of their own.
        manualChunks(id: string) {
          return /node_modules|\/client\/(lib|stores)\/|\/shared\//.test(id) ? 'app' : undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/trpc': { target, ws: true, changeOrigin: false },
      '/healthz': { target },
      '/uploads': { target },
      '/attachments': { target },
      '/original-email': { target },
      '/unsubscribe': { target },
    },
  },
});
