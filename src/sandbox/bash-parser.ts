import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'

const grammarPath = createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm')
let parser: Promise<Parser> | undefined

/**
 * The tree-sitter-bash parser that ships with @vscode/tree-sitter-wasm; the
 * WebAssembly runtime and the grammar load once per process. Parsing is
 * synchronous, so one parser serves every caller.
 */
export function bashParser(): Promise<Parser> {
  parser ??= (async () => {
    // Parser.init keeps one runtime per process, so sharing it with the repository map's grammars is safe.
    await Parser.init()
    const created = new Parser()
    created.setLanguage(await Language.load(grammarPath))
    return created
  })()
  return parser
}
