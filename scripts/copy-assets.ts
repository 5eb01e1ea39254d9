/**
 * Copies the text files the compiled modules read at run time (role prompts,
 * tool descriptions: every .md and .txt under src/, the dashboard aside) into
 * dist/ at the same relative paths, so `new URL('./read-file.txt',
 * import.meta.url)` finds in dist/agent/tools what it finds in src/agent/tools.
 *
 * Usage: `node scripts/copy-assets.ts` (the last step of `npm run build`).
 */
import { cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const source = 'src'
const target = 'dist'
// The dashboard is built by vite into dist/web; its files are not read from here.
const skipped = /^web(\/|$)/

const copied = readdirSync(source, { recursive: true, encoding: 'utf8' })
  .filter((path) => /\.(md|txt)$/.test(path) && !skipped.test(path))
  .sort()
for (const path of copied) cpSync(join(source, path), join(target, path))
if (copied.length === 0) throw new Error(`no .md or .txt files under ${source}/: run this from the repository root`)
console.log(`copied ${copied.length} text files into ${target}/`)
