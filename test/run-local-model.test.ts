import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ScriptedRequest } from '../src/model/scripted/index.ts'
import { git } from './support/cli.ts'
import { createRunFixture, startColonyRun, userTreeSnapshot, type RunFixture } from './support/run-fixture.ts'
import { twoStepModel } from './support/two-step-model.ts'
import { writeTinyModel } from './support/tiny-gguf.ts'

/** Planner and judge come from the scripted server; the worker is the in-process GGUF model. */
function plannerAndJudge(request: ScriptedRequest) {
  const call = (name: string, input: unknown) => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 } })
  if (request.role === 'planner') {
    const first = request.task === '1' && request.turn === 1 && JSON.stringify(request.body).includes('This is turn 1 on this plan')
    if (!first) return call('finish', { summary: 'planned' })
    return call('create_tasks', { tasks: [{ title: 'Write the greeting', description: 'A file that says hi.', acceptance: ['grep -qx hi ./*.txt'], scope: ['*.txt'] }] })
  }
  if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'the greeting is there' })
  throw new Error(`the scripted server should not hear from the ${request.role}`)
}

describe('colony run with a local model for one role', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('routes the worker to an in-process GGUF model while planner and judge use an HTTP provider; the change lands', async () => {
    fixture = await createRunFixture(plannerAndJudge, { checks: { fast: [], full: [] }, workers: 1 })
    writeTinyModel(join(fixture.root, '.colony', 'tiny.gguf'), twoStepModel)
    const config = JSON.parse(await readFile(join(fixture.root, 'colony.json'), 'utf8')) as Record<string, Record<string, unknown>>
    config.providers!.local = { type: 'llama-cpp', modelPath: '.colony/tiny.gguf', contextSize: 32768, threads: 1 }
    config.models!.worker = 'local:tiny'
    await writeFile(join(fixture.root, 'colony.json'), JSON.stringify(config))
    const before = await userTreeSnapshot(fixture.root)

    const run = startColonyRun(fixture.root, ['--goal', 'Greet'])
    expect(await run.exited, run.output()).toBe(0)
    expect(run.stdout()).toContain('done: the greeting is there')

    const tasks = await fixture.withStore((store) => store.listTasks())
    expect(tasks.map((task) => [task.title, task.status])).toEqual([
      ['Plan: Greet', 'merged'],
      ['Write the greeting', 'merged'],
    ])
    expect(await git(fixture.root, ['show', 'colony/main:µ.txt'])).toBe('hi')
    const configured = await fixture.withStore((store) => store.listEvents({ types: ['run-configured'] }))
    expect(configured[0]!.data.models).toMatchObject({ planner: 'scripted:agent', worker: 'local:tiny', judge: 'scripted:agent' })
    const workerSteps = await fixture.withStore((store) => store.listEvents({ types: ['tool-call'] }))
    expect(workerSteps.filter((event) => event.taskId === 2).map((event) => event.data.tool)).toEqual(['write_file', 'finish'])
    expect(fixture.server.requests.some((request) => request.role === 'worker')).toBe(false)
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 120_000)
})
