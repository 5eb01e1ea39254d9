import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memoryForTask } from '../src/memory/index.ts'
import { openStore, type MemoryJson, type Store } from '../src/store/index.ts'
import { cliEntry, colony, createTempRepository } from './support/cli.ts'

const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

describe('colony serve: the repository memory', () => {
  let repo: { root: string; dispose(): Promise<void> }
  let server: ChildProcess
  let store: Store
  let base: string

  beforeEach(async () => {
    repo = await createTempRepository()
    await colony(repo.root, ['init'])
    await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test', '--scope', 'src/dates/**'])
    server = spawn(process.execPath, [cliEntry, 'serve', '--port', '0'], { cwd: repo.root, env: { ...process.env, COLONY_SERVER_TOKEN: 'test-token' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in 20 s: ${output}`)), 20_000)
      server.once('exit', (code) => reject(new Error(`colony serve exited with ${code}: ${output}`)))
      server.stdout!.on('data', () => {
        const match = /API: +(http:\/\/127\.0\.0\.1:\d+\/api)/.exec(output)
        if (!match) return
        clearTimeout(timer)
        resolve(match[1]!)
      })
    })
    store = await openStore(join(repo.root, '.colony', 'colony.db'))
  })

  afterEach(async () => {
    await store.close()
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill('SIGINT')
      expect(await exited).toBe(0)
    }
    await repo.dispose()
  })

  const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: 'Bearer test-token', 'content-type': 'application/json', ...init.headers } })
  const memoriesAt = async (path: string) => {
    const response = await api(path)
    expect(response.status, await response.clone().text()).toBe(200)
    // A search adds each memory's score.
    return ((await response.json()) as { memories: (MemoryJson & { score?: number })[] }).memories
  }

  it("adds a person's standing instruction that workers then see, searches by stemmed words, filters, shows staleness, and forgets", async () => {
    expect(await memoriesAt('/memory')).toEqual([])

    const added = await api('/memory', { method: 'POST', body: JSON.stringify({ text: '  The date configuration lives in config/dates.json\n', files: ['./config/dates.json'] }) })
    expect(added.status).toBe(201)
    const instruction = (await added.json()) as MemoryJson
    expect(instruction).toMatchObject({ kind: 'steer', role: 'person', author: 'api', standing: true, text: 'The date configuration lives in config/dates.json', files: ['config/dates.json'], runId: 1, stale: null, forgotten: null })
    expect(instruction.createdAt).toMatch(isoTime)
    const [addedEvent] = await store.listEvents({ types: ['memory-added'] })
    expect(addedEvent).toMatchObject({ runId: 1, data: { memory: instruction.id, kind: 'steer', actor: 'api', text: instruction.text } })

    // What a standing instruction is for: the next worker is told, whatever its task.
    const task = await store.getTask(1)
    expect(await memoryForTask(store, task, 4_000)).toContain('The date configuration lives in config/dates.json')

    const agent = await store.createAgent({ runId: 1, role: 'worker', taskId: 1 })
    const note = await store.addMemory({ kind: 'note', role: 'worker', runId: 1, taskId: 1, agentId: agent.id, commit: 'a1b2c3d4e5f60718293a', text: 'parseDate keeps the offset of its input', files: ['src/dates/parse.ts'] })
    const failure = await store.addMemory({ kind: 'failure', role: 'worker', author: 'worker-7', runId: 1, taskId: 1, text: 'Attempt 1 ended: the gate failed on leap years', files: ['src/dates/'] })
    await store.markMemoriesStale({ files: ['src/dates/parse.ts'], commit: 'f00dfeedbeef00112233' })

    // Newest first without a search; a search by other forms of its words, best first, with a score.
    expect((await memoriesAt('/memory')).map((memory) => memory.id)).toEqual([failure.id, note.id, instruction.id])
    const found = await memoriesAt(`/memory?q=${encodeURIComponent('where is dates configured?')}`)
    expect(found[0]).toMatchObject({ id: instruction.id })
    expect(typeof found[0]!.score).toBe('number')
    expect(found.map((memory) => memory.id)).not.toContain(failure.id)
    expect(await memoriesAt('/memory?q=')).toHaveLength(3)
    expect(await memoriesAt('/memory?q=zeppelin')).toEqual([])

    expect((await memoriesAt('/memory?kind=note')).map((memory) => memory.id)).toEqual([note.id])
    expect((await memoriesAt('/memory?task=1')).map((memory) => memory.id)).toEqual([failure.id, note.id])
    expect((await memoriesAt('/memory?file=src/dates/parse.ts')).map((memory) => memory.id)).toEqual([failure.id, note.id])
    expect((await memoriesAt('/memory?file=config/dates.json&file=src/dates/parse.ts')).map((memory) => memory.id)).toEqual([failure.id, note.id, instruction.id])
    expect((await memoriesAt('/memory?limit=1')).map((memory) => memory.id)).toEqual([failure.id])
    expect(await memoriesAt('/memory?kind=verdict&q=leap')).toEqual([])

    // One memory, with its provenance and what made it stale.
    const shown = (await (await api(`/memory/${note.id}`)).json()) as MemoryJson
    expect(shown).toMatchObject({ kind: 'note', role: 'worker', agentId: agent.id, taskId: 1, runId: 1, commit: 'a1b2c3d4e5f60718293a', standing: false, stale: { commit: 'f00dfeedbeef00112233', files: ['src/dates/parse.ts'] } })
    expect(shown.stale!.at).toMatch(isoTime)
    const missing = await api('/memory/999')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'MemoryNotFoundError', error: 'no memory with id 999' })

    // Forgetting: out of lists, searches and what workers see; kept in the record, once.
    const forgotten = await api(`/memory/${instruction.id}`, { method: 'DELETE' })
    expect(forgotten.status).toBe(200)
    const forgottenMemory = (await forgotten.json()) as MemoryJson
    expect(forgottenMemory.forgotten).toMatchObject({ by: 'api' })
    expect(forgottenMemory.forgotten!.at).toMatch(isoTime)
    expect((await memoriesAt('/memory')).map((memory) => memory.id)).toEqual([failure.id, note.id])
    expect(await memoriesAt('/memory?q=configured')).toEqual([])
    expect((await memoriesAt('/memory?all=true')).map((memory) => memory.id)).toEqual([failure.id, note.id, instruction.id])
    expect(await memoryForTask(store, task, 4_000)).not.toContain('config/dates.json')
    const again = await api(`/memory/${instruction.id}`, { method: 'DELETE' })
    expect(again.status).toBe(200)
    expect(((await again.json()) as MemoryJson).forgotten).toEqual(forgottenMemory.forgotten)
    expect((await store.listEvents({ types: ['memory-forgotten'] })).map((event) => event.data)).toEqual([{ memory: instruction.id, actor: 'api' }])
    expect((await api('/memory/999', { method: 'DELETE' })).status).toBe(404)
  }, 60_000)
})
