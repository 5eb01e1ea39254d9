import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, type TestContext } from 'vitest'
import { startScriptedServer, type ScriptedReply, type ScriptedRequest } from '../src/model/scripted/index.ts'
import { colony } from './support/cli.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'

const slugify = "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n"
const call = (name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 } })

/** A run of one task: the planner asks for slugify, a worker writes it, the judge says done. */
function oneTask(request: ScriptedRequest): ScriptedReply {
  if (request.purpose === 'summary') return { text: 'summary' }
  if (request.role === 'planner') {
    const first = JSON.stringify(request.body).includes('This is turn 1 on this plan') && request.turn === 1
    return first ? call('create_tasks', { tasks: [{ title: 'Implement slugify', description: 'as SPEC.md says', acceptance: ['node --test test/slugify.test.ts'], scope: ['src/slugify.ts'] }] }) : call('finish', { summary: 'planned' })
  }
  if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'slugify is in' })
  return request.turn === 1 ? call('write_file', { path: 'src/slugify.ts', content: slugify }) : call('finish', { summary: 'slugify implemented' })
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago, and is closed again). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

type Status = { run: { goal: string | null; status: string; startedAt: string | null; endedAt: string | null }; processes: { command: string }[]; hint: string | null }
type RunEvent = { id: number; type: string; time: string; taskId: number | null; data: Record<string, unknown> }

/** A run fixture disposed of when the test ends. */
async function fixtureFor(onTestFinished: TestContext['onTestFinished'], ...options: Parameters<typeof createRunFixture>): Promise<RunFixture> {
  const fixture = await createRunFixture(...options)
  onTestFinished(() => fixture.dispose())
  return fixture
}

const status = async (fixture: RunFixture) => JSON.parse((await colony(fixture.root, ['status', '--json'])).stdout) as Status
const events = async (fixture: RunFixture) => (await colony(fixture.root, ['events', '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as RunEvent)
const useProvider = (fixture: RunFixture, provider: Record<string, unknown>) =>
  writeFile(join(fixture.root, 'colony.json'), JSON.stringify({ models: { default: 'scripted:agent' }, providers: { scripted: { type: 'openai-compatible', ...provider } }, workers: 2, checks: { fast: [], full: [] }, limits: { attemptMinutes: 5, leaseSeconds: 6 } }))

// PERF: each test has its own repository and scripted server, and mostly waits on colony processes: they run at once.
describe.concurrent('colony run and its models', () => {
  it('refuses to start, within seconds and recording nothing, when the endpoint cannot be reached; a reworded goal then starts', async ({ onTestFinished }) => {
    const fixture = await fixtureFor(onTestFinished, oneTask)
    const before = await events(fixture)
    const port = await closedPort()
    const unreachable = [
      { baseURL: `http://127.0.0.1:${port}/v1`, error: 'connection refused: nothing answers on that address and port (ECONNREFUSED)' },
      { baseURL: 'http://no-such-host.invalid/v1', error: 'the host no-such-host.invalid cannot be resolved (ENOTFOUND)' },
    ]
    for (const [index, { baseURL, error }] of unreachable.entries()) {
      await useProvider(fixture, { baseURL })
      const started = Date.now()
      const refused = await colony(fixture.root, ['run', '--goal', `Implement slugify, try ${index + 1}`])
      expect(Date.now() - started).toBeLessThan(30_000)
      expect(refused.code, refused.stdout).toBe(1)
      expect(refused.stderr).toContain(`colony: nothing was started: cannot reach scripted:agent (planner, worker, judge) at ${baseURL}: ${error}`)
      expect(refused.stderr).toContain(`fix: make sure the server at ${baseURL} is running and reachable from this machine, or correct "providers.scripted.baseURL" in colony.json`)
      // Refused before anything was saved: no goal, no event, no agent started.
      expect(refused.stdout).toBe('')
      expect(await status(fixture)).toMatchObject({ run: { goal: null, status: 'pending', startedAt: null } })
      expect(await events(fixture)).toEqual(before)
    }
    expect(fixture.server.requests).toEqual([])

    // The endpoint fixed, a goal worded differently starts: nothing of the refused ones stands in its way.
    await useProvider(fixture, { baseURL: fixture.server.url })
    const run = await colony(fixture.root, ['run', '--goal', 'Implement slugify as SPEC.md says'])
    expect(run.code, run.stderr + run.stdout.slice(-2_000)).toBe(0)
    expect(run.stdout).toContain('1 of 1 work tasks merged in 1 cycle')
    expect(await status(fixture)).toMatchObject({ run: { goal: 'Implement slugify as SPEC.md says', status: 'done' } })
    // One check per distinct model before the run, answered outside the script, which saw only the run's calls.
    expect(fixture.server.checks).toHaveLength(1)
    expect(fixture.server.requests.every((request) => request.purpose !== 'check' && request.role !== undefined)).toBe(true)
  }, 120_000)

  it('refuses a local model that cannot be loaded before recording the goal, so a reworded goal meets the same refusal, not "another goal"', async ({ onTestFinished }) => {
    const fixture = await fixtureFor(onTestFinished, oneTask, { models: { default: 'local:m' }, providers: { local: { type: 'llama-cpp', modelPath: join(tmpdir(), 'no-such-model.gguf') } } })
    const before = await events(fixture)
    for (const goal of ['Implement slugify', 'Implement slugify, worded otherwise']) {
      const refused = await colony(fixture.root, ['run', '--goal', goal])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('colony: cannot run the local model:')
      expect(refused.stderr).not.toContain('with another goal')
      expect(await events(fixture)).toEqual(before)
    }
  })

  it('refuses a key the endpoint answers 401 to, naming the variable that holds it', async ({ onTestFinished }) => {
    const keyed = await startScriptedServer({ script: oneTask, apiKey: 'the-right-key' })
    onTestFinished(() => keyed.close())
    const url = keyed.url
    const fixture = await fixtureFor(onTestFinished, oneTask, { providers: { scripted: { type: 'openai-compatible', baseURL: url, apiKey: 'env:SCRIPTED_TEST_KEY' } } })
    const before = await events(fixture)
    const refused = await colony(fixture.root, ['run', '--goal', 'Implement slugify'], { SCRIPTED_TEST_KEY: 'a-wrong-key' })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`colony: nothing was started: ${url} refused the API key for scripted:agent (planner, worker, judge): HTTP 401: invalid API key (scripted)`)
    expect(refused.stderr).toContain(`fix: check the key in SCRIPTED_TEST_KEY: export SCRIPTED_TEST_KEY=<a valid key for ${url}>`)
    expect(refused.stderr).not.toContain('a-wrong-key')
    expect(await events(fixture)).toEqual(before)
    expect(keyed.requests).toEqual([])
  })

  it('shows a model error live and in colony events, and the run goes on past it', async ({ onTestFinished }) => {
    let failed = false
    const fixture = await fixtureFor(onTestFinished, (request) => {
      if (request.role === 'planner' && !failed) {
        failed = true
        return { error: { status: 400, message: 'the scripted model cannot answer this once' } }
      }
      return oneTask(request)
    }, { checks: { fast: [], full: [] } })
    const run = await colony(fixture.root, ['run', '--goal', 'Implement slugify'])
    expect(run.code, run.stderr + run.stdout.slice(-2_000)).toBe(0)
    const said = `scripted:agent: HTTP 400 from ${fixture.server.url}/chat/completions: the scripted model cannot answer this once`
    expect(run.stdout).toContain(`agent-stopped task 1: model-error: ${said}`)
    expect(run.stdout).toContain('1 of 1 work tasks merged')
    // Not a terminal: the status line only when something changed, never the same line twice.
    const statusLines = run.stdout.split('\n').filter((line) => line.startsWith('colony run 1 —'))
    expect(statusLines.length).toBeGreaterThan(0)
    expect(new Set(statusLines).size).toBe(statusLines.length)
    const stopped = (await events(fixture)).filter((event) => event.type === 'agent-stopped')
    expect(stopped.map((event) => [event.taskId, event.data.reason, event.data.detail])).toEqual([[1, 'model-error', said]])
  }, 120_000)

  it('ends a run in which every model call failed with exit 1, saying so, whatever else ended it', async ({ onTestFinished }) => {
    const fixture = await fixtureFor(onTestFinished, () => ({ error: { status: 400, message: 'this model answers nothing' } }), { checks: { fast: [], full: [] } })
    const run = await colony(fixture.root, ['run', '--goal', 'Implement slugify'])
    expect(run.code, run.stdout.slice(-3_000)).toBe(1)
    const said = `scripted:agent: HTTP 400 from ${fixture.server.url}/chat/completions: this model answers nothing`
    expect(run.stdout).toMatch(new RegExp(`run 1 failed: no model call succeeded \\(\\d+ agents stopped on a model error\\); the last: ${said.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`))
    expect(run.stdout).toContain(`agent-stopped task 1: model-error: ${said}`)
    expect(await status(fixture)).toMatchObject({ run: { status: 'failed' } })
  }, 120_000)

  it('says nothing is driving a run whose colony run was killed, and how to resume it; its clock starts again with the resumed run', async ({ onTestFinished }) => {
    let held = true
    const fixture = await fixtureFor(onTestFinished, (request) => (request.role === 'planner' && held ? { ...oneTask(request), delayMs: 60_000 } : oneTask(request)), { checks: { fast: [], full: [] } })
    const first = startColonyRun(fixture.root, ['--goal', 'Implement slugify'])
    await fixture.waitFor('the planner asked', async () => fixture.server.requests.length > 0, { context: first.output })
    expect(await status(fixture)).toMatchObject({ processes: [{ command: 'colony run' }], hint: null })
    first.child.kill('SIGKILL')
    await first.exited

    const killed = await status(fixture)
    expect(killed.run.status).toBe('running')
    expect(killed.processes).toEqual([])
    expect(killed.hint).toBe('nothing is driving run 1: it is running, but no `colony run` is working on it (the last one was killed or crashed); resume it with `colony run`')
    const text = await colony(fixture.root, ['status'])
    expect(text.stdout).toContain('  processes: none')
    expect(text.stdout).toContain(`  ${killed.hint}`)

    held = false
    const resumed = await colony(fixture.root, ['run'])
    expect(resumed.code, resumed.stdout.slice(-2_000)).toBe(0)
    const starts = (await events(fixture)).filter((event) => event.type === 'run-started')
    // The resumed run took it over from the running state the killed one left: recorded, and its clock starts there.
    expect(starts.map((event) => event.data.from)).toEqual(['pending', 'running'])
    const ended = await status(fixture)
    expect(ended).toMatchObject({ run: { status: 'done', startedAt: starts[1]!.time }, hint: null })
    expect(Date.parse(ended.run.endedAt!)).toBeGreaterThanOrEqual(Date.parse(starts[1]!.time))
  }, 120_000)
})
