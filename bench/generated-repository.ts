// A generated repository for the benchmarks (bench/workspaces.ts, bench/scale.ts):
// F files of source-like text in directories about 6 deep, committed on main and
// packed as a clone is, with the target branch made; deterministic from a seed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Random } from './random.ts'

const identity = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@colony.local', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@colony.local' }

// --- The repository ------------------------------------------------------------------------

const nouns = ['agent', 'board', 'store', 'task', 'queue', 'lease', 'gate', 'event', 'memory', 'model', 'prompt', 'tool', 'sandbox', 'policy', 'config', 'session', 'runner', 'worker', 'planner', 'judge', 'cache', 'index', 'graph', 'parser', 'lexer', 'schema', 'route', 'handler', 'client', 'server', 'socket', 'stream', 'buffer', 'codec', 'crypto', 'token', 'metric', 'trace', 'logger', 'report', 'widget', 'layout', 'theme', 'button', 'dialog', 'table', 'chart', 'editor', 'search', 'filter', 'billing', 'invoice', 'account', 'profile', 'auth', 'payment', 'order', 'cart', 'catalog', 'shipping']
const tops = ['packages', 'apps', 'services', 'libs', 'tools']

export interface Repository {
  root: string
  files: string[]
  /** Directories holding files directly, deepest first by construction. */
  leaves: string[]
  base: string
  bytes: number
}

export function sourceLines(random: Random): string[] {
  const name = () => random.pick(nouns) + random.pick(['', 'Id', 'List', 'State', 'Options', 'Result', 'Error', 'Count'])
  const templates = [
    () => `import { ${name()}, ${name()} } from '../${random.pick(nouns)}/${random.pick(nouns)}.ts'`,
    () => `export function ${name()}(${name()}: ${random.pick(['string', 'number', 'boolean'])}, ${name()}: ${name()}[]): ${name()} {`,
    () => `  const ${name()} = await ${name()}.${random.pick(['get', 'list', 'find', 'update', 'remove'])}(${name()}, { limit: ${random.int(1, 500)} })`,
    () => `  if (${name()}.length > ${random.int(0, 64)}) return ${name()}.slice(0, ${random.int(1, 64)})`,
    () => `  // ${random.pick(nouns)} ${random.pick(nouns)}s are ${random.pick(['kept', 'dropped', 'retried', 'cached'])} until the ${random.pick(nouns)} ${random.pick(['settles', 'expires', 'lands'])}.`,
    () => `  for (const ${name()} of ${name()}) ${name()}.push(${name()}.${random.pick(['id', 'name', 'path', 'size'])})`,
    () => `}`,
    () => ``,
  ]
  return Array.from({ length: 4_000 }, () => random.pick(templates)())
}

export function fileBody(random: Random, lines: string[], path: string, size: number): string {
  const parts = [`// ${path}`]
  let length = parts[0]!.length
  while (length < size) {
    const line = random.pick(lines)
    parts.push(line)
    length += line.length + 1
  }
  return `${parts.join('\n')}\n`
}

/** Writes the files, commits them on main and makes the target branch. */
export function generateRepository(root: string, random: Random, { files: fileCount, target }: { files: number; target: string }): Repository {
  const lines = sourceLines(random)
  const leafCount = Math.ceil(fileCount / 14)
  const branching = Math.max(2, Math.ceil((leafCount / tops.length) ** (1 / 4)) + 1)
  const levelNames = Array.from({ length: 4 }, () => Array.from({ length: branching }, () => `${random.pick(nouns)}-${random.pick(nouns)}`))
  const leafSet = new Set<string>()
  while (leafSet.size < leafCount) leafSet.add([random.pick(tops), ...levelNames.map((names) => random.pick(names))].join('/'))
  const leaves = [...leafSet].sort()
  const taken = new Set<string>()
  const files: string[] = []
  const made = new Set<string>()
  let bytes = 0
  for (let index = 0; index < fileCount; index++) {
    const leaf = random.pick(leaves)
    // One file in ten sits higher up (an index.ts, a README, a package's config).
    const directory = random.next() < 0.1 ? leaf.split('/').slice(0, random.int(1, 4)).join('/') : leaf
    const roll = random.next()
    const extension = roll < 0.7 ? '.ts' : roll < 0.9 ? '.test.ts' : roll < 0.97 ? '.md' : '.json'
    let path = `${directory}/${random.pick(nouns)}-${random.pick(nouns)}${extension}`
    if (taken.has(path)) path = `${directory}/${random.pick(nouns)}-${index}${extension}`
    taken.add(path)
    const sizeRoll = random.next()
    const size = sizeRoll < 0.01 ? random.int(16_384, 262_144) : sizeRoll < 0.1 ? random.int(200, 1_024) : random.int(1_024, 8_192)
    if (!made.has(directory)) {
      mkdirSync(join(root, directory), { recursive: true })
      made.add(directory)
    }
    const body = fileBody(random, lines, path, size)
    writeFileSync(join(root, path), body)
    bytes += body.length
    files.push(path)
  }
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, env: { ...process.env, ...identity }, maxBuffer: 256 << 20 })
  git(['init', '-q', '-b', 'main'])
  git(['add', '-A'])
  git(['commit', '-q', '-m', 'initial'])
  git(['update-ref', `refs/heads/${target}`, 'HEAD'])
  // Packed, as a clone is, and no automatic gc repacking in the background while the workspaces are timed.
  git(['config', 'gc.auto', '0'])
  git(['repack', '-a', '-d', '-q'])
  git(['prune-packed'])
  const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root }).toString().trim()
  return { root, files: files.sort(), leaves, base, bytes }
}

