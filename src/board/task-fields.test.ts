import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTempStore } from '../../test/support/temp-store.ts'
import type { Run, Store } from '../store/index.ts'
import { createBoard, InvalidFieldError, scopeProblem, taskFieldProblem, type Board } from './index.ts'

describe('task fields', () => {
  it('takes scopes inside the repository and refuses the rest, saying why', () => {
    for (const fine of ['src/**', 'README.md', '**/*.test.ts', 'packages/*/src/**', './docs/**', 'a..b/c']) expect(scopeProblem(fine), fine).toBeUndefined()
    expect(scopeProblem('../../etc/**')).toBe('leads out of the repository through ".."')
    expect(scopeProblem('src/../../x')).toBe('leads out of the repository through ".."')
    expect(scopeProblem('/etc/passwd')).toBe('is an absolute path')
    expect(scopeProblem('C:\\Windows')).toBe('is an absolute path')
    expect(scopeProblem('~/.ssh/id_rsa')).toBe('is in the home directory, outside the repository')
    expect(scopeProblem('.git/hooks/*')).toContain('.git')
    expect(scopeProblem('sub/.git/config')).toContain('.git')
    expect(scopeProblem('')).toBe('is empty')
    expect(scopeProblem('  ')).toBe('is empty')
    expect(scopeProblem('src/\u001b[2J')).toContain('control character')
  })

  it('names the first field that cannot be used, with the fix', () => {
    expect(taskFieldProblem({ title: 'Parse dates', description: 'line one\n\tline two', acceptance: ['npm test'], scope: ['src/**'] })).toBeUndefined()
    expect(taskFieldProblem({ title: 'x'.repeat(201) })).toMatchObject({ field: 'title', problem: 'the title is 201 characters long; at most 200 are allowed' })
    expect(taskFieldProblem({ title: 'two\nlines' })).toMatchObject({ field: 'title', problem: expect.stringContaining('line break') as string })
    expect(taskFieldProblem({ title: ' ' })).toMatchObject({ field: 'title', problem: 'the title is empty' })
    expect(taskFieldProblem({ title: 'ok', description: 'd'.repeat(20_001) })).toMatchObject({ field: 'description' })
    expect(taskFieldProblem({ title: 'ok', description: 'escape \u001b[31m' })).toMatchObject({ field: 'description' })
    expect(taskFieldProblem({ title: 'ok', acceptance: ['npm test', ''] })).toMatchObject({ field: 'acceptance', index: 1, problem: 'acceptance command 2 is empty' })
    expect(taskFieldProblem({ title: 'ok', acceptance: Array.from({ length: 51 }, () => 'true') })).toMatchObject({ field: 'acceptance' })
    expect(taskFieldProblem({ title: 'ok', scope: ['src/**', '/etc/**'] })).toMatchObject({ field: 'scope', index: 1, hint: expect.stringContaining('relative to the repository root') as string })
    expect(taskFieldProblem({ title: 'ok', dependsOn: [0] })).toMatchObject({ field: 'dependsOn', index: 0 })
    expect(taskFieldProblem({ title: 'ok', priority: 1.5 })).toMatchObject({ field: 'priority' })
    expect(taskFieldProblem({ title: 'ok', maxAttempts: 0 })).toMatchObject({ field: 'maxAttempts' })
  })

  describe('on the board', () => {
    let temp: { store: Store; dispose(): Promise<void> }
    let board: Board
    let run: Run
    beforeEach(async () => {
      temp = await createTempStore()
      board = createBoard({ store: temp.store })
      run = await temp.store.createRun({ target: 'colony/main' })
    })
    afterEach(() => temp.dispose())

    it('refuses a task it cannot use, whoever adds it, and stores nothing', async () => {
      const attempt = board.addTask({ runId: run.id, title: 'Read secrets', scope: ['../../etc/**'], createdBy: 'planner-1' })
      await expect(attempt).rejects.toBeInstanceOf(InvalidFieldError)
      await expect(attempt).rejects.toMatchObject({ field: 'scope[0]', message: 'the scope "../../etc/**" leads out of the repository through ".."' })
      expect(await temp.store.listTasks({ runId: run.id })).toEqual([])
      expect(await temp.store.listEvents({ runId: run.id, types: ['task-created'] })).toEqual([])
      expect((await board.addTask({ runId: run.id, title: 'Parse dates', scope: ['src/**'], createdBy: 'person' })).scope).toEqual(['src/**'])
    })
  })
})
