import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { estimateTokens } from '../context-window.ts'
import { fileSymbols, type FileSymbols } from './definitions.ts'
import { grammarFor, parserFor } from './languages.ts'

const execFileAsync = promisify(execFile)
const largestFile = 256 * 1024
const symbolsByBlob = new Map<string, FileSymbols>()

export interface RepoMapOptions {
  /** The map is cut to about this many tokens. */
  tokenBudget: number
  /** Files the agent is working on: their definitions rank higher. */
  focus?: readonly string[]
}

/**
 * A map of the repository for an agent's prompt: the definitions (functions,
 * classes, types, module-level constants) of its tracked source files, parsed
 * with tree-sitter, ranked by how often other files refer to them, best files
 * first, cut to a token budget.
 */
export async function buildRepoMap(root: string, options: RepoMapOptions): Promise<string> {
  // `ls-files -s`: "mode blob stage\tpath" for every tracked file.
  const { stdout } = await execFileAsync('git', ['ls-files', '-s', '-z'], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
  const tracked = stdout
    .split('\0')
    .map((entry) => /^\d+ ([0-9a-f]+) \d\t(.+)$/s.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null && grammarFor(match[2]!) !== undefined)
  const files = new Map<string, FileSymbols>()
  for (const [, blob, path] of tracked) {
    // PERF: every worker's prompt has a map of the same tree; parse each blob once per process.
    // (A file the worker changed keeps its committed symbols until it is committed.)
    const cached = symbolsByBlob.get(blob!)
    if (cached) {
      files.set(path!, cached)
      continue
    }
    try {
      if ((await stat(join(root, path!))).size > largestFile) continue
      const source = await readFile(join(root, path!), 'utf8')
      const parser = await parserFor(grammarFor(path!)!)
      const tree = parser.parse(source)
      if (tree) {
        const symbols = fileSymbols(tree.rootNode, source)
        files.set(path!, symbols)
        if (symbolsByBlob.size > 50_000) symbolsByBlob.clear()
        symbolsByBlob.set(blob!, symbols)
      }
      tree?.delete()
      parser.delete()
    } catch {
      // A file that cannot be read or parsed is left out of the map, not fatal: the map is only a guide,
      // and the agent still reaches the file itself with read_file and search.
    }
  }

  // A definition's rank: the files that refer to its name (each counted at most 10 times),
  // shared among the files that define the same name, so common names do not win by volume.
  const referencesElsewhere = new Map<string, number>()
  const definers = new Map<string, number>()
  for (const symbols of files.values()) {
    for (const [name, count] of symbols.references) referencesElsewhere.set(name, (referencesElsewhere.get(name) ?? 0) + Math.min(count, 10))
    for (const name of new Set(symbols.definitions.map((definition) => definition.name))) definers.set(name, (definers.get(name) ?? 0) + 1)
  }
  const focus = new Set(options.focus ?? [])
  const ranked = [...files].map(([path, symbols]) => {
    const definitions = symbols.definitions.map((definition) => {
      const own = Math.min(symbols.references.get(definition.name) ?? 0, 10)
      const elsewhere = (referencesElsewhere.get(definition.name) ?? 0) - own
      return { ...definition, score: (elsewhere + 0.1 * own) / (definers.get(definition.name) ?? 1) }
    })
    const score = definitions.reduce((sum, definition) => sum + definition.score, 0) * (focus.has(path) ? 10 : 1)
    return { path, definitions, score }
  })
  ranked.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))

  let map = ''
  for (const file of ranked) {
    if (file.definitions.length === 0) continue
    const best = [...file.definitions].sort((a, b) => b.score - a.score).slice(0, 12).sort((a, b) => a.line - b.line)
    const block = `${file.path}\n${best.map((definition) => `${String(definition.line).padStart(5)}│ ${definition.signature}`).join('\n')}\n`
    if (estimateTokens(map + block) > options.tokenBudget) {
      if (map === '') map = block.slice(0, options.tokenBudget * 3)
      break
    }
    map += block
  }
  return map
}
