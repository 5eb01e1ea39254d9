import { createRequire } from 'node:module'
import { extname } from 'node:path'
import { Language, Parser } from 'web-tree-sitter'

/** File extensions → the grammar in @vscode/tree-sitter-wasm that parses them. */
const grammarByExtension: Record<string, string> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.py': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
  '.rb': 'ruby',
  '.cs': 'c-sharp',
  '.cpp': 'cpp', '.cc': 'cpp', '.hpp': 'cpp', '.h': 'cpp', '.c': 'cpp',
  '.php': 'php',
  '.sh': 'bash',
}

export function grammarFor(path: string): string | undefined {
  return grammarByExtension[extname(path).toLowerCase()]
}

const wasmDirectory = createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm/package.json').replace(/package\.json$/, 'wasm/')
let initialized: Promise<void> | undefined
const languages = new Map<string, Promise<Language>>()

/** A parser for the grammar; the WebAssembly runtime and each grammar load once per process. */
export async function parserFor(grammar: string): Promise<Parser> {
  initialized ??= Parser.init()
  await initialized
  let language = languages.get(grammar)
  if (!language) {
    language = Language.load(`${wasmDirectory}tree-sitter-${grammar}.wasm`)
    languages.set(grammar, language)
  }
  const parser = new Parser()
  parser.setLanguage(await language)
  return parser
}
