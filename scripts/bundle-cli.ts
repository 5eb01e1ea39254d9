/**
 * Bundles the CLI into a few files (rolldown, which vite already brings):
 * `main.js` (what bin/colony.js runs) and the scripts Colony starts as child
 * processes, beside it. A command loads its own chunks and nothing else; from
 * src/ through tsc's one-file-per-module output, every command resolved and
 * loaded ~470 modules (kysely alone is 262 files), most of its start-up.
 *
 * Text a module reads beside itself (`new URL('./worker.md', import.meta.url)`)
 * is copied into the bundle at its path under src/; a URL outside src/
 * (package.json, dist/web, examples) is pointed at the same file from the
 * bundle's directory.
 *
 * Usage: `node scripts/bundle-cli.ts [directory]` (dist unless told; part of `npm run build`).
 * The test suite bundles into a directory of its own (test/support/bundle-cli-for-tests.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, RolldownMagicString, type Plugin } from 'rolldown'

const root = fileURLToPath(new URL('..', import.meta.url))
const sourceRoot = join(root, 'src')

/** Started as processes of their own by path, so each is an entry beside main.js (see spawner.ts, probe-overlays.ts). */
const entries = {
  main: 'src/cli/main.ts',
  'spawner-child': 'src/spawner/spawner-child.ts',
  'probe-overlays-child': 'src/overlay/probe-overlays-child.ts',
}

/**
 * Found at run time relative to their own files, so they stay in node_modules:
 * web-tree-sitter loads its runtime's .wasm beside itself; node-llama-cpp
 * (optional) has native binaries; pg-native is an optional import of pg's.
 */
const external = [/^node:/, 'web-tree-sitter', 'node-llama-cpp', 'pg-native']

export async function bundleCli(directory: string): Promise<void> {
  const outDir = resolve(directory)
  await build({
    input: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)])),
    platform: 'node',
    external,
    plugins: [filesBesideModules(outDir)],
    logLevel: 'warn',
    output: { dir: outDir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true, cleanDir: false },
  })
}

const besideModule = /new URL\((['"])(\.{1,2}\/[^'"]*)\1, import\.meta\.url\)/g

function filesBesideModules(outDir: string): Plugin {
  return {
    name: 'colony-files-beside-modules',
    transform: {
      filter: { id: /\/src\/.*\.ts$/, code: 'import.meta.url' },
      handler(code, id) {
        const edited = new RolldownMagicString(code)
        for (const match of code.matchAll(besideModule)) {
          const [whole, quote, path] = match as unknown as [string, string, string]
          const target = resolve(dirname(id), path)
          // A URL in a comment's example, or one built at run time, is left as it is.
          if (!existsSync(target)) continue
          const insideSource = !relative(sourceRoot, target).startsWith('..')
          let url: string
          if (insideSource && statSync(target).isFile()) {
            const fileName = relative(sourceRoot, target)
            this.emitFile({ type: 'asset', fileName, source: readFileSync(target) })
            url = `./${fileName}`
          } else {
            // Every chunk sits in the bundle's directory (spawner.ts finds spawner-child.js beside itself the same way).
            url = relative(outDir, target) + (path.endsWith('/') ? '/' : '')
          }
          edited.overwrite(match.index, match.index + whole.length, `new URL(${quote}${url}${quote}, import.meta.url)`)
        }
        return edited.hasChanged() ? { code: edited } : undefined
      },
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const directory = process.argv[2] ?? join(root, 'dist')
  await bundleCli(directory)
  console.log(`bundled the CLI into ${relative(process.cwd(), directory) || '.'}`)
}
