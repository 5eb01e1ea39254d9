import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal } from '../../src/demo/index.ts'
import type { Script } from '../../src/model/scripted/index.ts'
import { colony } from '../support/cli.ts'
import { claudeCodeVocabulary, inWorktree, qwenCodeVocabulary } from '../support/cli-vocabularies.ts'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { createRunFixture, type RunFixture } from '../support/run-fixture.ts'

const keys = { SCRIPTED_ANTHROPIC_KEY: 'sk-ant-scripted-0123456789', SCRIPTED_QWEN_KEY: 'sk-qwen-scripted-0123456789' }

describe('a mixed run', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('has Colony\'s own planner and judge, and Claude Code and Qwen Code working at once as workers', async () => {
    const claude = cliWorkerScript(claudeCodeVocabulary)
    const qwen = inWorktree(cliWorkerScript(qwenCodeVocabulary))
    // Each CLI speaks its own wire: Claude Code the Anthropic Messages API, Qwen Code chat completions.
    const script: Script = (request) => (request.role === 'worker' && request.api === 'anthropic' ? claude(request) : qwen(request))
    fixture = await createRunFixture(script, (url) => ({
      providers: {
        scripted: { type: 'openai-compatible', baseURL: url },
        claude: { type: 'anthropic', baseURL: url, apiKey: 'env:SCRIPTED_ANTHROPIC_KEY' },
        qwen: { type: 'openai-compatible', baseURL: url, apiKey: 'env:SCRIPTED_QWEN_KEY' },
      },
      agents: { worker: [{ cli: 'claude-code', model: 'claude:claude-scripted' }, { cli: 'qwen-code', model: 'qwen:qwen-scripted' }] },
      prices: { 'scripted:agent': { input: 3, output: 15 }, 'claude:claude-scripted': { input: 3, output: 15 }, 'qwen:qwen-scripted': { input: 1, output: 2 } },
      scheduling: { allowOverlap: true },
    }))
    const run = await colony(fixture.root, ['run', '--goal', demoGoal], keys)
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('4 of 4 work tasks merged')
    expect(run.stdout).toMatch(/worker claude-code\/claude:claude-scripted \+ qwen-code\/qwen:qwen-scripted/)
    expect(await fixture.targetTestsPass()).toBe(true)

    // Tasks take the CLIs in turn by id: even ids Claude Code, odd ids Qwen Code.
    const workerRequests = fixture.server.requests.filter((request) => request.role === 'worker')
    for (const request of workerRequests) expect([request.task, request.api]).toEqual([request.task, Number(request.task) % 2 === 0 ? 'anthropic' : 'openai-chat'])
    const agents = await fixture.withStore((store) => store.listAgents({}))
    expect(new Set(agents.filter((agent) => agent.role === 'worker').map((agent) => agent.model?.split('/')[0]))).toEqual(new Set(['claude-code', 'qwen-code']))
    // At once: a Claude Code task and a Qwen Code task were both in flight (running to merged) at the same time.
    const events = await fixture.withStore((store) => store.listEvents({ types: ['task-started', 'task-merged'] }))
    const inFlight = (taskId: number) => {
      const times = events.filter((event) => event.taskId === taskId).map((event) => event.createdAt)
      return { from: Math.min(...times), to: Math.max(...times) }
    }
    const [claudeTask, qwenTask] = [inFlight(2), inFlight(3)]
    expect(claudeTask.from < qwenTask.to && qwenTask.from < claudeTask.to).toBe(true)
  }, 180_000)
})
