/**
 * Builds the dashboard to web/dist: static files the daemon serves (no CDN, no inline
 * script, so the server's strict CSP holds). After the build every text asset also
 * gets .gz and .br siblings, which the server sends to browsers that accept them.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'sipwarden-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      for (const f of files(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(f)) continue;
        const body = readFileSync(f);
        writeFileSync(`${f}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(`${f}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:8472', '/metrics': 'http://127.0.0.1:8472', '/healthz': 'http://127.0.0.1:8472' },
  },
});
