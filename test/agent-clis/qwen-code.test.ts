import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal } from '../../src/demo/index.ts'
import { colony } from '../support/cli.ts'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { inWorktree, qwenCodeVocabulary } from '../support/cli-vocabularies.ts'
import { createRunFixture, userTreeSnapshot, type RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_QWEN_KEY: 'sk-qwen-scripted-0123456789' }

describe('Qwen Code as Colony\'s worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('implements the plan through its own tools: a gate failure fixed after a resume, a conflict resolved, all merged, its tool calls and usage recorded', async () => {
    const script = inWorktree(cliWorkerScript(qwenCodeVocabulary))
    fixture = await createRunFixture(script, (url) => ({
      providers: { scripted: { type: 'openai-compatible', baseURL: url }, qwen: { type: 'openai-compatible', baseURL: url, apiKey: 'env:SCRIPTED_QWEN_KEY' } },
      agents: { worker: { cli: 'qwen-code', model: 'qwen:qwen-scripted' } },
      prices: { 'scripted:agent': { input: 3, output: 15 }, 'qwen:qwen-scripted': { input: 3, output: 15 } },
      scheduling: { allowOverlap: true },
    }))
    const before = await userTreeSnapshot(fixture.root)
    const run = await colony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('4 of 4 work tasks merged')
    expect(await fixture.targetTestsPass()).toBe(true)

    const events = (await colony(fixture.root, ['events', '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; taskId: number | null; data: Record<string, unknown> })
    const workerRequests = fixture.server.requests.filter((request) => request.role === 'worker')
    expect(workerRequests.length).toBeGreaterThan(8)
    // Qwen Code asked for the model colony.json names, over Chat Completions.
    expect(workerRequests.every((request) => request.api === 'openai-chat' && request.model === 'qwen-scripted')).toBe(true)
    // Qwen Code's own tools ran, and are in the transcript.
    const toolCalls = events.filter((event) => event.type === 'tool-call')
    expect(toolCalls.some((event) => event.data.tool === 'write_file' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    expect(toolCalls.some((event) => event.data.tool === 'run_shell_command' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    // slugify finished through Colony's MCP finish.
    expect(toolCalls.some((event) => event.data.tool === 'finish' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    // wordCount's first change failed its gate and landed after a resume.
    expect(events.some((event) => event.type === 'gate-failed' && event.taskId === 3)).toBe(true)
    // One of truncate and titleCase met a conflict and resolved it.
    expect(events.some((event) => event.type === 'merge-conflict' && (event.taskId === 5 || event.taskId === 6))).toBe(true)
    // Usage per task, priced from colony.json.
    const steps = events.filter((event) => event.type === 'agent-step' && event.data.purpose === 'qwen-code')
    for (const taskId of [2, 3, 5, 6]) expect(steps.filter((event) => event.taskId === taskId).reduce((sum, event) => sum + Number(event.data.costUsd), 0)).toBeGreaterThan(0)
    const status = JSON.parse((await colony(fixture.root, ['status', '--json'])).stdout) as { usage: { costUsd: number } }
    expect(status.usage.costUsd).toBeGreaterThan(0)
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 180_000)
})
