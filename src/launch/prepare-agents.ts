import { newEvent, type ProcessDescription } from '../events/index.ts'
import type { Writable } from 'node:stream'
import { settledStatuses, type Board } from '../board/index.ts'
import { cliRoles } from '../agents/index.ts'
import type { AgentCliSpec, ColonyConfig } from '../config/index.ts'
import type { DeepGate } from '../gate/index.ts'
import { findTaskCommit, worktreeHolding, type Workspaces } from '../git/index.ts'
import { createLanguageModel, modelForRole, priceOf, type ModelOverrides, type Role } from '../model/index.ts'
import { createSupervisor, type Supervisor } from '../orchestrator/index.ts'
import { describeWorkspaceKind, workspaceKind, type WorkspaceKind } from '../overlay/index.ts'
import type { RepositoryLayout } from '../repository/index.ts'
import { createRoles, type RoleModel } from '../roles/index.ts'
import type { Sandbox } from '../sandbox/index.ts'
import type { Run, Store } from '../store/index.ts'
import { createSharedRoleContext } from './shared-role-context.ts'

/** What a process that runs agents is given: `colony run` and `colony worker`. */
export interface AgentProcessOptions {
  layout: RepositoryLayout
  config: ColonyConfig
  store: Store
  board: Board
  workers?: number
  models?: ModelOverrides
  /** Where the live view goes (a terminal redraws; anything else gets one line per event). */
  output: Writable & { isTTY?: boolean; columns?: number }
  environment?: NodeJS.ProcessEnv
  /** Aborting asks the run to stop cleanly, as `colony stop` does. */
  signal?: AbortSignal
}

/** What a process runs with: its models, how many agents, and what the sandbox does not cover here. */
function describeProcess(models: Partial<Record<Role, RoleModel>>, clis: readonly { role: Role; spec: AgentCliSpec }[], workers: number, sandbox: Sandbox, workspaces: WorkspaceKind): ProcessDescription {
  const missing = sandbox.notCovered
  const specs: Record<string, string> = Object.fromEntries(Object.entries(models).map(([role, model]) => [role, model.spec]))
  for (const { role, spec } of clis) specs[role] = [specs[role], `${spec.cli}/${spec.model}`].filter(Boolean).join(' + ')
  const roles = Object.entries(specs).map(([role, spec]) => `${role} ${spec}`).join(', ')
  return {
    summary: `${roles}; ${workers} workers; sandbox ${sandbox.mode}${missing.length > 0 ? ` (not covered here: ${missing.join(', ')})` : ''}; ${describeWorkspaceKind(workspaces)}`,
    models: specs,
    workers,
    sandbox: { mode: sandbox.mode, processCap: sandbox.processCap, notCovered: missing },
    workspaces,
  }
}

/** The models of the roles this process runs with Colony's own loop (agent CLIs bring theirs): loaded before anything of the run is recorded. */
export async function roleModels(options: AgentProcessOptions, roles: readonly Role[]): Promise<Partial<Record<Role, RoleModel>>> {
  const clis = cliRoles(options.config)
  const models: Partial<Record<Role, RoleModel>> = {}
  for (const role of roles.filter((role) => !clis.some((cli) => cli.role === role))) {
    const spec = modelForRole(options.config, role, options.models)
    models[role] = { model: await createLanguageModel(spec, options.config, options.environment), spec: spec.spec, price: priceOf(spec.spec, options.config) }
  }
  return models
}

/**
 * Starts making the shared checkout overlay workspaces start from, while the
 * planner plans (a large repository's takes seconds); recorded once made. A
 * failure is left for the first workspace to meet and report.
 */
function warmWorkspaces(store: Store, run: Run, workspaces: Workspaces): void {
  const started = performance.now()
  void workspaces
    .warm()
    .then((warmed) => (warmed?.made ? store.appendEvents([newEvent('workspace-base-ready', { commit: warmed.commit, ms: performance.now() - started }, { runId: run.id })]) : undefined))
    .catch(() => undefined)
}

/**
 * What a process that runs agents sets up, given the models of the roles it
 * runs (roleModels): the sandbox, the worktrees (those of settled tasks swept away), and its
 * supervisor with the real roles wired in (`superviseWith`).
 */
export async function prepareAgents(options: AgentProcessOptions, run: Run, roles: readonly Role[], models: Partial<Record<Role, RoleModel>>) {
  const { config, store, board } = options
  // Roles agent CLIs play bring their own model (roleModels loaded none for them).
  const clis = cliRoles(config).filter(({ role }) => roles.includes(role))
  const shared = createSharedRoleContext(options)
  const { git, sandbox, policy, workspaces } = shared
  // Worktrees of tasks that are settled (merged, cancelled, failed) are no longer needed.
  const tasks = await store.listTasks({ runId: run.id })
  const unsettled = new Set(tasks.filter((task) => !settledStatuses.includes(task.status)).map((task) => task.id))
  await workspaces.sweep((taskId) => unsettled.has(taskId))
  warmWorkspaces(store, run, workspaces)
  const workers = options.workers ?? config.workers
  const supervisorOptions = {
    store,
    board,
    runId: run.id,
    workers,
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
  return {
    git,
    sandbox,
    policy,
    workspaces,
    /** What this process runs with, for its `run-configured` or `workers-joined` event. */
    description: describeProcess(models, clis, workers, sandbox, workspaceKind(options.layout.colonyDir, config.workspace.kind)),

    /** This process's supervisor, running the real roles; only `colony run` has the deep gate (the judge's), and is told of merges for it. */
    superviseWith({ deepGate, onMerged }: { deepGate: DeepGate | undefined; onMerged?: () => void }): Supervisor {
      const supervisor: Supervisor = createSupervisor({
        ...supervisorOptions,
        roles: createRoles({ ...shared, models, deepGate, gate: (signal) => supervisor.gate(signal) }),
        ...(onMerged && { onMerged }),
      })
      return supervisor
    },
  }
}

export type PreparedAgents = Awaited<ReturnType<typeof prepareAgents>>
