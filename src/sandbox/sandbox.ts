import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { hostUid } from '../overlay/namespace.ts'
import { detachedCommand, workspaceDetach } from '../overlay/workspace-detach.ts'
import { createRedactor, environmentWithSecrets, type Redactor } from '../secrets/index.ts'
import { startProcess } from '../spawner/index.ts'
import { bubblewrapArguments, probeBubblewrap } from './bubblewrap.ts'
import { BubblewrapUnavailableError } from './errors.ts'
import { sandboxEnvironment } from './environment.ts'
import { OutputCapture } from './output-capture.ts'
import { failedSetupByUnmount, setupAttempts } from './setup-race.ts'
import { createProcessCgroup } from './process-cgroup.ts'
import type { SandboxPolicy } from './policy.ts'
import { killTree, markerVariable, processesOfCurrentUser, processesWithMarker, residentBytes, signalTree } from './process-tree.ts'

export type SandboxMode = 'bubblewrap' | 'host'
export type LimitReached = 'time' | 'memory' | 'processes' | 'output' | 'aborted'

export interface CommandResult {
  exitCode: number | null
  /** Combined stdout and stderr, capped, secrets redacted, with a note when a limit ended the command. */
  output: string
  timedOut: boolean
  /** Which limit ended the command, if one did. */
  limit: LimitReached | undefined
  durationMs: number
  mode: SandboxMode
}

export interface RunOptions {
  /** The workspace; the command runs here and may write only here. */
  cwd: string
  timeoutMs: number
  signal?: AbortSignal
  /** Output as it comes, before capping and redaction (an agent CLI's event stream). */
  onOutput?: (chunk: Buffer, from: 'stdout' | 'stderr') => void
  /** Network for this command whatever the policy says (an agent CLI talks to its model). */
  network?: boolean
  /** More places this command may write (an agent CLI's configuration home). */
  writable?: readonly string[]
  /** Variables set as given, past the environment's allow-list (an agent CLI's key for its model). */
  environment?: Readonly<Record<string, string>>
  /** Output past which the command is stopped as flooding; default 64 times the policy's output cap. */
  floodBytes?: number
}

export interface Sandbox {
  readonly mode: SandboxMode
  readonly processCap: ProcessCap
  readonly guarantees: readonly Guarantee[]
  /** The guarantees this sandbox does not give here. */
  readonly notCovered: readonly Guarantee[]
  /** Why bubblewrap is not used, when it is not. */
  readonly weakness: string | undefined
  /** A shell line (run by bash) or an argument array. */
  run(command: string | readonly string[], options: RunOptions): Promise<CommandResult>
}

export interface SandboxOptions {
  /** The user's repository (hidden from commands except its .git and linked paths). */
  repositoryRoot: string
  policy: SandboxPolicy
  /** workspace.link paths, relative to the repository. */
  links?: readonly string[]
  /** `auto` uses bubblewrap when it works here. */
  mode?: 'auto' | SandboxMode
  /** The environment commands' variables are chosen from (default: this process's). */
  environment?: NodeJS.ProcessEnv
  redact?: Redactor
  /** Told once when commands run without bubblewrap. */
  warn?: (message: string) => void
  /** Between SIGTERM and SIGKILL when a limit is reached. */
  graceMs?: number
  /** How often the tree's memory and process count are measured. */
  watchMs?: number
}

/**
 * What a sandbox guarantees; the adversarial suite runs a case only where it is
 * claimed. `limits` are time, memory, output and leftover processes.
 * `process-isolation`: a command sees and can signal only its own processes
 * (a PID namespace), so not Colony's memory, where the keys are, nor any other
 * process of the person's.
 * `process-count` is a hard cap the kernel enforces (a pids cgroup, or
 * RLIMIT_NPROC, which never binds root): without one only the watchdog
 * counts processes, and a fork bomb outruns it.
 */
export const allGuarantees = ['filesystem', 'network', 'process-isolation', 'limits', 'process-count', 'environment', 'redaction'] as const
export type Guarantee = (typeof allGuarantees)[number]

/** How the process count is capped: a pids cgroup, RLIMIT_NPROC, or only the watchdog's count. */
export type ProcessCap = 'cgroup' | 'rlimit' | 'watchdog'

function detectProcessCap(): ProcessCap {
  const probe = createProcessCgroup(`probe-${process.pid}-${Date.now()}`, 1)
  if (probe) {
    probe.dispose()
    return 'cgroup'
  }
  return hostUid() === 0 ? 'watchdog' : 'rlimit'
}

let warnedAboutHostMode = false


/**
 * Runs commands for agents and gates. With bubblewrap: read-only system, the
 * worktree the only writable place, secrets and the user's tree hidden, no
 * network unless allowed. Without it (the weaker `host` mode, announced once):
 * the same limits and environment, but no filesystem or network isolation.
 * Either way the whole process tree, setsid daemons included, ends at the time
 * limit, at the memory or process limit, or when output floods; and nothing a
 * command started outlives it.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const { policy } = options
  const parentEnvironment = options.environment ?? environmentWithSecrets()
  const redact = options.redact ?? createRedactor(parentEnvironment)
  const probe = options.mode === 'host' ? { available: false as const, reason: 'host mode was chosen' } : probeBubblewrap()
  if (options.mode === 'bubblewrap' && !probe.available) throw new BubblewrapUnavailableError(probe.reason)
  const mode: SandboxMode = probe.available ? 'bubblewrap' : 'host'
  const weakness = probe.available ? undefined : probe.reason
  if (mode === 'host' && options.mode !== 'host' && !warnedAboutHostMode) {
    warnedAboutHostMode = true
    ;(options.warn ?? ((message: string) => process.stderr.write(`colony: warning: ${message}\n`)))(
      `${weakness}; commands run without filesystem or network isolation (time, memory, process and output limits and the scrubbed environment still apply). Install bubblewrap for the full sandbox: apt-get install bubblewrap`,
    )
  }
  const processCap = detectProcessCap()
  const guarantees: Guarantee[] = [
    ...(mode === 'bubblewrap' ? (['filesystem', 'network', 'process-isolation'] as const) : []),
    'limits',
    ...(processCap === 'watchdog' ? [] : (['process-count'] as const)),
    'environment',
    'redaction',
  ]
  const graceMs = options.graceMs ?? 2_000
  const watchMs = options.watchMs ?? 100

  /** `argv` in bubblewrap, in the worktree at `workspace`; among many workspaces, with the others' mounts detached first. */
  function inBubblewrap(workspace: string, environment: Record<string, string>, runOptions: RunOptions, argv: string[]): string[] {
    const detach = workspaceDetach(workspace)
    const layout = { workspace, workspaceSource: detach?.hold, repositoryRoot: options.repositoryRoot, links: options.links ?? [], readable: policy.readable, writable: [...policy.writable, ...(runOptions.writable ?? [])], network: runOptions.network ?? policy.network, path: environment.PATH, home: environment.HOME, tmpfsMb: policy.memoryMb }
    const bwrap = ['bwrap', ...bubblewrapArguments(layout), '--chdir', workspace, '--', ...argv]
    return detach ? detachedCommand(detach, workspace, bwrap) : bwrap
  }

  async function runOnce(command: string | readonly string[], runOptions: RunOptions): Promise<CommandResult> {
    const started = Date.now()
    const marker = randomUUID()
    const environment: Record<string, string> = { ...sandboxEnvironment(parentEnvironment, policy.env), ...runOptions.environment, [markerVariable]: marker }
    const commandArgv = typeof command === 'string' ? ['bash', '-c', command] : [...command]
    // RLIMIT_NPROC counts all of the user's processes, so its cap sits above those already running.
    const limited = processCap === 'rlimit' ? ['bash', '-c', `ulimit -u ${processesOfCurrentUser() + policy.processes}; exec "$@"`, 'colony-sandbox', ...commandArgv] : commandArgv
    const workspace = resolve(runOptions.cwd)
    const sandboxed = mode === 'bubblewrap' ? inBubblewrap(workspace, environment, runOptions, limited) : limited
    // bwrap and everything under it join the cgroup before anything can fork.
    const cgroup = processCap === 'cgroup' ? createProcessCgroup(marker, policy.processes + 3) : undefined
    const argv = cgroup ? ['bash', '-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, ...sandboxed] : sandboxed
    // PERF: a cgroup lists its members; finding marked processes reads every process's environment in /proc,
    // which with hundreds of agents' commands running costs more than the command.
    const tree = cgroup ? () => cgroup.pids() : () => processesWithMarker(marker)

    const capture = new OutputCapture(policy.outputBytes)
    let limit: LimitReached | undefined
    let killing: Promise<unknown> | undefined

    const stop = (reason: LimitReached) => {
      if (killing) return
      limit = reason
      const graceful = reason === 'time' || reason === 'aborted'
      // Only called back once `child` is there: output, timers and the abort all come after it started.
      killing = child.started.then(
        async (group) => {
          signalTree(group, tree, graceful ? 'SIGTERM' : 'SIGKILL')
          if (graceful) await delay(graceMs)
          await killTree(group, tree)
        },
        () => undefined,
      )
    }
    const floodBytes = runOptions.floodBytes ?? policy.outputBytes * 64
    const onOutput = (chunk: Buffer, from: 'stdout' | 'stderr') => {
      capture.add(chunk)
      runOptions.onOutput?.(chunk, from)
      if (capture.total > floodBytes) stop('output')
    }
    // Started by the spawn helper: forking Colony itself costs its whole memory's page tables (see startProcess).
    const child = startProcess({ file: argv[0]!, args: argv.slice(1), cwd: workspace, env: environment, detached: true, onOutput })
    const timer = setTimeout(() => stop('time'), runOptions.timeoutMs)
    const watcher = setInterval(() => {
      const pids = tree()
      if (pids.length > policy.processes) stop('processes')
      else if (residentBytes(pids) > policy.memoryMb * 1024 * 1024) stop('memory')
    }, watchMs)
    const onAbort = () => stop('aborted')
    runOptions.signal?.addEventListener('abort', onAbort, { once: true })

    try {
      const exitCode = await child.exited
      clearTimeout(timer)
      clearInterval(watcher)
      await killing
      // Whatever the command left behind (a daemon, a background job) ends with it.
      await killTree(await child.started, tree)
      await child.closed
      const note = limit ? `\n[colony: the command was stopped: ${describeLimit(limit, runOptions.timeoutMs, policy, floodBytes)}]` : ''
      return { exitCode: limit ? null : exitCode, output: redact(capture.text()) + note, timedOut: limit === 'time', limit, durationMs: Date.now() - started, mode }
    } finally {
      cgroup?.dispose()
      clearTimeout(timer)
      clearInterval(watcher)
      runOptions.signal?.removeEventListener('abort', onAbort)
    }
  }

  const notCovered = allGuarantees.filter((guarantee) => !guarantees.includes(guarantee))
  async function run(command: string | readonly string[], runOptions: RunOptions): Promise<CommandResult> {
    for (let attempt = 1; ; attempt++) {
      const result = await runOnce(command, runOptions)
      if (mode !== 'bubblewrap' || attempt >= setupAttempts || !failedSetupByUnmount(result)) return result
    }
  }

  return { mode, weakness, processCap, guarantees, notCovered, run }
}

function describeLimit(limit: LimitReached, timeoutMs: number, policy: SandboxPolicy, floodBytes: number): string {
  switch (limit) {
    case 'time':
      return `it ran longer than its time limit of ${Math.round(timeoutMs / 1000)} s`
    case 'memory':
      return `its processes used more than ${policy.memoryMb} MB of memory`
    case 'processes':
      return `it started more than ${policy.processes} processes at once`
    case 'output':
      return `it printed more than ${floodBytes} bytes`
    case 'aborted':
      return 'the attempt was cancelled'
  }
}
