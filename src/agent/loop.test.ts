import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { scriptedLanguageModel, type Script } from '../model/scripted/index.ts'
import { createSandbox } from '../sandbox/index.ts'
import { openStore, StoreUnavailableError, type Store } from '../store/index.ts'
import { LeaseLostError } from '../board/index.ts'
import { createFinishTool, defineTool, readFileTool, runAgent, writeFileTool, type AgentLimits, type RunAgentOptions } from './index.ts'
import { z } from 'zod'

const limits: AgentLimits = { steps: 50, repeatedFailures: 3, stepsWithoutProgress: 10 }
const policy = { network: false, readable: [], writable: [], env: [], memoryMb: 512, processes: 64, outputBytes: 20_000, approve: [], refuse: [] }

describe('agent loop', () => {
  let workspace: string
  let store: Store
  let base: Omit<RunAgentOptions, 'model'>

  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'colony-loop-'))
    await writeFile(join(workspace, 'notes.txt'), 'hello\n')
    store = await openStore(join(workspace, '.state.db'))
    const run = await store.createRun({ target: 'colony/main' })
    const agent = await store.createAgent({ runId: run.id, role: 'worker' })
    base = {
      modelSpec: 'test:scripted',
      price: { input: 10, output: 30 },
      role: 'worker',
      system: 'You are a worker.',
      prompt: 'Change notes.txt.',
      tools: [readFileTool, writeFileTool, createFinishTool()],
      toolContext: { workspace, readableLinks: [], sandbox: createSandbox({ repositoryRoot: '/nonexistent', policy, mode: 'host', warn: () => undefined }), policy, store, runId: run.id, taskId: null, agentId: agent.id, role: 'worker', commit: null, maxCommandSeconds: 10 },
      limits,
      context: { windowTokens: 100_000, compactAt: 0.7, maskToolResultsAfter: 8 },
      store,
      runId: run.id,
      agentId: agent.id,
      taskId: null,
      maxRetries: 0,
    }
  })
  afterEach(async () => {
    await store.close()
    await rm(workspace, { recursive: true, force: true })
  })

  const run = (script: Script, overrides: Partial<RunAgentOptions> = {}) => runAgent({ ...base, model: scriptedLanguageModel(script), ...overrides })
  const eventTypes = async () => (await store.listEvents()).map((event) => event.type)

  it('runs tools, feeds their results back, records steps, calls, usage and transcript, and finishes', async () => {
    const seen: string[][] = []
    const outcome = await run((request) => {
      seen.push(request.toolResults)
      if (request.turn === 1) return { toolCalls: [{ name: 'read_file', input: { path: 'notes.txt' } }], usage: { input: 1000, output: 100 } }
      if (request.turn === 2) return { toolCalls: [{ name: 'write_file', input: { path: 'notes.txt', content: 'changed\n' } }], usage: { input: 1000, output: 100 } }
      return { toolCalls: [{ name: 'finish', input: { summary: 'changed notes.txt' } }], usage: { input: 1000, output: 100 } }
    })
    expect(outcome).toMatchObject({ status: 'finished', output: 'changed notes.txt', steps: 3 })
    expect(seen[1]).toEqual(['    1  hello\n'])
    expect(outcome.spent.costUsd).toBeCloseTo((3000 * 10 + 300 * 30) / 1e6)
    expect(await store.usageTotals({ agentId: base.agentId })).toMatchObject({ calls: 3, inputTokens: 3000, outputTokens: 300 })
    expect(await eventTypes()).toEqual(['tool-call', 'agent-step', 'tool-call', 'agent-step', 'tool-call', 'agent-step', 'agent-finished'])
    const transcript = await store.getTranscript(base.agentId)
    expect(transcript.map((entry) => entry.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool'])
  })

  it.each([
    ['steps', { limits: { ...limits, steps: 3 } }, /3 steps/],
    ['tokens', { limits: { ...limits, tokens: 2500 } }, /used 3300 tokens of 2500/],
    ['dollars', { limits: { ...limits, usd: 0.02 } }, /spent \$0\.0\d+ of \$0\.02/],
  ] as const)('stops at the %s limit with the reason recorded', async (reason, overrides, detail) => {
    let step = 0
    const outcome = await run(() => ({ toolCalls: [{ name: 'write_file', input: { path: `f${++step}.txt`, content: 'x' } }], usage: { input: 1000, output: 100 } }), overrides)
    expect(outcome).toMatchObject({ status: 'stopped', reason })
    expect(outcome.status === 'stopped' && outcome.detail).toMatch(detail)
    const stopped = (await store.listEvents({ types: ['agent-stopped'] }))[0]!
    expect(stopped.data).toMatchObject({ reason })
  })

  it('stops at the wall-time limit', async () => {
    let clock = 0
    let step = 0
    const outcome = await run(() => ((clock += 40_000), { toolCalls: [{ name: 'write_file', input: { path: `f${++step}.txt`, content: 'x' } }] }), { limits: { ...limits, wallMs: 100_000 }, now: () => clock })
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'time', steps: 3 })
  })

  it('stops a stall: the same failing call again and again, or no progress', async () => {
    const repeated = await run(() => ({ toolCalls: [{ name: 'read_file', input: { path: 'missing.txt' } }] }))
    expect(repeated).toMatchObject({ status: 'stopped', reason: 'stall', steps: 3 })
    expect(repeated.status === 'stopped' && repeated.detail).toMatch(/same failing call was repeated 3 times: read_file/)
    const circling = await run(() => ({ toolCalls: [{ name: 'read_file', input: { path: 'notes.txt' } }] }), { limits: { ...limits, stepsWithoutProgress: 4 } })
    expect(circling).toMatchObject({ status: 'stopped', reason: 'stall', steps: 5 })
  })

  it('turns a throwing tool, malformed or invalid arguments, unknown tools and empty replies into results the model sees', async () => {
    const exploding = defineTool({ name: 'explode', description: 'throws', inputSchema: z.object({}), execute: async () => { throw new Error('kaboom') } })
    const requests: string[][] = []
    const outcome = await run(
      (request) => {
        requests.push(request.toolResults)
        switch (request.turn) {
          case 1: return { toolCalls: [{ name: 'explode', input: {} }] }
          case 2: return { toolCalls: [{ name: 'read_file', input: '{"path": ' }] }
          case 3: return { toolCalls: [{ name: 'read_file', input: { path: 42 } }, { name: 'teleport', input: {} }] }
          case 4: return {}
          default: return { toolCalls: [{ name: 'finish', input: { summary: 'survived' } }] }
        }
      },
      { tools: [readFileTool, exploding, createFinishTool()] },
    )
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'finished', output: 'survived' })
    expect(requests[1]).toEqual(['Error: kaboom'])
    expect(requests[2]!.at(-1)).toMatch(/Invalid input for tool read_file: JSON parsing failed/)
    expect(requests[3]!.slice(-2)).toEqual([expect.stringMatching(/Invalid input for tool read_file: Type validation failed/), expect.stringMatching(/unavailable tool 'teleport'/)])
    const events = await store.listEvents()
    expect(events.filter((event) => event.type === 'tool-call-invalid').map((event) => event.data.tool)).toEqual(['read_file', 'read_file', 'teleport'])
    expect(events.find((event) => event.type === 'agent-step' && event.data.empty === true)).toBeDefined()
    const transcript = JSON.stringify(await store.getTranscript(base.agentId))
    expect(transcript).toContain('Your last reply was empty')
  })

  it('gives the model a tool error it can act on as the result, and goes on', async () => {
    const requests: string[][] = []
    const outcome = await run((request) => {
      requests.push(request.toolResults)
      if (request.turn === 1) return { toolCalls: [{ name: 'read_file', input: { path: '../outside.txt' } }] }
      return { toolCalls: [{ name: 'finish', input: { summary: 'read the right file instead' } }] }
    })
    expect(outcome).toMatchObject({ status: 'finished', output: 'read the right file instead' })
    expect(requests[1]).toEqual([expect.stringMatching(/^Error: "\.\.\/outside\.txt" is not allowed: .*outside the workspace/)])
    expect((await store.listEvents({ types: ['tool-call'] }))[0]!.data).toMatchObject({ tool: 'read_file', ok: false })
  })

  it.each([
    ['a lost lease', new LeaseLostError(7, 'worker-1', 'its lease expired')],
    ['a failed store', new StoreUnavailableError('/tmp/state.db', 'disk I/O error', undefined)],
  ])('ends the attempt on %s with it as the reason, and calls the model no more', async (_, failure) => {
    const advance = defineTool({ name: 'advance', description: 'moves the task', inputSchema: z.object({}), execute: async () => { throw failure } })
    let calls = 0
    const running = run(
      () => {
        calls++
        return { toolCalls: [{ name: 'advance', input: {} }, { name: 'write_file', input: { path: 'after.txt', content: 'x' } }] }
      },
      { tools: [advance, writeFileTool, createFinishTool()] },
    )
    await expect(running).rejects.toBe(failure)
    expect(calls).toBe(1)
    const events = await store.listEvents()
    expect(events.map((event) => event.type)).toEqual(['tool-call', 'agent-stopped'])
    expect(events[0]!.data).toMatchObject({ tool: 'advance', ok: false, fatal: true, output: `Error: ${failure.message}` })
    expect(events[1]!.data).toMatchObject({ reason: 'fatal', detail: failure.message, error: failure.name })
    const transcript = JSON.stringify(await store.getTranscript(base.agentId))
    expect(transcript).not.toContain(failure.message)
    await expect(readFile(join(workspace, 'after.txt'), 'utf8')).rejects.toThrow(/ENOENT/)
  })

  it('stops as aborted when a tool fails because the attempt was cancelled, running none of the calls after it', async () => {
    const cancel = new AbortController()
    const slow = defineTool({ name: 'slow', description: 'runs until cancelled', inputSchema: z.object({}), execute: async () => { cancel.abort(); throw new Error('the command was interrupted') } })
    let calls = 0
    const outcome = await run(
      () => (calls++, { toolCalls: [{ name: 'slow', input: {} }, { name: 'write_file', input: { path: 'after.txt', content: 'x' } }] }),
      { tools: [slow, writeFileTool, createFinishTool()], signal: cancel.signal },
    )
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'aborted', detail: 'the attempt was cancelled' })
    expect(calls).toBe(1)
    await expect(readFile(join(workspace, 'after.txt'), 'utf8')).rejects.toThrow(/ENOENT/)
    expect((await store.listEvents({ types: ['agent-stopped'] }))[0]!.data).toMatchObject({ reason: 'aborted' })
  })

  it('stops a model call that outlives its time limit, with the reason', async () => {
    const outcome = await run(() => ({ text: 'slow', delayMs: 2_000 }), { callTimeoutMs: 200 })
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'model-error' })
    expect(outcome.status === 'stopped' && outcome.detail).toMatch(/abort|time/i)
  })

  it('ends the attempt with the model error when summarizing earlier turns fails, as a failing step does', async () => {
    const big = 'x'.repeat(2_000)
    const outcome = await run(
      (request) => (request.purpose === 'summary' ? { error: { status: 503, message: 'overloaded' } } : { toolCalls: [{ name: 'write_file', input: { path: `f${request.turn}.txt`, content: big } }] }),
      { context: { windowTokens: 8_000, compactAt: 0.5, maskToolResultsAfter: 8, keepRecentTurns: 1 }, maxOutputTokens: 500 },
    )
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'model-error' })
    expect(outcome.status === 'stopped' && outcome.detail).toMatch(/^test:scripted, summarizing earlier turns: HTTP 503 .*overloaded/)
    expect((await store.listEvents({ types: ['agent-stopped'] }))[0]!.data).toMatchObject({ reason: 'model-error' })
  })

  it('records a model error as the reason it stopped, never a crash', async () => {
    const outcome = await run(() => ({ error: { status: 400, message: 'context_length_exceeded' } }))
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'model-error' })
    // The model and what its endpoint answered, for the live view and the run's end.
    expect(outcome.status === 'stopped' && outcome.detail).toMatch(/^test:scripted: HTTP 400 .*context_length_exceeded/)
  })
})
