import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTempStore } from '../../test/support/temp-store.ts'
import type { ToolContext, ToolOutcome } from '../agent/index.ts'
import { createBoard } from '../board/index.ts'
import type { Store, Task } from '../store/index.ts'
import { createTasksTool } from './create-tasks-tool.ts'

describe('create_tasks', () => {
  let temp: { store: Store; dispose(): Promise<void> }
  let plan: Task
  let call: (input: unknown) => Promise<string | ToolOutcome>
  beforeEach(async () => {
    temp = await createTempStore()
    const board = createBoard({ store: temp.store })
    const run = await temp.store.createRun({ target: 'colony/main' })
    plan = await board.addTask({ runId: run.id, kind: 'plan', title: 'Plan the work', createdBy: 'colony' })
    const tool = createTasksTool({ store: temp.store, board, plan, createdBy: 'planner-1', awaitApproval: false, maxAttempts: 3, onCreated: () => undefined })
    // create_tasks reads and writes the board only; the rest of an agent's context is not used.
    call = (input) => tool.execute(tool.inputSchema.parse(input), {} as ToolContext)
  })
  afterEach(() => temp.dispose())

  const task = (title: string, fields: Record<string, unknown> = {}) => ({ title, description: `Do ${title}.`, acceptance: ['npm test'], scope: ['src/**'], ...fields })
  const children = async () => (await temp.store.listTasks({ runId: plan.runId })).filter((row) => row.parentId === plan.id).map((row) => row.title)

  it('tells the model what is wrong with a task, and creates none of the call', async () => {
    for (const [bad, problem] of [
      [task('Read the keys', { scope: ['../../etc/**'] }), 'the scope "../../etc/**" leads out of the repository through ".."'],
      [task('Read the keys', { scope: ['/etc/passwd'] }), 'the scope "/etc/passwd" is an absolute path'],
      [task('Touch git', { scope: ['.git/hooks/pre-commit'] }), "names git's own files (.git)"],
      [task('Empty check', { acceptance: [''] }), 'acceptance command 1 is empty'],
      [task('x'.repeat(500)), 'the title is 500 characters long'],
      [task('Escape \u001b[2J'), 'the title contains a control character'],
    ] as const) {
      const outcome = await call({ tasks: [task('A fine task'), bad] })
      expect(outcome).toMatchObject({ failed: true, output: expect.stringContaining(problem) as string })
      expect((outcome as ToolOutcome).output).toContain('task 2')
      expect((outcome as ToolOutcome).output).toContain('nothing was created')
    }
    expect(await children()).toEqual([])
  })

  it('refuses a dependency cycle before creating anything', async () => {
    const outcome = await call({ tasks: [task('First', { depends_on: ['Second'] }), task('Second', { depends_on: ['First'] }), task('Third')] })
    expect(outcome).toMatchObject({ failed: true, output: expect.stringContaining('form a cycle') as string })
    expect(await children()).toEqual([])
  })

  it('creates good tasks in dependency order', async () => {
    const outcome = await call({ tasks: [task('Second', { depends_on: ['First'] }), task('First')] })
    expect(outcome).toMatch(/^created \d+ "First", \d+ "Second"\./)
    expect(await children()).toEqual(['First', 'Second'])
  })
})
