import { afterEach, describe, it } from 'vitest'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { cliWorkerFixture, expectPlanWorkedByCli, expectStepCostPerTask, runDemoGoal } from '../support/cli-worker-run.ts'
import type { RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_OPENCODE_KEY: 'sk-opencode-scripted-0123456789' }

describe('opencode as Colony\'s worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('implements the plan through its own tools: a gate failure fixed after a resume, a conflict resolved, all merged, its tool calls and usage recorded', async () => {
    const script = cliWorkerScript({
      // opencode overwrites only a file it has read in the session.
      write: (path, content, exists) => [...(exists ? [{ name: 'read', input: { filePath: path } }] : []), { name: 'write', input: { filePath: path, content } }],
      shell: (command) => ({ name: 'bash', input: { command, description: 'run it' } }),
      colony: (tool, input) => ({ name: `colony_${tool}`, input }),
    })
    fixture = await cliWorkerFixture(script, { cli: 'opencode', provider: { name: 'opencode', type: 'openai-compatible', keyVariable: 'SCRIPTED_OPENCODE_KEY' }, model: 'opencode-scripted' })
    const events = await runDemoGoal(fixture, key)
    expectPlanWorkedByCli(fixture, events, { api: 'openai-chat', model: 'opencode-scripted', write: 'write', shell: 'bash', shellOk: false })
    expectStepCostPerTask(events, 'opencode')
  }, 180_000)
})
