import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../src/store/index.ts'
import { colony, git } from './support/cli.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'
import { steadyScript } from './support/steady-script.ts'

const goal = 'Implement textkit as SPEC.md describes.'

async function finalState(fixture: RunFixture) {
  const tasks = await fixture.withStore((store) => store.listTasks())
  const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
  return {
    board: tasks.map((task) => `${task.id} ${task.kind} ${task.status} ${task.title}`).sort(),
    commits: log.map((commit) => commit.taskId).filter((id) => id !== null).sort(),
    tree: await fixture.targetTree(),
  }
}

async function leftovers(root: string) {
  const worktrees = (await git(root, ['worktree', 'list', '--porcelain'])).split('\n').filter((line) => line.startsWith('worktree ')).length - 1
  const branches = (await git(root, ['branch', '--list', 'colony/task/*'])).trim()
  const directories = await readdir(join(root, '.colony', 'worktrees')).catch(() => [])
  return { worktrees, branches, directories }
}

describe('colony run killed with SIGKILL and resumed', () => {
  const fixtures: RunFixture[] = []
  afterEach(async () => {
    for (const fixture of fixtures.splice(0)) await fixture.dispose()
  })

  it('ends with the same board and target tree as an uninterrupted run, nothing lost, duplicated or left behind', async () => {
    // PERF: the uninterrupted run and the interrupted one share nothing, so they run at once (each mostly waits on its scripted model and gates).
    const uninterrupted = async () => {
      const reference = await createRunFixture(steadyScript())
      fixtures.push(reference)
      const straight = startColonyRun(reference.root, ['--goal', goal])
      expect(await straight.exited, straight.output()).toBe(0)
      return finalState(reference)
    }
    const interrupted = async () => {
      const fixture = await createRunFixture(steadyScript())
      fixtures.push(fixture)
      const kills: { when: string; condition: (store: Store) => Promise<boolean>; afterMs: number }[] = [
        { when: 'during planning', condition: async (store) => (await store.listEvents({ types: ['planner-turn-started'] })).length > 0, afterMs: 300 },
        { when: 'mid worker step', condition: async (store) => (await store.listEvents({ types: ['agent-step'] })).some((event) => event.taskId !== null && event.taskId > 1), afterMs: 100 },
        { when: 'mid integration', condition: async (store) => (await store.listEvents({ types: ['task-integrating'] })).length > 0, afterMs: 400 },
      ]
      for (const [index, kill] of kills.entries()) {
        const run = startColonyRun(fixture.root, index === 0 ? ['--goal', goal] : [])
        await fixture.waitFor(kill.when, kill.condition, { context: run.output })
        await new Promise((resolve) => setTimeout(resolve, kill.afterMs))
        run.child.kill('SIGKILL')
        await run.exited
      }
      return fixture
    }
    const [expected, fixture] = await Promise.all([uninterrupted(), interrupted()])
    expect(expected.commits).toEqual([2, 3, 5, 6])
    expect(expected.board).toHaveLength(6)

    const resumed = startColonyRun(fixture.root, [])
    expect(await resumed.exited, resumed.output()).toBe(0)
    expect(resumed.output()).toContain('done: npm test passes')

    expect(await finalState(fixture)).toEqual(expected)
    expect(await fixture.targetTestsPass()).toBe(true)
    expect(await leftovers(fixture.root)).toEqual({ worktrees: 0, branches: '', directories: [] })
    const released = await fixture.withStore((store) => store.listEvents({ types: ['task-released'] }))
    expect(released.length).toBeGreaterThan(0)
  }, 240_000)
})
