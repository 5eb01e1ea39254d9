import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateText, streamText } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFinishTool, runAgent, writeFileTool } from '../src/agent/index.ts'
import { configSchema } from '../src/config/index.ts'
import { createLanguageModel, LocalModelUnavailableError, parseModelSpec } from '../src/model/index.ts'
import { createSandbox } from '../src/sandbox/index.ts'
import { openStore, type Store } from '../src/store/index.ts'
import { writeTinyModel } from './support/tiny-gguf.ts'
import { twoStepModel } from './support/two-step-model.ts'

const policy = { network: false, readable: [], writable: [], env: [], memoryMb: 512, processes: 64, outputBytes: 20_000, approve: [], refuse: [] }

describe('local GGUF models in-process through node-llama-cpp', () => {
  let directory: string
  let store: Store
  let config: ReturnType<typeof configSchema.parse>

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-local-model-'))
    writeTinyModel(join(directory, 'tiny.gguf'), twoStepModel)
    config = configSchema.parse({ providers: { local: { type: 'llama-cpp', modelPath: join(directory, 'tiny.gguf'), contextSize: 8192, threads: 1 } } })
    store = await openStore(join(directory, 'state.db'))
  })
  afterAll(async () => {
    await store.close()
    await rm(directory, { recursive: true, force: true })
  })

  it("runs Colony's agent loop: a tool call, its result in the next request, then finish; usage counted", async () => {
    const spec = parseModelSpec('local:tiny')
    const model = await createLanguageModel(spec, config)
    const run = await store.createRun({ target: 'colony/main' })
    const agent = await store.createAgent({ runId: run.id, role: 'worker' })
    const outcome = await runAgent({
      model,
      modelSpec: spec.spec,
      price: undefined,
      role: 'worker',
      system: 'You are a worker.',
      prompt: 'Write hi to a file, then finish.',
      tools: [writeFileTool, createFinishTool()],
      toolContext: { workspace: directory, readableLinks: [], sandbox: createSandbox({ repositoryRoot: '/nonexistent', policy, mode: 'host', warn: () => undefined }), policy, store, runId: run.id, taskId: null, agentId: agent.id, role: 'worker', commit: null, maxCommandSeconds: 10 },
      limits: { steps: 5, repeatedFailures: 3, stepsWithoutProgress: 5 },
      context: { windowTokens: 8192, compactAt: 0.7, maskToolResultsAfter: 8 },
      store,
      runId: run.id,
      agentId: agent.id,
      taskId: null,
      maxRetries: 0,
      maxOutputTokens: 200,
    })
    expect(outcome).toMatchObject({ status: 'finished', output: 'done', steps: 2 })
    expect(await readFile(join(directory, 'µ.txt'), 'utf8')).toBe('hi')

    const calls = (await store.listEvents({ types: ['tool-call'] })).map((event) => [event.data.tool, event.data.input])
    expect(calls).toEqual([
      ['write_file', { path: 'µ.txt', content: 'hi' }],
      ['finish', { summary: 'done' }],
    ])
    const steps = (await store.listEvents({ types: ['agent-step'] })).map((event) => event.data as { inputTokens: number; outputTokens: number; cachedTokens: number })
    expect(steps).toHaveLength(2)
    // The second request held the first call and its result, and reused the first request's evaluated prefix.
    expect(steps[1]!.inputTokens).toBeGreaterThan(steps[0]!.inputTokens)
    expect(steps[0]!.cachedTokens).toBe(0)
    expect(steps[1]!.cachedTokens).toBeGreaterThan(steps[0]!.inputTokens)
    expect(steps.every((step) => step.outputTokens > 0)).toBe(true)
    const totals = await store.usageTotals({ agentId: agent.id })
    expect(totals).toMatchObject({ calls: 2, inputTokens: steps[0]!.inputTokens + steps[1]!.inputTokens })
  })

  it('answers in text when no tools are offered', async () => {
    const model = await createLanguageModel(parseModelSpec('local:tiny'), config)
    const result = await generateText({ model, prompt: 'Say something.', maxOutputTokens: 3 })
    expect(result.text).toBe('||call: ||call: ||call: ')
    expect(result.finishReason).toBe('length')
    expect(result.usage.inputTokens).toBeGreaterThan(0)
    const streamed = streamText({ model, prompt: 'Say something.', maxOutputTokens: 3 })
    expect(await streamed.text).toBe('||call: ||call: ||call: ')
  })

  it('serves calls one at a time with parallel 1: a second waits its turn, an abandoned one leaves the queue', async () => {
    const model = await createLanguageModel(parseModelSpec('local:tiny'), config)
    const waiting = new AbortController()
    const calls = [
      generateText({ model, prompt: 'One.', maxOutputTokens: 40 }),
      generateText({ model, prompt: 'Two.', maxOutputTokens: 40, abortSignal: waiting.signal, maxRetries: 0 }),
      generateText({ model, prompt: 'Three.', maxOutputTokens: 40 }),
    ]
    waiting.abort(new Error('no longer needed'))
    const [first, second, third] = await Promise.allSettled(calls)
    expect(first).toMatchObject({ status: 'fulfilled', value: { finishReason: 'length' } })
    expect(second).toMatchObject({ status: 'rejected', reason: { message: 'no longer needed' } })
    expect(third).toMatchObject({ status: 'fulfilled', value: { finishReason: 'length' } })
  })

  it("returns llama.cpp's warnings as the call's warnings (a run records them as model-warning events) instead of printing them", async () => {
    const oversized = configSchema.parse({ providers: { local: { type: 'llama-cpp', modelPath: join(directory, 'tiny.gguf'), contextSize: 40_000, threads: 1 } } })
    const model = await createLanguageModel(parseModelSpec('local:tiny'), oversized)
    const result = await generateText({ model, prompt: 'Say something.', maxOutputTokens: 1 })
    expect(result.warnings).toContainEqual({ type: 'other', message: expect.stringMatching(/^llama\.cpp warn: .*n_ctx_train \(32768\)/) as unknown })
  })

  it('names a missing model file and how to fix it', async () => {
    const missing = configSchema.parse({ providers: { local: { type: 'llama-cpp', modelPath: join(directory, 'absent.gguf') } } })
    const error = await createLanguageModel(parseModelSpec('local:tiny'), missing).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LocalModelUnavailableError)
    expect(String(error)).toContain('absent.gguf does not exist')
  })
})
