import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal } from '../../src/demo/index.ts'
import { colony } from '../support/cli.ts'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { claudeCodeVocabulary } from '../support/cli-vocabularies.ts'
import { createRunFixture, userTreeSnapshot, type RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_ANTHROPIC_KEY: 'sk-ant-scripted-0123456789' }

describe('Claude Code as Colony\'s worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('implements the plan through its own tools: a gate failure fixed after a resume, a conflict resolved, all merged, its tool calls and usage recorded', async () => {
    const script = cliWorkerScript(claudeCodeVocabulary)
    fixture = await createRunFixture(script, (url) => ({
      providers: { scripted: { type: 'openai-compatible', baseURL: url }, claude: { type: 'anthropic', baseURL: url, apiKey: 'env:SCRIPTED_ANTHROPIC_KEY' } },
      agents: { worker: { cli: 'claude-code', model: 'claude:claude-scripted' } },
      prices: { 'scripted:agent': { input: 3, output: 15 }, 'claude:claude-scripted': { input: 3, output: 15 } },
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
    expect(workerRequests.every((request) => request.api === 'anthropic')).toBe(true)
    // Claude Code's own tools ran, and are in the transcript.
    const toolCalls = events.filter((event) => event.type === 'tool-call')
    expect(toolCalls.some((event) => event.data.tool === 'Write' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    expect(toolCalls.some((event) => event.data.tool === 'Bash' && event.taskId === 2)).toBe(true)
    // slugify finished through Colony's MCP finish.
    expect(toolCalls.some((event) => event.data.tool === 'finish' && event.taskId === 2 && event.data.ok === true)).toBe(true)
    // wordCount's first change failed its gate and landed after a resume.
    expect(events.some((event) => event.type === 'gate-failed' && event.taskId === 3)).toBe(true)
    // One of truncate and titleCase met a conflict and resolved it.
    expect(events.some((event) => event.type === 'merge-conflict' && (event.taskId === 5 || event.taskId === 6))).toBe(true)
    // Usage per task, priced from colony.json.
    const steps = events.filter((event) => event.type === 'agent-step' && event.data.purpose === 'claude-code')
    for (const taskId of [2, 3, 5, 6]) expect(steps.filter((event) => event.taskId === taskId).reduce((sum, event) => sum + Number(event.data.costUsd), 0)).toBeGreaterThan(0)
    // Task 2's Claude Code ended its turn after finish had merged it (its last reply came seconds later): it finished, it was not stopped.
    const agents = await fixture.withStore((store) => store.listAgents({}))
    expect(agents.filter((agent) => agent.taskId === 2).map((agent) => agent.status)).toEqual(['finished'])
    expect(steps.some((event) => event.taskId === 2 && event.data.text === 'Merged.')).toBe(true)
    const status = JSON.parse((await colony(fixture.root, ['status', '--json'])).stdout) as { usage: { costUsd: number } }
    expect(status.usage.costUsd).toBeGreaterThan(0)
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 180_000)
})

describe('a run whose agent CLI cannot work', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('is refused before it starts, saying what to change, and leaves nothing behind', async () => {
    const config = (command: string | undefined, type: string) => (url: string) => ({
      providers: { scripted: { type: 'openai-compatible', baseURL: url }, claude: { type, baseURL: url, apiKey: 'env:SCRIPTED_ANTHROPIC_KEY' } },
      agents: { worker: { cli: 'claude-code', model: 'claude:claude-scripted', ...(command && { command }) } },
    })
    fixture = await createRunFixture(cliWorkerScript({ write: () => [], shell: () => ({ name: 'Bash', input: {} }), finish: () => ({ name: 'x', input: {} }) }), config('/nonexistent/claude', 'anthropic'))
    const missing = await colony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('agents.worker: Claude Code (/nonexistent/claude) was not found on PATH')
    expect(missing.stderr).toContain('npm install -g @anthropic-ai/claude-code@2.1.332')

    await fixture.dispose()
    fixture = await createRunFixture(cliWorkerScript({ write: () => [], shell: () => ({ name: 'Bash', input: {} }), finish: () => ({ name: 'x', input: {} }) }), config(undefined, 'openai-compatible'))
    const wrongWire = await colony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(wrongWire.code).toBe(1)
    expect(wrongWire.stderr).toContain('Claude Code cannot talk to provider "claude" (type openai-compatible)')
    const noKey = await colony(fixture.root, ['run', '--goal', demoGoal], { SCRIPTED_ANTHROPIC_KEY: '' })
    expect(noKey.code).toBe(1)
    expect((await colony(fixture.root, ['status', '--json'])).stdout).not.toContain(demoGoal)
    expect(fixture.server.requests).toEqual([])
  }, 60_000)
})
