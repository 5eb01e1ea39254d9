// Repository memory at scale: how fast memories are written, how fast recall
// answers, and whether the memory section of a worker's or planner's first
// request stays within its token budget, over a store holding N memories
// shaped like real ones.
//   node bench/memory.ts [--memories N] [--queries N] [--tasks N] [--tokens N] [--files N] [--seed N] [--backends sqlite,postgres] [--keep]
// --keep leaves the filled stores in place (their locations are printed) for EXPLAIN.
// PostgreSQL runs when reachable at COLONY_TEST_PG_URL (default: the role
// scripts/start-test-postgres.sh makes), each run in a fresh database.
//
// The words are this repository's own: prose words (docs, README, prompt
// files, comments) drawn by how often they occur there, and identifiers from
// its source. The repository layout the memories name is generated from them.
import { globSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { estimateTokens } from '../src/agent/index.ts'
import { memoryForPlanner, memoryForTask } from '../src/memory/index.ts'
import { openStore, type MemoryFilter, type MemoryKind, type NewMemory, type Store, type Task } from '../src/store/index.ts'
import { createTestDatabase, postgresAdminUrl, postgresUnreachable } from '../test/support/postgres.ts'
import { percentile, sorted } from './percentile.ts'
import { createRandom, type Random } from './random.ts'

const { values } = parseArgs({
  options: {
    memories: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '600' },
    tasks: { type: 'string', default: '200' },
    tokens: { type: 'string', default: '1500' },
    files: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    keep: { type: 'boolean', default: false },
  },
})
const memoryCount = Number(values.memories)
const queryCount = Number(values.queries)
const contextCount = Number(values.tasks)
const budget = Number(values.tokens)
const fileCount = Number(values.files)
const seed = Number(values.seed)
const root = new URL('..', import.meta.url).pathname

// --- Vocabulary and repository layout ------------------------------------------------------

interface Corpus {
  /** A prose word, as often as it occurs in this repository's prose. */
  word(): string
  identifier(): string
  file(): string
  files: string[]
  areas: string[]
}

let vocabulary: { words: string[]; counts: number[]; identifiers: string[] } | undefined

function readVocabulary(): { words: string[]; counts: number[]; identifiers: string[] } {
  if (vocabulary) return vocabulary
  const read = (patterns: string[]) => patterns.flatMap((pattern) => globSync(pattern, { cwd: root })).sort().map((file) => readFileSync(join(root, file), 'utf8'))
  const sources = read(['src/**/*.ts'])
  const comments = sources.flatMap((source) => source.split('\n').filter((line) => /^\s*(\/\/|\*|\/\*\*)/.test(line)))
  const prose = [...read(['docs/*.md', 'README.md', 'src/**/*.md', 'src/**/*.txt']), ...comments].join('\n')
  const counts = new Map<string, number>()
  for (const word of prose.toLowerCase().match(/[a-z]{2,}/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1)
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const code = sources.map((source) => source.replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '')).join('\n')
  const identifiers = [...new Set(code.match(/\b[a-z]+[A-Z][A-Za-z]+\b|\b[A-Z][a-z]+[A-Z][A-Za-z]+\b/g) ?? [])].sort()
  vocabulary = { words: ranked.map(([word]) => word), counts: ranked.map(([, count]) => count), identifiers }
  return vocabulary
}

function createCorpus(random: Random): Corpus & { vocabulary: number } {
  const { words, counts, identifiers } = readVocabulary()
  const cumulative: number[] = []
  counts.reduce((sum, count, index) => (cumulative[index] = sum + count), 0)
  const total = cumulative.at(-1) ?? 1
  const word = () => {
    const target = random.next() * total
    let low = 0
    let high = cumulative.length - 1
    while (low < high) {
      const middle = (low + high) >> 1
      if ((cumulative[middle] as number) > target) high = middle
      else low = middle + 1
    }
    return words[low] as string
  }
  // Names for folders and files: words that are neither the commonest (the, and) nor one-offs.
  const names = words.slice(40, 1_500).filter((name) => name.length >= 4)
  const areas = [...new Set(Array.from({ length: 14 }, () => random.pick(names.slice(0, 300))))]
  const files: string[] = []
  const fileName = () => Array.from({ length: random.int(1, 3) }, () => random.pick(names)).join('-')
  while (files.length < fileCount) {
    const area = random.pick(areas)
    const directory = random.chance(0.4) ? `src/${area}/${random.pick(names)}/` : `src/${area}/`
    const name = fileName()
    files.push(`${directory}${name}.ts`)
    if (random.chance(0.4)) files.push(`${directory}${name}.test.ts`)
    if (random.chance(0.05)) files.push(random.pick([`docs/${fileName()}.md`, `test/${fileName()}.test.ts`, `scripts/${fileName()}.ts`]))
  }
  const unique = [...new Set(files)]
  return { word, identifier: () => random.pick(identifiers), file: () => random.pick(unique), files: unique, areas, vocabulary: words.length + identifiers.length }
}

// --- Memories, tasks and queries that look like real ones -------------------------------------

function sentence(random: Random, corpus: Corpus): string {
  const tokens = Array.from({ length: random.int(6, 22) }, () => {
    const roll = random.next()
    if (roll < 0.08) return `\`${corpus.identifier()}\``
    if (roll < 0.11) return corpus.file()
    if (roll < 0.13) return String(random.int(2, 500))
    return corpus.word()
  })
  const text = tokens.join(' ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

/** Whole sentences until about `characters`. */
function prose(random: Random, corpus: Corpus, characters: number): string {
  let text = sentence(random, corpus)
  while (text.length < characters) text += ` ${sentence(random, corpus)}`
  return text
}

/** 100 to 1,500 characters, most of them short. */
function memoryLength(random: Random): number {
  return Math.round(100 + 1_400 * random.next() ** 2)
}

function clip(text: string, limit = 1_500): string {
  return text.length <= limit ? text : text.slice(0, text.lastIndexOf(' ', limit))
}

const verbs = ['Fix', 'Add', 'Make', 'Move', 'Remove', 'Rename', 'Split', 'Test', 'Document', 'Speed up', 'Handle', 'Support', 'Refactor', 'Check', 'Cache', 'Retry']

/** Two to eight words, as a planner titles a task: a verb, words, now and then a name from the code or a file. */
function title(random: Random, corpus: Corpus): string {
  const words = [random.pick(verbs)]
  const length = random.int(2, 8)
  while (words.join(' ').split(' ').length < length) {
    const roll = random.next()
    words.push(roll < 0.12 ? corpus.identifier() : roll < 0.18 ? corpus.file() : corpus.word())
  }
  return words.join(' ')
}

function scope(random: Random, corpus: Corpus): string[] {
  const area = random.pick(corpus.areas)
  const inArea = corpus.files.filter((file) => file.startsWith(`src/${area}/`))
  if (random.chance(0.3) || inArea.length === 0) return [`src/${area}/**`]
  return Array.from({ length: random.int(1, 4) }, () => random.pick(inArea))
}

function gateOutput(random: Random, corpus: Corpus, file: string): string {
  const line = () => `${random.int(1, 400)}:${random.int(1, 60)}`
  const testFile = file.replace(/(\.test)?\.ts$/, '.test.ts')
  switch (random.int(0, 2)) {
    case 0: {
      const failed = random.int(1, 4)
      const passed = random.int(3, 80)
      const failures = Array.from({ length: failed }, () => [
        ` FAIL  ${testFile} > ${corpus.word()} ${corpus.word()} > ${corpus.word()} ${corpus.word()} ${corpus.word()}`,
        `AssertionError: expected ${random.pick(["'" + corpus.word() + "'", '[]', String(random.int(0, 9)), 'undefined'])} to ${random.pick(['be', 'deeply equal', 'contain'])} ${random.pick(["'" + corpus.word() + "'", '[ 3 ]', String(random.int(0, 9)), 'true'])}`,
        ` ❯ ${testFile}:${line()}`,
      ])
      return [...failures.flat(), ` Test Files  1 failed | ${random.int(1, 40)} passed`, `      Tests  ${failed} failed | ${passed} passed (${passed + failed})`].join('\n')
    }
    case 1:
      return Array.from({ length: random.int(1, 4) }, () => {
        const message = random.pick([
          `Property '${corpus.identifier()}' does not exist on type '${corpus.identifier()}'.`,
          `Argument of type 'string' is not assignable to parameter of type 'number'.`,
          `Cannot find name '${corpus.identifier()}'.`,
          `Type 'undefined' is not assignable to type '${corpus.identifier()}'.`,
        ])
        return `${file}(${line().replace(':', ',')}): error TS${random.int(2300, 2800)}: ${message}`
      }).join('\n')
    default: {
      const problems = random.int(1, 3)
      const lines = Array.from({ length: problems }, () => `  ${line()}  error  ${sentence(random, corpus).slice(0, 60)}  @typescript-eslint/${random.pick(['no-floating-promises', 'no-unused-vars', 'no-misused-promises'])}`)
      return [file, ...lines, `✖ ${problems} problems (${problems} errors, 0 warnings)`].join('\n')
    }
  }
}

const kindShares: [MemoryKind, number][] = [
  ['note', 0.42],
  ['handoff', 0.28],
  ['failure', 0.2],
  ['verdict', 0.07],
  ['steer', 0.03],
]

function pickKind(random: Random): MemoryKind {
  let roll = random.next()
  for (const [kind, share] of kindShares) if ((roll -= share) < 0) return kind
  return 'note'
}

const hex = (random: Random) => Array.from({ length: 40 }, () => random.int(0, 15).toString(16)).join('')

/** The files a memory about `task` names: mostly its scope's, sometimes a neighbour's. */
function filesAbout(random: Random, corpus: Corpus, task: Task): string[] {
  const own = task.scope.filter((glob) => !glob.includes('*'))
  return [...new Set(Array.from({ length: random.int(1, 5) }, () => (own.length > 0 && random.chance(0.7) ? random.pick(own) : corpus.file())))]
}

function memoryFor(random: Random, corpus: Corpus, task: Task, agentId: number): NewMemory {
  const kind = pickKind(random)
  const provenance = { runId: task.runId, taskId: task.id, agentId }
  switch (kind) {
    case 'note':
      return { kind, role: random.pick(['worker', 'worker', 'worker', 'planner']), text: clip(prose(random, corpus, memoryLength(random))), files: random.chance(0.12) ? filesAbout(random, corpus, task) : [], ...provenance }
    case 'handoff': {
      const summary = prose(random, corpus, Math.max(100, memoryLength(random) * 0.7))
      const text = random.chance(0.4) ? `${summary}\nConcerns: ${prose(random, corpus, 80)}` : summary
      return { kind, role: 'worker', text: clip(text), files: random.chance(0.3) ? filesAbout(random, corpus, task) : [], commit: hex(random), source: 'handoff', ...provenance }
    }
    case 'failure': {
      const files = filesAbout(random, corpus, task)
      const reason = random.pick(['the gate failed', 'the gate failed', 'the gate failed', 'its lease expired', `gave up: ${sentence(random, corpus)}`, 'a merge conflict with the target'])
      const lines = [`Attempt ${random.int(1, 3)} of task ${task.id} "${task.title}" ended: ${reason}`]
      if (reason === 'the gate failed') lines.push(`Its last gate failure:\n${gateOutput(random, corpus, files[0] as string)}`)
      if (reason.startsWith('a merge')) lines.push(`Conflicted with the target in: ${files.join(', ')}`)
      while (lines.join('\n').length < 100) lines.push(sentence(random, corpus))
      return { kind, role: 'worker', author: `worker-${random.int(1, 8)}`, text: clip(lines.join('\n')), files: random.chance(0.45) ? files : [], source: 'event', ...provenance }
    }
    case 'verdict':
      return { kind, role: 'judge', text: clip(`${random.pick(['continue', 'continue', 'done'])} (cycle ${random.int(1, 12)}): ${prose(random, corpus, memoryLength(random))}`), runId: task.runId, source: 'event' }
    case 'steer':
      // Standing instructions are shown in every first request: people keep a handful, short.
      return { kind, role: 'person', author: random.pick(['ana', 'ben', 'chidi', 'dana']), text: prose(random, corpus, random.int(100, 300)), standing: random.chance(0.03), runId: task.runId, source: 'event' }
  }
}

// --- Filling a store --------------------------------------------------------------------------

interface Filled {
  tasks: Task[]
  insertMs: number[]
  staleMs: number[]
  withFiles: number
  standing: number
  forgotten: number
  characters: number
  byKind: Map<MemoryKind, number>
}

async function fill(store: Store, clock: { now: number }, random: Random, corpus: Corpus): Promise<Filled> {
  const runs = Math.max(2, Math.round(memoryCount / 250))
  const tasksPerRun = Math.max(4, Math.round(memoryCount / 8 / runs))
  const step = (90 * 24 * 3_600_000) / memoryCount
  const filled: Filled = { tasks: [], insertMs: [], staleMs: [], withFiles: 0, standing: 0, forgotten: 0, characters: 0, byKind: new Map() }
  let runTasks: Task[] = []
  let currentRun = -1
  for (let index = 0; index < memoryCount; index++) {
    clock.now += step
    const runIndex = Math.floor((index * runs) / memoryCount)
    if (runIndex !== currentRun) {
      currentRun = runIndex
      const run = await store.createRun({ goal: title(random, corpus), target: 'colony/main' })
      runTasks = []
      for (let count = 0; count < tasksPerRun; count++) {
        runTasks.push(await store.createTask({ runId: run.id, title: title(random, corpus), description: prose(random, corpus, random.int(80, 400)), scope: scope(random, corpus), createdBy: 'planner' }))
      }
      filled.tasks.push(...runTasks)
    }
    const task = random.pick(runTasks)
    const input = memoryFor(random, corpus, task, task.id * 4 + random.int(0, 3))
    const started = performance.now()
    const memory = await store.addMemory(input)
    filled.insertMs.push(performance.now() - started)
    filled.byKind.set(memory.kind, (filled.byKind.get(memory.kind) ?? 0) + 1)
    filled.characters += memory.text.length
    if (memory.files.length > 0) filled.withFiles++
    if (memory.standing) filled.standing++
    // A handoff that names files is a landing: what was written about them before is stale now.
    if (memory.kind === 'handoff' && memory.files.length > 0 && memory.commit) {
      const landed = performance.now()
      await store.markMemoriesStale({ files: memory.files, commit: memory.commit, taskId: memory.taskId })
      filled.staleMs.push(performance.now() - landed)
    }
    if (random.chance(0.015)) {
      await store.forgetMemory(memory.id, 'ana')
      filled.forgotten++
    }
  }
  return filled
}

// --- Measuring ------------------------------------------------------------------------------

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, performance.now() - started]
}

type FilterKind = 'none' | 'kinds' | 'files' | 'task'
const filterKinds: FilterKind[] = ['none', 'kinds', 'files', 'task']

function recallFilter(kind: FilterKind, random: Random, corpus: Corpus, tasks: Task[]): MemoryFilter {
  switch (kind) {
    case 'none':
      return {}
    case 'kinds':
      return { kinds: random.chance(0.5) ? ['note', 'handoff', 'failure', 'verdict'] : [random.pick(['note', 'handoff', 'failure'] as const)] }
    case 'files':
      return { files: random.chance(0.3) ? [`src/${random.pick(corpus.areas)}/`] : Array.from({ length: random.int(1, 3) }, () => corpus.file()) }
    case 'task':
      return { taskId: random.pick(tasks).id }
  }
}

interface Result {
  backend: string
  insertPerSecond: number
  fillSeconds: number
  staleMs: number[]
  recall: number[]
  recallBy: Map<FilterKind, number[]>
  hits: number
  task: number[]
  planner: number[]
  taskTokens: number[]
  plannerTokens: number[]
  bytes: number
  detail: string
}

async function measure(backend: string, store: Store, clock: { now: number }, corpus: Corpus, random: Random): Promise<Omit<Result, 'bytes' | 'detail'> & { filled: Filled }> {
  const fillStarted = performance.now()
  const filled = await fill(store, clock, random, corpus)
  const fillSeconds = (performance.now() - fillStarted) / 1000
  const insertPerSecond = memoryCount / (filled.insertMs.reduce((sum, ms) => sum + ms, 0) / 1000)

  for (let index = 0; index < 20; index++) await store.recallMemories(title(random, corpus))
  const recall: number[] = []
  const recallBy = new Map<FilterKind, number[]>(filterKinds.map((kind) => [kind, []]))
  let hits = 0
  for (let index = 0; index < queryCount; index++) {
    const kind = filterKinds[index % filterKinds.length] as FilterKind
    const filter = recallFilter(kind, random, corpus, filled.tasks)
    const [found, ms] = await timed(() => store.recallMemories(title(random, corpus), filter))
    hits += found.length
    recall.push(ms)
    recallBy.get(kind)?.push(ms)
  }

  const task: number[] = []
  const planner: number[] = []
  const taskTokens: number[] = []
  const plannerTokens: number[] = []
  for (let index = 0; index < contextCount; index++) {
    const [forTask, taskMs] = await timed(() => memoryForTask(store, random.pick(filled.tasks), budget))
    task.push(taskMs)
    taskTokens.push(estimateTokens(forTask))
    const area = { text: `${title(random, corpus)}. ${prose(random, corpus, random.int(80, 300))}`, scope: random.chance(0.25) ? [] : [`src/${random.pick(corpus.areas)}/**`] }
    const [forPlanner, plannerMs] = await timed(() => memoryForPlanner(store, area, budget))
    planner.push(plannerMs)
    plannerTokens.push(estimateTokens(forPlanner))
  }
  return { backend, insertPerSecond, fillSeconds, staleMs: filled.staleMs, recall, recallBy, hits, task, planner, taskTokens, plannerTokens, filled }
}

async function stale(store: Store): Promise<number> {
  let count = 0
  let beforeId: number | undefined
  for (;;) {
    const page = await store.listMemories({ includeForgotten: true, limit: 1_000, ...(beforeId === undefined ? {} : { beforeId }) })
    count += page.filter((memory) => memory.stale).length
    if (page.length < 1_000) return count
    beforeId = page.at(-1)?.id
  }
}

/** Each backend gets the same layout, memories and queries: its own corpus and generator from the seed. */
async function runBackend(backend: 'SQLite' | 'PostgreSQL'): Promise<Result> {
  const corpus = createCorpus(createRandom(seed))
  const random = createRandom(seed + 1)
  const clock = { now: Date.UTC(2026, 8, 1) }
  const fresh = backend === 'SQLite' ? await freshSqlite() : await createTestDatabase()
  try {
    const store = await openStore(fresh.url, { now: () => clock.now })
    const result = await measure(backend, store, clock, corpus, random)
    const staleCount = await stale(store)
    await store.close()
    const bytes = backend === 'SQLite' ? (await stat(fresh.url)).size : await postgresBytes(fresh.url)
    const { filled } = result
    const kinds = [...filled.byKind].map(([kind, count]) => `${kind} ${count}`).join(', ')
    const detail = `${backend}: ${kinds}; ${pct(filled.withFiles)} with files, ${pct(staleCount)} stale, ${filled.standing} standing, ${filled.forgotten} forgotten, mean ${Math.round(filled.characters / memoryCount)} characters; ${filled.tasks.length} tasks; fill ${result.fillSeconds.toFixed(1)} s; markMemoriesStale p50 ${ms(percentile(sorted(result.staleMs), 0.5))} p95 ${ms(percentile(sorted(result.staleMs), 0.95))} ms over ${result.staleMs.length} landings; ${(result.hits / queryCount).toFixed(1)} hits per recall`
    return { ...result, bytes, detail }
  } finally {
    if (values.keep) console.log(`${backend} store kept at ${fresh.url}`)
    else await fresh.dispose()
  }
}

async function freshSqlite(): Promise<{ url: string; dispose(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'colony-bench-memory-'))
  return { url: join(directory, 'colony.db'), dispose: () => rm(directory, { recursive: true, force: true }) }
}

/** The memory tables with their indexes (the database itself carries PostgreSQL's catalogue too). */
async function postgresBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query<{ bytes: string }>(`select pg_total_relation_size('memories') + pg_total_relation_size('memory_files') as bytes`)
    return Number(result.rows[0]?.bytes)
  } finally {
    await client.end()
  }
}

const pct = (count: number) => `${((100 * count) / memoryCount).toFixed(1)}%`
const ms = (value: number) => value.toFixed(2)

// --- Report --------------------------------------------------------------------------------

const corpus = createCorpus(createRandom(seed))
const backends: ('SQLite' | 'PostgreSQL')[] = []
if (values.backends.includes('sqlite')) backends.push('SQLite')
if (values.backends.includes('postgres')) {
  const unreachable = await postgresUnreachable()
  if (unreachable) console.log(`PostgreSQL skipped (${postgresAdminUrl}): ${unreachable}`)
  else backends.push('PostgreSQL')
}

console.log(
  `memory benchmark: ${memoryCount} memories, ${corpus.files.length} files, ${corpus.vocabulary} words and identifiers, ${queryCount} recalls, ${contextCount} tasks and planners, budget ${budget} tokens, seed ${seed}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}`,
)
const results: Result[] = []
for (const backend of backends) results.push(await runBackend(backend))

const headers = ['backend', 'inserts/s', 'recall p50', 'p95', 'p99', 'task p50', 'p95', 'planner p50', 'p95', 'max tokens', 'store MB']
const row = (cells: string[]) => console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(10) : cell.padStart(Math.max(7, (headers[index] as string).length)))).join('  '))
console.log('\nlatencies in ms; max tokens: the largest memory section of any first request (budget ' + budget + '); store MB: the SQLite file, or PostgreSQL\'s memory tables with their indexes')
row(headers)
for (const result of results) {
  const recall = sorted(result.recall)
  const task = sorted(result.task)
  const planner = sorted(result.planner)
  const tokens = Math.max(...result.taskTokens, ...result.plannerTokens)
  row([
    result.backend,
    result.insertPerSecond.toFixed(0),
    ms(percentile(recall, 0.5)),
    ms(percentile(recall, 0.95)),
    ms(percentile(recall, 0.99)),
    ms(percentile(task, 0.5)),
    ms(percentile(task, 0.95)),
    ms(percentile(planner, 0.5)),
    ms(percentile(planner, 0.95)),
    String(tokens),
    (result.bytes / 1_048_576).toFixed(1),
  ])
}
console.log('\nrecall p50 / p95 ms by filter:')
for (const result of results) {
  console.log(`${result.backend.padEnd(10)}  ${filterKinds.map((kind) => { const times = sorted(result.recallBy.get(kind) ?? []); return `${kind} ${ms(percentile(times, 0.5))} / ${ms(percentile(times, 0.95))}` }).join('   ')}`)
}
console.log('\ncontext tokens (budget ' + budget + '): mean / max')
for (const result of results) {
  const mean = (numbers: number[]) => (numbers.reduce((sum, value) => sum + value, 0) / numbers.length).toFixed(0)
  console.log(`${result.backend.padEnd(10)}  task ${mean(result.taskTokens)} / ${Math.max(...result.taskTokens)}   planner ${mean(result.plannerTokens)} / ${Math.max(...result.plannerTokens)}`)
}
console.log('')
for (const result of results) console.log(result.detail)

const over = results.filter((result) => Math.max(...result.taskTokens, ...result.plannerTokens) > budget)
const slow = results.filter((result) => percentile(sorted(result.recall), 0.95) >= 50)
console.log(`\ntarget: recall p95 < 50 ms ${slow.length === 0 ? 'met' : `MISSED (${slow.map((result) => result.backend).join(', ')})`}; context within ${budget} tokens ${over.length === 0 ? 'met' : `EXCEEDED (${over.map((result) => result.backend).join(', ')})`}`)
if (over.length > 0) process.exitCode = 1
