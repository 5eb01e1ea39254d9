import type { Writable } from 'node:stream'
import type { Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { ColonyError } from '../errors/index.ts'
import { createDeepGate, revertTask, runBaseline } from '../gate/index.ts'
import { assertNotCheckedOut, createGit, createLandingLock, createWorkspaces, findTaskCommit, worktreeHolding, type SharedLock, type Workspaces } from '../git/index.ts'
import { createLanguageModel, modelForRole, priceOf, roles as roleNames, type ModelOverrides, type Role } from '../model/index.ts'
import type { RepositoryLayout } from '../repository/index.ts'
import { createRoles, type RoleModel } from '../roles/index.ts'
import { guardedCommandRunner, sandboxFromConfig, sandboxPolicy, type Sandbox } from '../sandbox/index.ts'
import { leasedStatuses, settledStatuses } from '../board/index.ts'
import { isRunEnded, type Run, type Store } from '../store/index.ts'
import { createLiveView } from './live-view.ts'
import { createInstanceId, ownerIsGone } from './owner-id.ts'
import { createSupervisor, type RunResult } from './supervisor.ts'

export class RunInProgressError extends ColonyError {
  override readonly name = 'RunInProgressError'
  readonly runId: number

  constructor(run: Run) {
    super(`run ${run.id} is ${run.status} with another goal: "${run.goal ?? ''}"`, {
      hint: 'resume it with `colony run` (no --goal), or end it with `colony stop` before starting a new goal',
    })
    this.runId = run.id
  }
}

export class NothingToResumeError extends ColonyError {
  override readonly name = 'NothingToResumeError'

  constructor(reason: string) {
    super(`there is no run to resume: ${reason}`, { hint: 'start one with `colony run --goal "..."` or `--goal-file FILE`' })
  }
}


type WarningLogger = false | ((options: { warnings: unknown[]; provider: string; model: string }) => void) | undefined
const sdkGlobals = globalThis as { AI_SDK_LOG_WARNINGS?: WarningLogger }

/**
 * The AI SDK prints provider warnings (an unsupported setting, say) to the
 * console on every call; during a run each distinct one becomes a single
 * `model-warning` event instead of noise across the live view.
 */
function recordModelWarnings(store: Store, runId: number): () => void {
  const previous = sdkGlobals.AI_SDK_LOG_WARNINGS
  const seen = new Set<string>()
  sdkGlobals.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => {
    for (const warning of warnings) {
      const key = JSON.stringify([provider, model, warning])
      if (seen.has(key)) continue
      seen.add(key)
      void store.appendEvents([{ runId, type: 'model-warning', data: { provider, model, warning: warning as Record<string, unknown> } }]).catch(() => undefined)
    }
  }
  return () => {
    sdkGlobals.AI_SDK_LOG_WARNINGS = previous
  }
}

/** The run a `colony run` invocation drives: the goal's current run, resumed, or a new one. */
async function chooseRun(store: Store, target: string, goal: string | undefined): Promise<Run> {
  const latest = await store.latestRun()
  if (goal === undefined) {
    if (!latest?.goal) throw new NothingToResumeError('no goal has been given yet')
    if (latest.status === 'done') throw new NothingToResumeError(`run ${latest.id} is done (${latest.reason ?? ''})`)
    return latest
  }
  if (latest && !isRunEnded(latest.status)) {
    if (latest.goal === goal) return latest
    if (!latest.goal) return store.updateRun(latest.id, latest.version, { goal }, [{ type: 'run-goal-set', data: { goal } }])
    throw new RunInProgressError(latest)
  }
  return store.createRun({ goal, target }, [{ type: 'run-created', data: { goal, target } }])
}

export interface LaunchOptions {
  layout: RepositoryLayout
  config: ColonyConfig
  store: Store
  board: Board
  goal?: string
  workers?: number
  models?: ModelOverrides
  /** Where the live view goes (a terminal redraws; anything else gets one line per event). */
  output: Writable & { isTTY?: boolean; columns?: number }
  environment?: NodeJS.ProcessEnv
  /** Aborting asks the run to stop cleanly, as `colony stop` does. */
  signal?: AbortSignal
}

export interface LaunchResult extends RunResult {
  run: Run
  merged: number
  tasks: number
  costUsd: number
  targetTip: string
}

/** What a process that runs agents sets up: the models of the roles it runs, the sandbox, the worktrees. */
async function prepareAgents(options: LaunchOptions, run: Run, roles: readonly Role[]) {
  const { layout, config, store } = options
  const git = createGit(layout.root)
  const models: Partial<Record<Role, RoleModel>> = {}
  for (const role of roles) {
    const spec = modelForRole(config, role, options.models)
    models[role] = { model: await createLanguageModel(spec, config, options.environment), spec: spec.spec, price: priceOf(spec.spec, config) }
  }
  const sandbox = sandboxFromConfig(config, layout.root)
  const policy = sandboxPolicy(config.sandbox, layout.root)
  const workspaces = createWorkspaces({
    git,
    root: layout.root,
    worktreesDir: layout.worktreesDir,
    target: config.target,
    remote: config.remote,
    preparation: config.workspace,
    runSetup: async (command, cwd) => {
      const result = await sandbox.run(command, { cwd, timeoutMs: config.limits.attemptMinutes * 60_000 })
      return { ok: result.exitCode === 0, output: result.output }
    },
  })
  // Worktrees of tasks that are settled (merged, cancelled, failed) are no longer needed.
  const tasks = await store.listTasks({ runId: run.id })
  const unsettled = new Set(tasks.filter((task) => !settledStatuses.includes(task.status)).map((task) => task.id))
  await workspaces.sweep((taskId) => unsettled.has(taskId))
  const roleContext = {
    store, board: options.board, config, repositoryRoot: layout.root, git, workspaces, sandbox, policy, models, landing: createLandingLock(sharedLandingTurn(store, layout, config)),
    context: { windowTokens: config.context.windowTokens, compactAt: config.context.compactAt, maskToolResultsAfter: config.context.maskToolResultsAfter },
  }
  const supervisorOptions = {
    store,
    board: options.board,
    runId: run.id,
    workers: options.workers ?? config.workers,
    budget: config.budget,
    attemptMinutes: config.limits.attemptMinutes,
    cycleMinutes: config.limits.cycleMinutes,
    leaseMs: config.limits.leaseSeconds * 1000,
    allowOverlap: config.scheduling.allowOverlap,
    findLandedCommit: (taskId: number) => findTaskCommit(git, config.target, taskId, config.remote),
    targetProblem: async () => {
      const holder = await worktreeHolding(git, config.target)
      return holder === undefined ? undefined : `the target branch ${config.target} is checked out in ${holder}; Colony never moves a checked-out branch. Check out another branch there and the run goes on.`
    },
  }
  return { git, models, sandbox, policy, workspaces, roleContext, supervisorOptions }
}

/**
 * Whose turn it is to land, through the store, so that every process landing on
 * this target (other `colony worker`s, other machines with the same remote)
 * takes turns instead of racing for the compare-and-swap.
 */
function sharedLandingTurn(store: Store, layout: RepositoryLayout, config: ColonyConfig): SharedLock {
  const name = config.remote === undefined ? `landing:${layout.root}:${config.target}` : `landing:remote ${config.remote}:${config.target}`
  const owner = createInstanceId()
  return {
    async tryLock(ttlMs) {
      if (await store.tryLock(name, owner, ttlMs)) return true
      // A holder on this host whose process is gone (killed mid-landing) will never let go: do not wait out its time.
      const holder = await store.lockHolder(name)
      if (holder === undefined || !ownerIsGone(holder, owner)) return false
      await store.unlock(name, holder)
      return store.tryLock(name, owner, ttlMs)
    },
    unlock: () => store.unlock(name, owner),
  }
}

/**
 * When a run ends its task worktrees and branches go, except those of tasks
 * another live process (a `colony worker` still leaving) holds, and of
 * changes waiting for a person's approval (their branch keeps the commit).
 */
async function removeTaskWorktrees(store: Store, runId: number, workspaces: Workspaces): Promise<void> {
  const owner = createInstanceId()
  const kept = new Set(
    (await store.listTasks({ runId }))
      .filter((task) => task.status === 'awaiting_approval' || (leasedStatuses.includes(task.status) && task.owner !== null && !ownerIsGone(task.owner, owner)))
      .map((task) => task.id),
  )
  await workspaces.sweep((taskId) => kept.has(taskId))
}

/** What a process runs with: its models, how many agents, and what the sandbox does not cover here. */
function describeProcess(models: Partial<Record<Role, RoleModel>>, workers: number, sandbox: Sandbox): Record<string, unknown> {
  const missing = sandbox.notCovered
  const roles = Object.entries(models).map(([role, model]) => `${role} ${model.spec}`).join(', ')
  return {
    summary: `${roles}; ${workers} workers; sandbox ${sandbox.mode}${missing.length > 0 ? ` (not covered here: ${missing.join(', ')})` : ''}`,
    models: Object.fromEntries(Object.entries(models).map(([role, model]) => [role, model.spec])),
    workers,
    sandbox: { mode: sandbox.mode, processCap: sandbox.processCap, notCovered: missing },
  }
}

/**
 * `colony run`: starts or resumes this repository's run with the real roles
 * (agents over the configured models, the sandbox, the gates) and drives it
 * to its end under a supervisor, showing it live. Everything is in the store,
 * so a killed process is resumed by running it again.
 */
export async function launchRun(options: LaunchOptions): Promise<LaunchResult> {
  const { config, store, board } = options
  // Before anything is recorded: a refused run leaves no trace.
  await assertNotCheckedOut(createGit(options.layout.root), config.target)
  const run = await chooseRun(store, config.target, options.goal)
  const { git, models, sandbox, policy, workspaces, roleContext, supervisorOptions } = await prepareAgents(options, run, roleNames)
  const emit = async (type: string, data: Record<string, unknown>) => void (await store.appendEvents([{ runId: run.id, type, data }]))
  const deepGate = createDeepGate({
    git,
    workspaces,
    target: config.target,
    remote: config.remote,
    commands: config.checks.full,
    baseline: await runBaseline({ store, git, runId: run.id, target: config.target, remote: config.remote }),
    timeoutMs: config.limits.attemptMinutes * 60_000,
    run: guardedCommandRunner({ sandbox, policy, store, context: { runId: run.id } }),
    onReverted: async (culprit) => {
      await revertTask({ git, workspaces, store, board, target: config.target, remote: config.remote, taskId: culprit.taskId, reason: `the check \`${culprit.command}\` of checks.full failed on the target after it merged; the deep gate bisected to it`, actor: 'deep-gate', output: culprit.output, revertCommit: culprit.revert })
    },
    emit,
  })

  const supervisor = createSupervisor({
    ...supervisorOptions,
    roles: createRoles({ ...roleContext, deepGate, gate: (signal) => supervisor.gate(signal) }),
    onMerged: () => void deepGate.request().catch(() => undefined),
  })
  const onAbort = () => void store.getRun(run.id).then((current) => (!isRunEnded(current.status) && current.status !== 'stopping' ? store.updateRun(current.id, current.version, { status: 'stopping' }, [{ type: 'run-stop-requested', data: { actor: 'signal' } }]) : undefined)).catch(() => undefined)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const restoreWarnings = recordModelWarnings(store, run.id)
  // What this process runs with, said once at the start.
  await store.appendEvents([{ runId: run.id, type: 'run-configured', data: { instance: supervisor.instanceId, ...describeProcess(models, supervisorOptions.workers, sandbox) } }])
  const view = createLiveView({ store, runId: run.id, output: options.output, budget: config.budget })
  try {
    const result = await supervisor.run()
    await view.refresh()
    const settled = await store.listTasks({ runId: run.id })
    return {
      ...result,
      run: await store.getRun(run.id),
      merged: settled.filter((task) => task.kind === 'work' && task.status === 'merged').length,
      tasks: settled.filter((task) => task.kind === 'work').length,
      costUsd: (await store.usageTotals({ runId: run.id })).costUsd,
      targetTip: await git.text(['rev-parse', `refs/heads/${config.target}`]),
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await view.stop()
    await workspaces.removeDetached('deep-gate').catch(() => undefined)
    await removeTaskWorktrees(store, run.id, workspaces)
    restoreWarnings()
  }
}

export class NothingToJoinError extends ColonyError {
  override readonly name = 'NothingToJoinError'

  constructor(reason: string) {
    super(`there is no run to join: ${reason}`, { hint: 'start one with `colony run --goal "..."` (in this repository, or against the same store), then run `colony worker` beside it' })
  }
}

export interface WorkersResult extends RunResult {
  run: Run
  /** Work tasks this process merged. */
  merged: number
}

/**
 * `colony worker`: more workers for the run a `colony run` process
 * supervises, sharing its board through the store. Only the worker's model is
 * needed here; planners, the judge and the deep gate stay with `colony run`.
 * Ctrl-C (the signal) makes this process leave: its tasks go back to ready and
 * the run goes on.
 */
export async function launchWorkers(options: Omit<LaunchOptions, 'goal'>): Promise<WorkersResult> {
  const { config, store } = options
  await assertNotCheckedOut(createGit(options.layout.root), config.target)
  const run = await store.latestRun()
  if (!run || isRunEnded(run.status)) throw new NothingToJoinError(run ? `run ${run.id} is ${run.status}` : 'no run has been started here')
  const { models, sandbox, roleContext, supervisorOptions } = await prepareAgents(options, run, ['worker'])
  const workers = createSupervisor({
    ...supervisorOptions,
    roles: createRoles({ ...roleContext, deepGate: undefined, gate: (signal) => workers.gate(signal) }),
  })
  const restoreWarnings = recordModelWarnings(store, run.id)
  const view = createLiveView({ store, runId: run.id, output: options.output, budget: config.budget })
  try {
    const result = await workers.join({ ...(options.signal && { signal: options.signal }), describe: describeProcess(models, supervisorOptions.workers, sandbox) })
    await view.refresh()
    const merged = await store.listEvents({ runId: run.id, types: ['task-merged'] })
    return { ...result, run: await store.getRun(run.id), merged: merged.filter((event) => typeof event.data.owner === 'string' && event.data.owner.startsWith(`${workers.instanceId}/`)).length }
  } finally {
    await view.stop()
    restoreWarnings()
  }
}
