import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFinishTool, readFileTool, runAgent, writeFileTool, type AgentOutcome } from '../../src/agent/index.ts'
import { configSchema } from '../../src/config/index.ts'
import { createLanguageModel, parseModelSpec } from '../../src/model/index.ts'
import { startScriptedServer, type ScriptedRequest } from '../../src/model/scripted/index.ts'
import { createSandbox } from '../../src/sandbox/index.ts'
import { openStore } from '../../src/store/index.ts'

export interface LongSessionFigures {
  outcome: AgentOutcome
  requests: number
  largestRequestCharacters: number
  largestRequestTokens: number
  windowTokens: number
  compactions: number
}

/**
 * A scripted worker session of `steps` steps through the real Anthropic
 * provider and the scripted HTTP server: every step reads one of several
 * 6,000-character files, every tenth writes one, the last finishes. The
 * window is small so that masking and summarization must keep it in.
 */
export async function runLongSession(steps = 300, windowTokens = 16_000): Promise<LongSessionFigures> {
  const workspace = await mkdtemp(join(tmpdir(), 'colony-long-session-'))
  for (let index = 0; index < 10; index++) await writeFile(join(workspace, `module-${index}.ts`), `// module ${index}\n${'export const value = 1 // padding to make the file long\n'.repeat(110)}`)
  let step = 0
  const script = (request: ScriptedRequest) => {
    if (request.purpose === 'summary') return { text: `Read modules and wrote notes up to step ${step}. Nothing failed.`, usage: { input: Math.ceil(request.characters / 4), output: 30 } }
    step++
    const usage = { input: Math.ceil(request.characters / 4), output: 40 }
    if (step >= steps) return { toolCalls: [{ name: 'finish', input: { summary: `done after ${step} steps` } }], usage }
    if (step % 10 === 0) return { toolCalls: [{ name: 'write_file', input: { path: `notes/step-${step}.md`, content: `step ${step}\n` } }], usage }
    return { text: `Step ${step}: reading.`, toolCalls: [{ name: 'read_file', input: { path: `module-${step % 10}.ts`, start_line: 1 + (step % 7) } }], usage }
  }
  const server = await startScriptedServer({ script })
  const store = await openStore(join(workspace, '.state.db'))
  try {
    const config = configSchema.parse({ providers: { anthropic: { type: 'anthropic', baseURL: server.url, apiKey: 'env:K' } } })
    const spec = parseModelSpec('anthropic:scripted')
    const run = await store.createRun({ target: 'colony/main' })
    const agent = await store.createAgent({ runId: run.id, role: 'worker' })
    const policy = { network: false, readable: [], writable: [], env: [], memoryMb: 512, processes: 64, outputBytes: 20_000, approve: [], refuse: [] }
    const outcome = await runAgent({
      model: await createLanguageModel(spec, config, { K: 'k' }),
      modelSpec: spec.spec,
      price: { input: 3, output: 15 },
      role: 'worker',
      system: 'You are a worker.',
      prompt: 'Read every module and keep notes.',
      tools: [readFileTool, writeFileTool, createFinishTool()],
      // Reading the same files again is this script's pattern, not a stall.
      limits: { steps: steps + 10, repeatedFailures: 3, stepsWithoutProgress: steps },
      toolContext: { workspace, readableLinks: [], sandbox: createSandbox({ repositoryRoot: '/nonexistent', policy, mode: 'host', warn: () => undefined }), policy, store, runId: run.id, taskId: 1, agentId: agent.id, role: 'worker', commit: null, maxCommandSeconds: 10 },
      context: { windowTokens, compactAt: 0.7, maskToolResultsAfter: 4 },
      store,
      runId: run.id,
      agentId: agent.id,
      taskId: 1,
      maxRetries: 0,
      maxOutputTokens: 2_000,
    })
    const largest = Math.max(...server.requests.map((request) => request.characters))
    return {
      outcome,
      requests: server.requests.length,
      largestRequestCharacters: largest,
      largestRequestTokens: Math.ceil(largest / 3),
      windowTokens,
      compactions: (await store.listEvents({ types: ['context-compacted'] })).length,
    }
  } finally {
    await server.close()
    await store.close()
    await rm(workspace, { recursive: true, force: true })
  }
}
