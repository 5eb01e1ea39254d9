import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFinishTool, readFileTool, runAgent, writeFileTool } from '../src/agent/index.ts'
import { configSchema } from '../src/config/index.ts'
import { createLanguageModel, parseModelSpec, priceOf } from '../src/model/index.ts'
import { startScriptedServer, type ScriptedRequest, type ScriptedServer } from '../src/model/scripted/index.ts'
import { createSandbox } from '../src/sandbox/index.ts'
import { openStore, type Store } from '../src/store/index.ts'

const policy = { network: false, readable: [], writable: [], env: [], memoryMb: 512, processes: 64, outputBytes: 20_000, approve: [], refuse: [] }

/** A three-step session: read a file, write one with what was read, finish. */
function threeSteps(request: ScriptedRequest) {
  if (request.turn === 1) return { text: 'Reading the spec.', toolCalls: [{ name: 'read_file', input: { path: 'spec.txt' } }], usage: { input: 1200, output: 40 } }
  if (request.turn === 2) {
    const spec = request.toolResults.at(-1)?.includes('add two numbers') ? 'export const add = (a, b) => a + b\n' : 'spec not seen\n'
    return { toolCalls: [{ name: 'write_file', input: { path: 'add.js', content: spec } }], usage: { input: 1500, output: 60, cached: 1000 } }
  }
  return { toolCalls: [{ name: 'finish', input: { summary: 'implemented add' } }], usage: { input: 1700, output: 20 } }
}

describe('provider paths against the scripted model server', () => {
  let server: ScriptedServer
  let workspace: string
  let store: Store
  const config = () =>
    configSchema.parse({
      providers: {
        'openai-chat': { type: 'openai', api: 'chat', baseURL: server.url, apiKey: 'env:SCRIPTED_KEY' },
        'openai-responses': { type: 'openai', baseURL: server.url, apiKey: 'env:SCRIPTED_KEY' },
        anthropic: { type: 'anthropic', baseURL: server.url, apiKey: 'env:SCRIPTED_KEY' },
        local: { type: 'openai-compatible', baseURL: server.url, apiKey: 'env:SCRIPTED_KEY' },
      },
      prices: { 'openai-chat:m': { input: 1, output: 2 }, 'openai-responses:m': { input: 1, output: 2 }, 'anthropic:m': { input: 1, output: 2 }, 'local:m': { input: 1, output: 2 } },
    })

  beforeAll(async () => {
    server = await startScriptedServer({ script: threeSteps })
    workspace = await mkdtemp(join(tmpdir(), 'colony-providers-'))
    await writeFile(join(workspace, 'spec.txt'), 'add two numbers\n')
    store = await openStore(join(workspace, '.state.db'))
  })
  afterAll(async () => {
    await server.close()
    await store.close()
    await rm(workspace, { recursive: true, force: true })
  })

  it.each(['openai-chat', 'openai-responses', 'anthropic', 'local'])('%s: the real provider runs a multi-step tool loop, tool results go into the next request, usage is counted', async (provider) => {
    const spec = parseModelSpec(`${provider}:m`)
    const model = await createLanguageModel(spec, config(), { SCRIPTED_KEY: 'test-key' })
    const run = await store.createRun({ target: 'colony/main' })
    const agent = await store.createAgent({ runId: run.id, role: 'worker' })
    const before = server.requests.length
    const outcome = await runAgent({
      model,
      modelSpec: spec.spec,
      price: priceOf(spec.spec, config()),
      role: 'worker',
      system: 'You are a worker.',
      prompt: 'Implement the spec.',
      tools: [readFileTool, writeFileTool, createFinishTool()],
      toolContext: { workspace, readableLinks: [], sandbox: createSandbox({ repositoryRoot: '/nonexistent', policy, mode: 'host', warn: () => undefined }), policy, store, runId: run.id, taskId: 7, agentId: agent.id, role: 'worker', commit: null, maxCommandSeconds: 10 },
      limits: { steps: 10, repeatedFailures: 3, stepsWithoutProgress: 5 },
      context: { windowTokens: 100_000, compactAt: 0.7, maskToolResultsAfter: 8 },
      store,
      runId: run.id,
      agentId: agent.id,
      taskId: 7,
      maxRetries: 0,
    })
    expect(outcome).toMatchObject({ status: 'finished', output: 'implemented add', steps: 3 })
    const requests = server.requests.slice(before)
    const api = { 'openai-chat': 'openai-chat', 'openai-responses': 'openai-responses', anthropic: 'anthropic', local: 'openai-chat' }[provider]
    expect(requests.map((request) => [request.api, request.role, request.task, request.turn])).toEqual([1, 2, 3].map((turn) => [api, 'worker', '7', turn]))
    expect(requests[1]!.toolResults).toEqual(['    1  add two numbers\n'])
    expect(requests[2]!.toolResults.at(-1)).toBe('wrote add.js (2 lines)')
    const totals = await store.usageTotals({ agentId: agent.id })
    expect(totals).toMatchObject({ calls: 3, inputTokens: 4400, outputTokens: 120 })
    expect(totals.costUsd).toBeGreaterThan(0)
  })

  it('retries a rate-limited call after the Retry-After the server sends', async () => {
    const limited = await startScriptedServer({
      script: (() => {
        let calls = 0
        return () => (++calls === 1 ? { error: { status: 429, message: 'slow down', retryAfterSeconds: 1 } } : { text: 'ok' })
      })(),
    })
    try {
      const { generateText } = await import('ai')
      const model = await createLanguageModel(parseModelSpec('anthropic:m'), configSchema.parse({ providers: { anthropic: { type: 'anthropic', baseURL: limited.url, apiKey: 'env:K' } } }), { K: 'k' })
      const started = Date.now()
      const result = await generateText({ model, prompt: 'hi', maxRetries: 2, maxOutputTokens: 100 })
      expect(result.text).toBe('ok')
      expect(limited.requests).toHaveLength(2)
      expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    } finally {
      await limited.close()
    }
  })
})
