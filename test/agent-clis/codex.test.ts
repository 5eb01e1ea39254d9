import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal } from '../../src/demo/index.ts'
import type { Script } from '../../src/model/scripted/index.ts'
import { colony } from '../support/cli.ts'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { createRunFixture, userTreeSnapshot, type RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_OPENAI_KEY: 'sk-scripted-0123456789abcdef' }

/** An apply_patch that writes the whole file: Codex's Add File overwrites a file that is there (a Delete and an Add of one path in one patch it refuses). */
function addFile(path: string, content: string): string {
  const lines = content.replace(/\n$/, '').split('\n').map((line) => `+${line}\n`)
  return `*** Begin Patch\n*** Add File: ${path}\n${lines.join('')}*** End Patch\n`
}

describe('Codex CLI as Colony\'s worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('implements the plan through its own tools: a gate failure fixed after a resume, a conflict resolved, all merged, its tool calls and usage recorded', async () => {
    const script = cliWorkerScript({
      write: (path, content) => ({ name: 'apply_patch', custom: true, input: addFile(path, content) }),
      shell: (command) => ({ name: 'exec_command', input: { cmd: command } }),
      finish: (summary) => ({ name: 'finish', namespace: 'mcp__colony', input: { summary } }),
    })
    // The tokens the model served each task's worker, to hold against what Colony recorded from Codex's session totals.
    const served = new Map<number, { input: number; output: number }>()
    const counted: Script = async (request) => {
      const reply = await script(request)
      if (request.role === 'worker') {
        const task = served.get(Number(request.task)) ?? { input: 0, output: 0 }
        served.set(Number(request.task), { input: task.input + (reply.usage?.input ?? 0), output: task.output + (reply.usage?.output ?? 0) })
      }
      return reply
    }
    fixture = await createRunFixture(counted, (url) => ({
      providers: { scripted: { type: 'openai-compatible', baseURL: url }, codexscripted: { type: 'openai', baseURL: url, apiKey: 'env:SCRIPTED_OPENAI_KEY' } },
      // A model Codex knows: for one it does not, it offers no apply_patch.
      agents: { worker: { cli: 'codex', model: 'codexscripted:gpt-5.5' } },
      prices: { 'scripted:agent': { input: 3, output: 15 }, 'codexscripted:gpt-5.5': { input: 3, output: 15 } },
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
    expect(workerRequests.every((request) => request.api === 'openai-responses' && request.model === 'gpt-5.5')).toBe(true)
    // Codex's own tools ran, and are in the transcript.
    const toolCalls = events.filter((event) => event.type === 'tool-call')
    expect(toolCalls.some((event) => event.data.tool === 'apply_patch' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    expect(toolCalls.some((event) => event.data.tool === 'exec_command' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    // slugify finished through Colony's MCP finish, recorded once, by Colony's tool rather than from Codex's stream.
    expect(toolCalls.filter((event) => event.taskId === 2 && event.data.tool === 'finish' && event.data.ok === true)).toHaveLength(1)
    expect(toolCalls.some((event) => String(event.data.tool).startsWith('mcp__'))).toBe(false)
    // wordCount's first change failed its gate and landed after a resume.
    expect(events.some((event) => event.type === 'gate-failed' && event.taskId === 3)).toBe(true)
    // One of truncate and titleCase met a conflict and resolved it.
    expect(events.some((event) => event.type === 'merge-conflict' && (event.taskId === 5 || event.taskId === 6))).toBe(true)
    expect(events.some((event) => event.type === 'agent-step' && event.data.purpose === 'codex')).toBe(true)
    // Usage per task, priced from colony.json: Codex reports its session's totals, so a resumed turn counts only what it added.
    const recorded = await fixture.withStore(async (store) => {
      const workers = (await store.listAgents()).filter((agent) => agent.role === 'worker' && agent.model?.startsWith('codex/'))
      const byTask = new Map<number, { input: number; output: number; costUsd: number }>()
      for (const agent of workers) {
        const usage = await store.usageTotals({ agentId: agent.id })
        const task = byTask.get(agent.taskId ?? 0) ?? { input: 0, output: 0, costUsd: 0 }
        byTask.set(agent.taskId ?? 0, { input: task.input + usage.inputTokens, output: task.output + usage.outputTokens, costUsd: task.costUsd + usage.costUsd })
      }
      return byTask
    })
    for (const taskId of [2, 3, 5, 6]) {
      expect(recorded.get(taskId)?.costUsd).toBeGreaterThan(0)
      expect({ task: taskId, input: recorded.get(taskId)?.input, output: recorded.get(taskId)?.output }).toEqual({ task: taskId, ...served.get(taskId) })
    }
    const status = JSON.parse((await colony(fixture.root, ['status', '--json'])).stdout) as { usage: { costUsd: number } }
    expect(status.usage.costUsd).toBeGreaterThan(0)
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 180_000)
})
