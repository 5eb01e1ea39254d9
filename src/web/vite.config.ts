import react from '@vitejs/plugin-react'
import { builtinModules } from 'node:module'
import { defineConfig, type Plugin } from 'vite'

// The dashboard `colony serve` serves at /, built into dist/web by `npm run build`.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), browserOnly()],
  build: { outDir: '../../dist/web', emptyOutDir: true },
  logLevel: 'warn',
})

/**
 * Fails the build when the dashboard reaches a Node built-in, where Vite would
 * ship an empty stub that throws in the browser. The dashboard takes the
 * server's route types (`import type`, erased) and the board's pure rules
 * (src/board/transitions.ts); a value import of anything else from src/server,
 * src/store or a folder's index.ts gets here.
 */
function browserOnly(): Plugin {
  const builtins = new Set(builtinModules)
  return {
    name: 'colony-browser-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || builtins.has(source)) {
        this.error(`${importer ?? 'the dashboard'} imports ${source}, a Node built-in: the dashboard runs in a browser (import types with \`import type\`)`)
      }
    },
  }
}
