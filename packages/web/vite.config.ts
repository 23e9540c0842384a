import { defineConfig } from 'vite';

// Preact's JSX through Vite's built-in transform: no framework plugin to install.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    // Modern browsers only (a back-office): no module-preload polyfill, no legacy bundle.
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: false,
  },
});
