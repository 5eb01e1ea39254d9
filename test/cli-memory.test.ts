import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { memoryForTask } from '../src/memory/index.ts'
import { openStore, type MemoryJson } from '../src/store/index.ts'
import { colony, createTempRepository } from './support/cli.ts'

type MemoryHitJson = MemoryJson & { score: number }

/** The ids of the memories in `colony memory` text output, in the order shown. */
const shownIds = (stdout: string) => [...stdout.matchAll(/^\[memory (\d+)\]/gm)].map((match) => Number(match[1]))

// PERF: each step starts a CLI process; Node's compile cache halves the start-up of each.
let compileCache: string
beforeAll(async () => {
  compileCache = await mkdtemp(join(tmpdir(), 'colony-memory-cache-'))
})
afterAll(async () => {
  await rm(compileCache, { recursive: true, force: true })
})

/** A repository with Colony set up, removed when the test ends, and how a test works in it. */
async function memoryRepository(onTestFinished: TestContext['onTestFinished']) {
  const repo = await createTempRepository({ 'README.md': '# sample\n', 'src/config/loader.ts': 'export {}\n', 'src/parse.ts': 'export {}\n' })
  onTestFinished(() => repo.dispose())
  const run = (args: string[]) => colony(repo.root, args, { NODE_COMPILE_CACHE: compileCache })
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await run([...args, '--json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    return JSON.parse(result.stdout) as T
  }
  const withStore = async <T>(action: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> => {
    const store = await openStore(join(repo.root, '.colony', 'colony.db'))
    try {
      return await action(store)
    } finally {
      await store.close()
    }
  }

  /** Memory 1 and 2: a person's standing instructions; memory 3: a worker's note on task 1. */
  async function remember(): Promise<void> {
    const first = await run(['memory', 'add', 'The configuration loader must reject unknown keys', '--file', 'src/config/'])
    expect(first.stderr).toBe('')
    expect(first.stdout).toBe('memory 1 added: planners and workers see it until you forget it with `colony memory forget 1`\n')
    expect((await run(['memory', 'add', 'Dates', 'are', 'UTC', 'everywhere'])).code).toBe(0)
    expect((await run(['task', 'add', 'Parse dates', '--scope', 'src/**'])).stdout.trim()).toBe('1')
    await withStore((store) => store.addMemory({ kind: 'note', role: 'worker', runId: 1, taskId: 1, files: ['src/parse.ts'], text: 'The parser trims whitespace before reading a date' }))
  }

  expect((await run(['init'])).code).toBe(0)
  return { run, json, withStore, remember }
}

// PERF: each test has its own repository, and mostly waits on CLI processes: they run at once.
describe.concurrent('colony memory', () => {
  it('adds standing instructions, lists memories newest first and filters them by kind, task, file and limit', async ({ onTestFinished }) => {
    const { run, json, remember } = await memoryRepository(onTestFinished)
    const nothing = await run(['memory'])
    expect(nothing.code).toBe(0)
    expect(nothing.stdout).toContain('Colony remembers nothing yet; add a standing instruction with `colony memory add TEXT`')
    await remember()

    const listed = await run(['memory'])
    expect(listed.code).toBe(0)
    expect(shownIds(listed.stdout)).toEqual([3, 2, 1])
    expect(listed.stdout).toContain('[memory 1] standing instruction by person')
    expect(listed.stdout).toContain('about: src/config/\nThe configuration loader must reject unknown keys')
    expect(listed.stdout).toContain('[memory 3] note by worker')

    const memories = await json<MemoryJson[]>(['memory'])
    expect(memories.map((memory) => memory.id)).toEqual([3, 2, 1])
    expect(memories[2]).toEqual({
      id: 1,
      kind: 'steer',
      text: 'The configuration loader must reject unknown keys',
      role: 'person',
      author: 'person',
      runId: 1,
      taskId: null,
      agentId: null,
      commit: null,
      files: ['src/config/'],
      standing: true,
      source: null,
      stale: null,
      forgotten: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
    })
    expect(memories[1]).toMatchObject({ text: 'Dates are UTC everywhere', files: [] })

    const [notes, steering, ofTask, aboutLoader, underSource, newest] = await Promise.all([
      json<MemoryJson[]>(['memory', '--kind', 'note']),
      json<MemoryJson[]>(['memory', '--kind', 'steer']),
      json<MemoryJson[]>(['memory', '--task', '1']),
      json<MemoryJson[]>(['memory', '--file', 'src/config/loader.ts']),
      json<MemoryJson[]>(['memory', '--file', 'src/']),
      run(['memory', '--limit', '1']),
    ])
    expect(notes.map((memory) => memory.id)).toEqual([3])
    expect(steering.map((memory) => memory.id)).toEqual([2, 1])
    expect(ofTask.map((memory) => memory.id)).toEqual([3])
    expect(aboutLoader.map((memory) => memory.id)).toEqual([1])
    expect(underSource.map((memory) => memory.id)).toEqual([3, 1])
    expect(shownIds(newest.stdout)).toEqual([3])
    expect(newest.stdout).toContain('the newest 1 are shown; see more with --limit 2')
    expect((await run(['memory', '--kind', 'verdict'])).stdout).toBe('no memories match these options\n')

    const added = await json<MemoryJson>(['memory', 'add', 'Keep the public API stable', '--file', 'src/parse.ts', '--file', 'README.md'])
    expect(added).toMatchObject({ id: 4, kind: 'steer', role: 'person', author: 'person', standing: true, runId: 1, files: ['src/parse.ts', 'README.md'], forgotten: null })
    const events = (await run(['events'])).stdout
    expect(events).toMatch(/memory-added memory=1 kind=steer actor=person text="The configuration loader must reject unknown keys"/)
    expect(events).toMatch(/memory-added memory=4 kind=steer actor=person/)
  })

  it('searches by other forms of the same words, best first, and says so when nothing matches', async ({ onTestFinished }) => {
    const { run, json, remember } = await memoryRepository(onTestFinished)
    await remember()
    const found = await run(['memory', 'search', 'configured'])
    expect(found.code).toBe(0)
    expect(shownIds(found.stdout)).toEqual([1])
    expect(found.stdout).toContain('The configuration loader must reject unknown keys')

    // Any word may match; the note holds three of them, memory 2 one.
    const hits = await json<MemoryHitJson[]>(['memory', 'search', 'whitespace', 'reading', 'dates'])
    expect(hits.map((hit) => hit.id)).toEqual([3, 2])
    expect(hits[0]).toMatchObject({ kind: 'note', taskId: 1, files: ['src/parse.ts'] })
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score)
    expect(hits[1]!.score).toBeGreaterThan(0)

    const [steering, ofTask, aboutConfig] = await Promise.all([
      json<MemoryHitJson[]>(['memory', 'search', 'dates', 'loader', '--kind', 'steer']),
      json<MemoryHitJson[]>(['memory', 'search', 'dates', '--task', '1']),
      json<MemoryHitJson[]>(['memory', 'search', 'dates', 'loader', '--file', 'src/config/loader.ts', '--limit', '5']),
    ])
    expect(steering.map((hit) => hit.id).sort()).toEqual([1, 2])
    expect(ofTask.map((hit) => hit.id)).toEqual([3])
    expect(aboutConfig.map((hit) => hit.id)).toEqual([1])

    const none = await run(['memory', 'search', 'zebra', 'crossing'])
    expect(none.code).toBe(0)
    expect(none.stdout).toContain('no memory matches "zebra crossing"; try other words')
    expect(await json<MemoryHitJson[]>(['memory', 'search', 'zebra'])).toEqual([])
  })

  it('shows one memory whole, with its provenance', async ({ onTestFinished }) => {
    const { run, json, withStore, remember } = await memoryRepository(onTestFinished)
    await remember()
    const long = `Never edit generated files. ${'The generator owns them. '.repeat(80)}`.trim()
    expect((await run(['memory', 'add', long])).code).toBe(0)
    const shown = await run(['memory', 'show', '4'])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^\[memory 4\] standing instruction by person · run 1 · /)
    expect(shown.stdout).toContain(long)
    // A list cuts long text and says where to read the rest.
    expect((await run(['memory'])).stdout).toContain('more characters: recall or `colony memory show 4`')
    expect((await run(['memory', 'show', '3'])).stdout).toMatch(/^\[memory 3\] note by worker · task 1 · run 1 · .*\nabout: src\/parse\.ts\nThe parser trims whitespace/)
    // What a model wrote can neither steer the terminal nor hide what it says.
    await withStore((store) => store.addMemory({ kind: 'note', role: 'worker', text: 'clear \u001b[2J the screen\u009b and \u202ereverse' }))
    const hostile = await run(['memory', 'show', '5'])
    expect(hostile.stdout).toContain('clear \\x1b[2J the screen\\x9b and \\u202ereverse')
    for (const raw of ['\u001b', '\u009b', '\u202e']) expect(hostile.stdout).not.toContain(raw)
    expect((await json<MemoryJson>(['memory', 'show', '5'])).text).toBe('clear \u001b[2J the screen\u009b and \u202ereverse')
    const memory = await json<MemoryJson>(['memory', 'show', '1'])
    expect(memory).toEqual((await json<MemoryJson[]>(['memory', '--kind', 'steer'])).find((listed) => listed.id === 1))
  })

  it('forgets a memory: gone from list, search and what workers are given, kept with --all, and forgetting it twice says by whom', async ({ onTestFinished }) => {
    const { run, json, withStore, remember } = await memoryRepository(onTestFinished)
    await remember()
    const task = await withStore((store) => store.getTask(1))
    expect(await withStore((store) => memoryForTask(store, task, 4_000))).toContain('The configuration loader must reject unknown keys')

    const forgotten = await run(['memory', 'forget', '1'])
    expect(forgotten.stderr).toBe('')
    expect(forgotten.code).toBe(0)
    expect(forgotten.stdout).toBe('memory 1 forgotten: agents no longer see it; it stays in the record (`colony memory show 1`)\n')

    expect(shownIds((await run(['memory'])).stdout)).toEqual([3, 2])
    expect(await json<MemoryHitJson[]>(['memory', 'search', 'configured'])).toEqual([])
    expect(await withStore((store) => memoryForTask(store, task, 4_000))).not.toContain('The configuration loader')
    const all = await run(['memory', '--all'])
    expect(shownIds(all.stdout)).toEqual([3, 2, 1])
    expect(all.stdout).toMatch(/\[memory 1\] .*\nabout: src\/config\/\nforgotten by person at /)
    const kept = await json<MemoryJson[]>(['memory', '--all', '--kind', 'steer'])
    expect(kept.find((memory) => memory.id === 1)?.forgotten).toEqual({ by: 'person', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string })

    const again = await run(['memory', 'forget', '1'])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^memory 1 was already forgotten by person at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ; nothing changed\n$/)
    const events = (await run(['events'])).stdout
    expect(events.match(/memory-forgotten memory=1 actor=person/g)).toHaveLength(1)
  })

  it('refuses bad arguments with exit 2 and unknown memories with exit 1, saving nothing', async ({ onTestFinished }) => {
    const { run, json, remember } = await memoryRepository(onTestFinished)
    await remember()
    const before = await json<MemoryJson[]>(['memory', '--all'])
    const cases: { args: string[]; code: number; mentions: string[] }[] = [
      { args: ['memory', '--kind', 'idea'], code: 2, mentions: ['colony: unknown memory kind "idea"', 'fix: use one of: note, handoff, failure, verdict, steer'] },
      { args: ['memory', 'search', 'x', '--kind', 'note,rumour'], code: 2, mentions: ['unknown memory kind "rumour"'] },
      { args: ['memory', '--task', 'one'], code: 2, mentions: ['"one" is not a task id'] },
      { args: ['memory', '--limit', '0'], code: 2, mentions: ['--limit must be a whole number from 1 to 100000, got "0"'] },
      { args: ['memory', 'search', 'dates', '--limit', '1e3'], code: 2, mentions: ['--limit must be a whole number from 1 to 100000, got "1e3"'] },
      { args: ['memory', '--file', '../outside'], code: 2, mentions: ['the file "../outside" leads out of the repository', 'fix: write a path relative to the repository root'] },
      { args: ['memory', 'show', 'abc'], code: 2, mentions: ['"abc" is not an id', 'fix: memory ids are whole numbers'] },
      { args: ['memory', 'forget', '0'], code: 2, mentions: ['"0" is not an id'] },
      { args: ['memory', 'show', '99'], code: 1, mentions: ['colony: no memory with id 99', 'fix: see what Colony remembers with `colony memory`'] },
      { args: ['memory', 'forget', '99'], code: 1, mentions: ['colony: no memory with id 99'] },
      { args: ['memory', 'add'], code: 2, mentions: ["missing required argument 'text'"] },
      { args: ['memory', 'add', '  '], code: 2, mentions: ['the instruction is empty'] },
      { args: ['memory', 'add', 'x'.repeat(10_001)], code: 2, mentions: ['the instruction is 10001 characters long; at most 10000 are allowed'] },
      { args: ['memory', 'add', 'clear \u001b[2J'], code: 2, mentions: ['the instruction contains a control character'] },
      { args: ['memory', 'add', 'x', '--file', '/etc/passwd'], code: 2, mentions: ['the file "/etc/passwd" is an absolute path'] },
      { args: ['memory', 'search'], code: 2, mentions: ["missing required argument 'query'"] },
      { args: ['memory', 'search', ' '], code: 2, mentions: ['the query is empty'] },
      { args: ['memory', 'recall', 'x'], code: 2, mentions: ['unknown command "colony memory recall"', 'colony memory [search|show|add|forget]'] },
    ]
    const results = await Promise.all(cases.map((entry) => run(entry.args)))
    for (const [index, result] of results.entries()) {
      const entry = cases[index]!
      expect(result.code, `colony ${entry.args.join(' ')}: ${result.stderr}`).toBe(entry.code)
      expect(result.stdout).toBe('')
      for (const mention of entry.mentions) expect(result.stderr).toContain(mention)
    }
    expect(await json<MemoryJson[]>(['memory', '--all'])).toEqual(before)
  })
})
