import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal, demoScript } from '../../src/demo/index.ts'
import type { Script } from '../../src/model/scripted/index.ts'
import { colony } from '../support/cli.ts'
import { createRunFixture, type RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_ANTHROPIC_KEY: 'sk-ant-scripted-0123456789' }

/**
 * The demo's plans, made by Claude Code: the same create_tasks and finish
 * calls as the demo's planner, under the names Claude Code gives Colony's MCP
 * tools; once finish has answered, the CLI ends its turn. The judge is Claude
 * Code too: it runs the tests with its Bash tool and gives Colony's verdict.
 * Workers are Colony's own loop.
 */
const script: Script = async (request) => {
  if (request.role === 'judge' && request.api === 'anthropic') {
    if (request.toolResults.at(-1)?.startsWith('verdict recorded')) return { text: 'Judged.' }
    if (request.turn === 1) return { text: 'Running the tests on the target.', toolCalls: [{ name: 'Bash', input: { command: 'npm test', description: 'the tests' } }] }
    return { toolCalls: [{ name: 'mcp__colony__verdict', input: { decision: 'done', reason: 'All four utilities are implemented and npm test passes on the target.' } }] }
  }
  if (request.role !== 'planner' || request.api !== 'anthropic') return demoScript(request)
  if (request.toolResults.at(-1)?.includes('plan turn recorded')) return { text: 'Planned.' }
  const reply = await demoScript(request)
  return { ...reply, toolCalls: reply.toolCalls?.map((call) => ({ ...call, name: `mcp__colony__${call.name}` })) }
}

describe('Claude Code as Colony\'s planner and judge', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('plans the goal and a sub-area through Colony\'s create_tasks over MCP, Colony\'s workers do the work, and it judges the run done through verdict', async () => {
    fixture = await createRunFixture(script, (url) => ({
      providers: { scripted: { type: 'openai-compatible', baseURL: url }, claude: { type: 'anthropic', baseURL: url, apiKey: 'env:SCRIPTED_ANTHROPIC_KEY' } },
      agents: { planner: { cli: 'claude-code', model: 'claude:claude-scripted' }, judge: { cli: 'claude-code', model: 'claude:claude-scripted' } },
      prices: { 'scripted:agent': { input: 3, output: 15 }, 'claude:claude-scripted': { input: 3, output: 15 } },
      scheduling: { allowOverlap: true },
    }))
    const run = await colony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('4 of 4 work tasks merged')
    expect(run.stdout).toMatch(/planner claude-code\/claude:claude-scripted/)
    expect(run.stdout).toMatch(/judge claude-code\/claude:claude-scripted/)
    expect(run.stdout).toContain('run 1 done: All four utilities are implemented and npm test passes on the target.')
    const tasks = JSON.parse((await colony(fixture.root, ['task', 'list', '--json'])).stdout) as { id: number; kind: string; status: string; createdBy: string }[]
    expect(tasks.filter((task) => task.id > 1).map((task) => task.createdBy).sort()).toEqual(['planner-1', 'planner-1', 'planner-1', 'planner-4', 'planner-4'])
    expect(tasks.every((task) => task.status === 'merged')).toBe(true)
    const planning = fixture.server.requests.filter((request) => request.role === 'planner')
    expect(planning.length).toBeGreaterThan(0)
    expect(planning.every((request) => request.api === 'anthropic')).toBe(true)
    const events = (await colony(fixture.root, ['events', '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; taskId: number | null; data: Record<string, unknown> })
    expect(events.some((event) => event.type === 'tool-call' && event.data.tool === 'create_tasks' && event.taskId === 1 && event.data.ok === true)).toBe(true)
    expect(events.some((event) => event.type === 'planner-scratchpad' && event.taskId === 4)).toBe(true)
    // The judge ran the tests with its own tool, then gave Colony's verdict.
    expect(events.some((event) => event.type === 'tool-call' && event.data.tool === 'Bash' && event.taskId === null)).toBe(true)
    expect(events.some((event) => event.type === 'verdict' && event.data.decision === 'done')).toBe(true)
    expect(fixture.server.requests.filter((request) => request.role === 'judge').every((request) => request.api === 'anthropic')).toBe(true)
  }, 180_000)
})
