import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal } from '../../src/demo/index.ts'
import { colony } from '../support/cli.ts'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { claudeCodeVocabulary } from '../support/cli-vocabularies.ts'
import { cliWorkerFixture, expectPlanWorkedByCli, expectStepCostPerTask, runDemoGoal } from '../support/cli-worker-run.ts'
import { createRunFixture, type RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_ANTHROPIC_KEY: 'sk-ant-scripted-0123456789' }

describe('Claude Code as Colony\'s worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('implements the plan through its own tools: a gate failure fixed after a resume, a conflict resolved, all merged, its tool calls and usage recorded', async () => {
    fixture = await cliWorkerFixture(cliWorkerScript(claudeCodeVocabulary), { cli: 'claude-code', provider: { name: 'claude', type: 'anthropic', keyVariable: 'SCRIPTED_ANTHROPIC_KEY' }, model: 'claude-scripted' })
    const events = await runDemoGoal(fixture, key)
    expectPlanWorkedByCli(fixture, events, { api: 'anthropic', write: 'Write', shell: 'Bash', shellOk: false })
    const steps = expectStepCostPerTask(events, 'claude-code')
    // Task 2's Claude Code ended its turn after finish had merged it (its last reply came seconds later): it finished, it was not stopped.
    const agents = await fixture.withStore((store) => store.listAgents({}))
    expect(agents.filter((agent) => agent.taskId === 2).map((agent) => agent.status)).toEqual(['finished'])
    expect(steps.some((event) => event.taskId === 2 && event.data.text === 'Merged.')).toBe(true)
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
    fixture = await createRunFixture(cliWorkerScript({ write: () => [], shell: () => ({ name: 'Bash', input: {} }), colony: () => ({ name: 'x', input: {} }) }), config('/nonexistent/claude', 'anthropic'))
    const missing = await colony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('agents.worker: Claude Code (/nonexistent/claude) was not found on PATH')
    expect(missing.stderr).toContain('npm install -g @anthropic-ai/claude-code@2.1.332')

    await fixture.dispose()
    fixture = await createRunFixture(cliWorkerScript({ write: () => [], shell: () => ({ name: 'Bash', input: {} }), colony: () => ({ name: 'x', input: {} }) }), config(undefined, 'openai-compatible'))
    const wrongWire = await colony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(wrongWire.code).toBe(1)
    expect(wrongWire.stderr).toContain('Claude Code cannot talk to provider "claude" (type openai-compatible)')
    const noKey = await colony(fixture.root, ['run', '--goal', demoGoal], { SCRIPTED_ANTHROPIC_KEY: '' })
    expect(noKey.code).toBe(1)
    expect((await colony(fixture.root, ['status', '--json'])).stdout).not.toContain(demoGoal)
    expect(fixture.server.requests).toEqual([])
  }, 60_000)
})
