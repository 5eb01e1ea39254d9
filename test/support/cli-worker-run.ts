import { expect } from 'vitest'
import { demoGoal } from '../../src/demo/index.ts'
import type { Script, ScriptedRequest } from '../../src/model/scripted/index.ts'
import { colony } from './cli.ts'
import { cliWorkerNote } from './cli-worker-script.ts'
import { createRunFixture, userTreeSnapshot, type RunFixture } from './run-fixture.ts'

export type RunEvent = { type: string; taskId: number | null; data: Record<string, unknown> }

/** An agent CLI as every worker: the CLI, the colony.json provider it talks to (its key in `keyVariable`), and the model. */
export interface CliWorker {
  cli: string
  provider: { name: string; type: string; keyVariable: string }
  model: string
}

/** The demo's project with the agent CLI as every worker; Colony's own planner and judge talk to the scripted provider. */
export function cliWorkerFixture(script: Script, worker: CliWorker): Promise<RunFixture> {
  const { provider } = worker
  return createRunFixture(script, (url) => ({
    providers: { scripted: { type: 'openai-compatible', baseURL: url }, [provider.name]: { type: provider.type, baseURL: url, apiKey: `env:${provider.keyVariable}` } },
    agents: { worker: { cli: worker.cli, model: `${provider.name}:${worker.model}` } },
    prices: { 'scripted:agent': { input: 3, output: 15 }, [`${provider.name}:${worker.model}`]: { input: 3, output: 15 } },
    scheduling: { allowOverlap: true },
  }))
}

/**
 * `colony run` on the demo goal as a child process, with the variables given
 * (the CLI's key): it ends done with 4 of 4 work tasks merged, the target's
 * tests pass, and the person's checkout is as it was. The run's events.
 */
export async function runDemoGoal(fixture: RunFixture, environment: Record<string, string>): Promise<RunEvent[]> {
  const before = await userTreeSnapshot(fixture.root)
  const run = await colony(fixture.root, ['run', '--goal', demoGoal], environment)
  expect(run.code, run.stderr + run.stdout).toBe(0)
  expect(run.stdout).toContain('4 of 4 work tasks merged')
  expect(await fixture.targetTestsPass()).toBe(true)
  expect(await userTreeSnapshot(fixture.root)).toBe(before)
  const status = JSON.parse((await colony(fixture.root, ['status', '--json'])).stdout) as { usage: { costUsd: number } }
  expect(status.usage.costUsd).toBeGreaterThan(0)
  return (await colony(fixture.root, ['events', '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as RunEvent)
}

/**
 * What cliWorkerScript's plan shows for any CLI: every worker request came
 * over the CLI's wire (and for `model`, when given); the CLI's own write and
 * shell tools ran for task 2 and are in the transcript (the shell's success
 * required when `shellOk`); slugify's worker noted a finding through
 * Colony's MCP note, found it again with recall by other forms of its words
 * (the CLI's model saw the hit), and finished through Colony's MCP finish;
 * wordCount's first change failed its gate and landed after a resume; one of
 * truncate and titleCase met a conflict and resolved it.
 */
export function expectPlanWorkedByCli(fixture: RunFixture, events: RunEvent[], expected: { api: ScriptedRequest['api']; model?: string; write: string; shell: string; shellOk: boolean }) {
  const workerRequests = fixture.server.requests.filter((request) => request.role === 'worker')
  expect(workerRequests.length).toBeGreaterThan(8)
  expect(workerRequests.every((request) => request.api === expected.api && (expected.model === undefined || request.model === expected.model))).toBe(true)
  const toolCalls = events.filter((event) => event.type === 'tool-call')
  expect(toolCalls.some((event) => event.data.tool === expected.write && event.taskId === 2 && event.data.ok === true)).toBe(true)
  expect(toolCalls.some((event) => event.data.tool === expected.shell && event.taskId === 2 && (!expected.shellOk || event.data.ok === true))).toBe(true)
  expect(toolCalls.some((event) => event.data.tool === 'finish' && event.taskId === 2 && event.data.ok === true)).toBe(true)
  expect(toolCalls.some((event) => event.data.tool === 'note' && event.taskId === 2 && event.data.ok === true)).toBe(true)
  const recalled = toolCalls.find((event) => event.data.tool === 'recall' && event.taskId === 2)
  expect(String(recalled?.data.output)).toMatch(/\[memory \d+\] note by worker \(agent \d+\) · task 2 · run 1/)
  expect(String(recalled?.data.output)).toContain(cliWorkerNote)
  expect(workerRequests.some((request) => request.task === '2' && JSON.stringify(request.body).includes('note by worker'))).toBe(true)
  expect(events.some((event) => event.type === 'gate-failed' && event.taskId === 3)).toBe(true)
  expect(events.some((event) => event.type === 'merge-conflict' && (event.taskId === 5 || event.taskId === 6))).toBe(true)
}

/** Usage per task, priced from colony.json, as the CLI's steps (`purpose`: the CLI) recorded it. */
export function expectStepCostPerTask(events: RunEvent[], cli: string) {
  const steps = events.filter((event) => event.type === 'agent-step' && event.data.purpose === cli)
  for (const taskId of [2, 3, 5, 6]) expect(steps.filter((event) => event.taskId === taskId).reduce((sum, event) => sum + Number(event.data.costUsd), 0)).toBeGreaterThan(0)
  return steps
}
