import { afterEach, describe, it } from 'vitest'
import { cliWorkerScript } from '../support/cli-worker-script.ts'
import { inWorktree, qwenCodeVocabulary } from '../support/cli-vocabularies.ts'
import { cliWorkerFixture, expectPlanWorkedByCli, expectStepCostPerTask, runDemoGoal } from '../support/cli-worker-run.ts'
import type { RunFixture } from '../support/run-fixture.ts'

const key = { SCRIPTED_QWEN_KEY: 'sk-qwen-scripted-0123456789' }

describe('Qwen Code as Colony\'s worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('implements the plan through its own tools: a gate failure fixed after a resume, a conflict resolved, all merged, its tool calls and usage recorded', async () => {
    fixture = await cliWorkerFixture(inWorktree(cliWorkerScript(qwenCodeVocabulary)), { cli: 'qwen-code', provider: { name: 'qwen', type: 'openai-compatible', keyVariable: 'SCRIPTED_QWEN_KEY' }, model: 'qwen-scripted' })
    const events = await runDemoGoal(fixture, key)
    // Qwen Code asked for the model colony.json names, over Chat Completions.
    expectPlanWorkedByCli(fixture, events, { api: 'openai-chat', model: 'qwen-scripted', write: 'write_file', shell: 'run_shell_command', shellOk: true })
    expectStepCostPerTask(events, 'qwen-code')
  }, 180_000)
})
