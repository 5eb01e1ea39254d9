import { execFile } from 'node:child_process'
import { cp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Writable } from 'node:stream'
import { createBoard } from '../board/index.ts'
import { loadConfig } from '../config/index.ts'
import { createGit, createTaskLandingGate } from '../git/index.ts'
import { startScriptedServer } from '../model/scripted/index.ts'
import { launchRun, type LaunchResult } from '../launch/index.ts'
import { ensureTargetBranch, findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { openStore } from '../store/index.ts'
import type { DemoDirectory } from './demo-directory.ts'
import { demoScript } from './demo-script.ts'

const execFileAsync = promisify(execFile)
export const demoProject = fileURLToPath(new URL('../../examples/demo/project', import.meta.url))
export const demoGoal = 'Implement textkit as SPEC.md describes, so that every test in test/ passes with npm test.'

export interface DemoOptions {
  /** Where to put the project: the new, empty directory createDemoDirectory made. */
  directory: DemoDirectory
  workers?: number
  output: Writable & { isTTY?: boolean; columns?: number }
  signal?: AbortSignal
}

/**
 * `colony demo`: the whole system on the bundled textkit project with scripted
 * agents. The project is copied to its own repository, the scripted model
 * server starts on 127.0.0.1, and `colony run` runs there as it would with a
 * real model: a planner and a sub-planner, workers in parallel, a conflict a
 * worker resolves, a change its gate rejects and the worker fixes, the judge.
 */
export async function runDemo(options: DemoOptions): Promise<{ directory: string; result: LaunchResult; modelRequests: number }> {
  const directory = options.directory.path
  const git = (args: string[]) => execFileAsync('git', ['-c', 'user.name=Colony Demo', '-c', 'user.email=demo@colony.local', ...args], { cwd: directory })
  try {
    await cp(demoProject, directory, { recursive: true })
    await git(['init', '-q', '-b', 'main'])
    await git(['add', '-A'])
    await git(['commit', '-q', '-m', 'textkit: stubs, spec and tests'])
  } catch (error) {
    // A half-made sample repository is of no use to anyone: take back what the demo wrote.
    await rm(options.directory.created, { recursive: true, force: true })
    throw error
  }

  const server = await startScriptedServer({ script: demoScript })
  try {
    const config = {
      models: { default: 'scripted:demo-agent' },
      providers: { scripted: { type: 'openai-compatible', baseURL: server.url } },
      // A made-up price, so that the demo shows cost accounting; the scripted model costs nothing.
      prices: { 'scripted:demo-agent': { input: 3, output: 15 } },
      workers: options.workers ?? 4,
      checks: { fast: [], full: ['npm test'] },
      budget: { usd: 5, hours: 1 },
      // truncate and titleCase both edit src/index.ts: allowing them to overlap shows a worker resolving a conflict.
      scheduling: { allowOverlap: true },
      limits: { attemptMinutes: 5, leaseSeconds: 30 },
    }
    await writeFile(join(directory, 'colony.json'), `${JSON.stringify(config, null, 2)}\n`)
    const layout = await findRepository(directory)
    const loaded = await loadConfig(layout.root)
    await ensureTargetBranch(layout, loaded.target)
    await prepareColonyDirectory(layout)
    const store = await openStore(layout.databasePath)
    try {
      const board = createBoard({ store, leaseMs: loaded.limits.leaseSeconds * 1000, landings: createTaskLandingGate(createGit(layout.root), loaded) })
      const result = await launchRun({ layout, config: loaded, store, board, goal: demoGoal, ...(options.workers && { workers: options.workers }), output: options.output, ...(options.signal && { signal: options.signal }) })
      return { directory, result, modelRequests: server.requests.length }
    } finally {
      await store.close()
    }
  } finally {
    await server.close()
  }
}
