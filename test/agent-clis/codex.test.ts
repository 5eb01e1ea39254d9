import { afterEach, describe, expect, it } from 'vitest'
import type { Script } from '../../src/model/scripted/index.ts'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { cliWorkerFixture, expectPlanWorkedByCli, runDemoGoal } from '../support/cli-worker-run.ts'
import type { RunFixture } from '../support/run-fixture.ts'

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
      colony: (tool, input) => ({ name: tool, namespace: 'mcp__colony', input }),
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
    // A model Codex knows: for one it does not, it offers no apply_patch.
    fixture = await cliWorkerFixture(counted, { cli: 'codex', provider: { name: 'codexscripted', type: 'openai', keyVariable: 'SCRIPTED_OPENAI_KEY' }, model: 'gpt-5.5' })
    const events = await runDemoGoal(fixture, key)
    expectPlanWorkedByCli(fixture, events, { api: 'openai-responses', model: 'gpt-5.5', write: 'apply_patch', shell: 'exec_command', shellOk: true })
    // slugify finished through Colony's MCP finish, recorded once, by Colony's tool rather than from Codex's stream.
    const toolCalls = events.filter((event) => event.type === 'tool-call')
    expect(toolCalls.filter((event) => event.taskId === 2 && event.data.tool === 'finish' && event.data.ok === true)).toHaveLength(1)
    expect(toolCalls.some((event) => String(event.data.tool).startsWith('mcp__'))).toBe(false)
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
  }, 180_000)
})
