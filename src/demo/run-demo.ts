import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Writable } from 'node:stream'
import { createBoard } from '../board/index.ts'
import { loadConfig } from '../config/index.ts'
import { ColonyError } from '../errors/index.ts'
import { createGit, createTaskLandingGate } from '../git/index.ts'
import { startScriptedServer } from '../model/scripted/index.ts'
import { launchRun, type LaunchResult } from '../orchestrator/index.ts'
import { ensureTargetBranch, findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { openStore } from '../store/index.ts'
import { demoScript } from './demo-script.ts'

const execFileAsync = promisify(execFile)
export const demoProject = fileURLToPath(new URL('../../examples/demo/project', import.meta.url))
export const demoGoal = 'Implement textkit as SPEC.md describes, so that every test in test/ passes with npm test.'

export class DemoDirectoryExistsError extends ColonyError {
  override readonly name = 'DemoDirectoryExistsError'
  readonly directory: string

  constructor(directory: string) {
    super(`${directory} already exists; colony demo only creates its sample repository in a new directory`, {
      hint: 'give --dir a path that does not exist yet (colony demo creates it), or leave --dir out for a temporary directory',
    })
    this.directory = directory
  }
}

export interface DemoOptions {
  /** Where to put the project (default: a new temporary directory). */
  directory?: string
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
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'colony-demo-')))
  if (options.directory !== undefined) {
    // Colony never writes into a directory it did not create: the demo's `git add -A` would commit someone's work.
    if (existsSync(options.directory)) throw new DemoDirectoryExistsError(options.directory)
    await mkdir(options.directory, { recursive: true })
  }
  await cp(demoProject, directory, { recursive: true })
  const git = (args: string[]) => execFileAsync('git', ['-c', 'user.name=Colony Demo', '-c', 'user.email=demo@colony.local', ...args], { cwd: directory })
  await git(['init', '-q', '-b', 'main'])
  await git(['add', '-A'])
  await git(['commit', '-q', '-m', 'textkit: stubs, spec and tests'])

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
