import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import {
  appSecurityHeaders,
  CSP_REPORT_PATH,
  ISOLATION_HEADERS,
  metaContentSecurityPolicy,
} from './scripts/security-headers.mjs';

/** The built pages carry the policy as a <meta> too, for hosts that serve files without headers. */
function securityPolicyMeta(): Plugin {
  return {
    name: 'edge-llm:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/** `npm start` prints the violations the browser reports, so a policy gap shows in the terminal. */
function printCspReports(): Plugin {
  return {
    name: 'edge-llm:csp-reports',
    configurePreviewServer(server) {
      server.middlewares.use(CSP_REPORT_PATH, (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          console.warn(`Content-Security-Policy violation: ${body}`);
          res.statusCode = 204;
          res.end();
        });
      });
    },
  };
}

export default defineConfig({
  build: {
    target: 'es2022',
    manifest: true,
    sourcemap: true,
    // web-llm alone is ~6 MB; it is lazy-loaded inside the worker only.
    chunkSizeWarningLimit: 8000,
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html' } },
  },
  worker: {
    format: 'es',
  },
  server: {
    // No CSP while developing: Vite's client and hot reload need inline styles and a websocket.
    headers: ISOLATION_HEADERS,
  },
  preview: {
    host: '127.0.0.1',
    headers: appSecurityHeaders({ report: true }),
  },
  plugins: [
    securityPolicyMeta(),
    printCspReports(),
    // The app page's service worker (never the library's: a host site owns its own). It precaches
    // the shell and every engine asset, so after one visit the app starts and runs a cached model
    // with no network. Models themselves are cached by the engines, not here.
    VitePWA({
      strategies: 'generateSW',
      // Registered by src/app/offline.ts from the app page only.
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,svg}'],
        globIgnores: ['lib/**', '**/*.map'],
        // ONNX Runtime's WebAssembly is ~25 MB; without it the transformers.js engine cannot start offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/embed\.html/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
});
