import { execFile, spawn } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { demoProject } from '../../src/demo/index.ts'
import { startScriptedServer, type Script, type ScriptedServer } from '../../src/model/scripted/index.ts'
import { openStore, type Store } from '../../src/store/index.ts'
import { cliEntry, colony, git } from './cli.ts'

const execFileAsync = promisify(execFile)

export interface RunFixture {
  root: string
  server: ScriptedServer
  /** A read-only look at the run's store while another process runs it. */
  withStore<T>(read: (store: Store) => Promise<T>): Promise<T>
  /** Polls the store until `read` gives something; on timeout the error shows the board and `context()`. */
  waitFor<T>(what: string, read: (store: Store) => Promise<T | undefined | false>, options?: { timeoutMs?: number; context?: () => string }): Promise<T>
  targetTree(): Promise<string>
  /** Runs the target's tests in a throwaway worktree. */
  targetTestsPass(): Promise<boolean>
  dispose(): Promise<void>
}

/**
 * The demo's textkit project in its own repository, with colony.json pointing
 * at a scripted model server this process runs, and `colony init` done: the
 * setting for end-to-end runs of `colony run` as a child process.
 */
export async function createRunFixture(script: Script, config: Record<string, unknown> | ((modelUrl: string) => Record<string, unknown>) = {}): Promise<RunFixture> {
  const root = await mkdtemp(join(tmpdir(), 'colony-run-'))
  await cp(demoProject, root, { recursive: true })
  await git(root, ['init', '-q', '-b', 'main'])
  await git(root, ['add', '-A'])
  await git(root, ['commit', '-q', '-m', 'textkit'])
  const server = await startScriptedServer({ script })
  await writeFile(
    join(root, 'colony.json'),
    JSON.stringify({
      models: { default: 'scripted:agent' },
      providers: { scripted: { type: 'openai-compatible', baseURL: server.url } },
      prices: { 'scripted:agent': { input: 3, output: 15 } },
      workers: 4,
      checks: { fast: [], full: ['npm test'] },
      limits: { attemptMinutes: 5, leaseSeconds: 6 },
      ...(typeof config === 'function' ? config(server.url) : config),
    }),
  )
  const init = await colony(root, ['init'])
  if (init.code !== 0) throw new Error(init.stderr)
  const withStore = async <T>(read: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore(join(root, '.colony', 'colony.db'))
    try {
      return await read(store)
    } finally {
      await store.close()
    }
  }
  return {
    root,
    server,
    withStore,
    async waitFor(what, read, options = {}) {
      const started = Date.now()
      while (Date.now() - started < (options.timeoutMs ?? 60_000)) {
        const value = await withStore(read).catch(() => undefined)
        if (value) return value
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const board = await withStore(async (store) => (await store.listTasks()).map((task) => `${task.id} ${task.status} ${task.title} ${task.reason ?? ''}`).join('; '))
      throw new Error(`timed out waiting for ${what}; board: ${board}\n${options.context?.().slice(-3_000) ?? ''}`)
    },
    targetTree: () => git(root, ['rev-parse', 'colony/main^{tree}']),
    async targetTestsPass() {
      const checkout = await mkdtemp(join(tmpdir(), 'colony-target-'))
      await rm(checkout, { recursive: true })
      await git(root, ['worktree', 'add', '-q', '--detach', checkout, 'colony/main'])
      try {
        await execFileAsync('npm', ['test'], { cwd: checkout })
        return true
      } catch {
        return false
      } finally {
        await git(root, ['worktree', 'remove', '--force', checkout])
      }
    },
    async dispose() {
      await server.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** The main working tree's files and HEAD, to show Colony left them alone. */
export async function userTreeSnapshot(root: string): Promise<string> {
  const files = ['src/index.ts', 'src/slugify.ts', 'src/word-count.ts', 'colony.json']
  const contents = await Promise.all(files.map((file) => readFile(join(root, file), 'utf8')))
  return [await git(root, ['rev-parse', 'HEAD']), await git(root, ['symbolic-ref', 'HEAD']), await git(root, ['status', '--porcelain']), ...contents].join('\n---\n')
}

/** `colony run ARGS` as a child process, its output collected as it comes. */
export function startColonyRun(root: string, args: string[]) {
  return startColony(root, ['run', ...args])
}

/** `colony ARGS` as a child process, its output collected as it comes. */
export function startColony(root: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cliEntry, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, stdout: () => stdout, output: () => output }
}
