import { createMcpEndpoint } from '../agents/index.ts'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { createBoard, createTaskHandle } from '../board/index.ts'
import { loadConfig } from '../config/index.ts'
import { createGit, createTaskLandingGate, createWorkspaces } from '../git/index.ts'
import { scriptedLanguageModel, type Script } from '../model/scripted/index.ts'
import { findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { sandboxFromConfig, sandboxPolicy } from '../sandbox/index.ts'
import { createTempStore } from '../../test/support/temp-store.ts'
import { createWorker } from './worker.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

const target = 'colony/main'

async function setup(script: Script) {
  const repository = await createTempRepository({ 'README.md': '# sample\n', 'colony.json': JSON.stringify({ models: { default: 'scripted:agent' } }) })
  disposers.push(() => repository.dispose())
  const root = repository.root
  const git = createGit(root)
  const layout = await findRepository(root)
  await prepareColonyDirectory(layout)
  await git.run(['update-ref', `refs/heads/${target}`, 'HEAD'])
  const { store, dispose } = await createTempStore()
  disposers.push(dispose)
  const config = await loadConfig(root)
  const board = createBoard({ store, landings: createTaskLandingGate(git, config) })
  const workspaces = createWorkspaces({ git, root, worktreesDir: layout.worktreesDir, target })
  const worker = createWorker({
    store,
    board,
    config,
    repositoryRoot: root,
    git,
    workspaces,
    sandbox: sandboxFromConfig(config, root),
    policy: sandboxPolicy(config.sandbox, root),
    models: { worker: { model: scriptedLanguageModel(script), spec: 'scripted:agent', price: undefined } },
    context: { windowTokens: config.context.windowTokens, compactAt: config.context.compactAt, maskToolResultsAfter: config.context.maskToolResultsAfter },
    deepGate: undefined,
    mcp: createMcpEndpoint(),
    landing: (work) => work(),
    gates: (work) => work(),
    gate: async () => undefined,
  })
  const run = await store.createRun({ goal: 'worker tests', target })
  const task = await board.addTask({ runId: run.id, title: 'Add notes', createdBy: 'test' })

  async function attempt(options: { resume?: boolean } = {}) {
    const claimed = await board.claim({ runId: run.id, owner: 'test/slot-1' })
    if (!claimed) throw new Error('nothing to claim')
    const handle = createTaskHandle(board, claimed)
    await handle.advance('running')
    const outcome = await worker.work({ run, handle, owner: 'test/slot-1', signal: new AbortController().signal, resume: options.resume ?? false })
    return { outcome, handle }
  }
  return { root, git, store, board, workspaces, task, attempt, worktree: workspaces.pathFor(task.id) }
}

const prompt = (request: { body: unknown }) => JSON.stringify(request.body)

describe('worker', () => {
  it('an integration that breaks for a reason outside the change puts the task back to running and tells the agent, whose next finish lands', async () => {
    let personWorktree: string | undefined
    const told: string[] = []
    const context = await setup(async (request) => {
      if (request.turn === 1) return { toolCalls: [{ name: 'write_file', input: { path: 'notes.txt', content: 'notes\n' } }] }
      if (request.turn === 2) {
        // The person checks the target out in a worktree of their own just as the worker finishes.
        personWorktree = await mkdtemp(join(tmpdir(), 'colony-person-'))
        await rm(personWorktree, { recursive: true })
        await userGit(context.root, ['worktree', 'add', '-q', personWorktree, target])
        return { toolCalls: [{ name: 'finish', input: { summary: 'notes added' } }] }
      }
      told.push(request.toolResults.at(-1) ?? '')
      if (request.turn === 3) {
        await userGit(context.root, ['worktree', 'remove', '--force', personWorktree!])
        return { toolCalls: [{ name: 'finish', input: { summary: 'notes added' } }] }
      }
      return { text: 'done' }
    })
    const { outcome } = await context.attempt()
    expect(told[0]).toMatch(/failed because of an error in Colony or the repository, not in your change/)
    expect(told[0]).toMatch(/checked out in/)
    expect(outcome).toMatchObject({ merged: true })
    const statuses = (await context.store.listEvents({ taskId: context.task.id })).filter((event) => event.type.startsWith('task-') || event.type === 'integration-error').map((event) => event.type)
    expect(statuses).toEqual(['task-created', 'task-claimed', 'task-started', 'task-integrating', 'integration-error', 'task-started', 'task-integrating', 'task-merged'])
    expect(await readFile(join(context.root, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n')
  })

  it('each attempt starts from a fresh worktree, and the worktree and branch go when the attempt ends', async () => {
    const seen: { attempt: number; leftover: boolean; prompt: string }[] = []
    const context = await setup((request) => {
      const attempt = seen.filter((entry) => entry.prompt !== '').length + (request.turn === 1 ? 1 : 0)
      if (request.turn === 1) {
        seen.push({ attempt, leftover: existsSync(join(context.worktree, 'half.txt')), prompt: prompt(request) })
        return { toolCalls: [{ name: 'write_file', input: { path: 'half.txt', content: 'export const x = 1\n' } }] }
      }
      return { text: 'I stop here without finishing.' }
    })
    const first = await context.attempt()
    expect(first.outcome).toMatchObject({ merged: false })
    await first.handle.failAttempt('the worker finished without its change landing')
    expect(existsSync(context.worktree)).toBe(false)
    expect(await context.git.lines(['for-each-ref', 'refs/heads/colony/task/'])).toEqual([])

    await context.attempt()
    expect(seen.map((entry) => entry.leftover)).toEqual([false, false])
    expect(seen[1]!.prompt).not.toMatch(/Resuming an interrupted attempt/)
  })

  it('a crashed attempt is resumed only when the supervisor says so, and the agent is told what the worktree holds', async () => {
    let firstPrompt = ''
    let leftover = ''
    const context = await setup(async (request) => {
      if (request.turn === 1) {
        firstPrompt = prompt(request)
        leftover = await readFile(join(context.worktree, 'half.txt'), 'utf8').catch(() => '(missing)')
      }
      return { text: 'stopping' }
    })
    // What a process killed mid-attempt leaves behind.
    const crashed = await context.workspaces.open(context.task.id)
    await writeFile(join(crashed.path, 'half.txt'), 'export const x = 1\n')
    await context.attempt({ resume: true })
    expect(leftover).toBe('export const x = 1\n')
    expect(firstPrompt).toMatch(/Resuming an interrupted attempt/)
    expect(firstPrompt).toMatch(/half\.txt/)
    expect(existsSync(context.worktree)).toBe(false)
  })
})
