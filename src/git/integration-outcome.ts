import type { EmitEvent, EventData, EventType } from '../events/index.ts'
import type { ConflictedFile } from './conflicts.ts'
import type { Git } from './git.ts'

export interface IntegrationTask {
  id: number
  /** The run the task belongs to (its outcome ref is per run); 0 for an integration outside a run. */
  runId?: number
  title: string
  description: string
  scope: string[]
}

export interface GateOutcome {
  passed: boolean
  output: string
}

export type IntegrationOutcome =
  | { status: 'merged'; commit: string; message: string; races: number; gateRuns: number }
  | { status: 'nothing-to-commit'; message: string }
  | { status: 'conflict'; files: ConflictedFile[]; message: string }
  | { status: 'unresolved-markers'; files: string[]; message: string }
  | { status: 'out-of-scope'; files: string[]; message: string }
  | { status: 'too-large'; lines: number; limit: number; message: string }
  /** Submodule pointers or Git LFS content, which Colony does not land (docs/real-repositories.md). */
  | { status: 'unsupported'; files: string[]; message: string }
  | { status: 'gate-failed'; output: string; message: string }
  | { status: 'target-busy'; races: number; message: string }
  /** The task was cancelled before its change could land: the target does not have it. */
  | { status: 'cancelled'; message: string }
  /** Another landing of this task (an earlier holder whose lease ran out) got there first: the target has that commit. */
  | { status: 'landed-before'; commit: string; message: string }
  /** `land: false`: everything up to the compare-and-swap passed; the target is unchanged. */
  | { status: 'gated'; commit: string; tip: string; message: string }

export interface IntegrateOptions {
  /** Git in the task's worktree. */
  git: Git
  target: string
  /** The git remote holding the target, when it is not local (see target-branch.ts). */
  remote?: string | undefined
  task: IntegrationTask
  author: { name: string; email: string }
  /** Most lines (added + removed) one task may change. */
  diffLimit: number
  /** Paths that are never committed: linked or copied into the worktree by `workspace`. */
  exclude?: string[]
  /** Where the worker can have changed files (an overlay's layer knows); git looks only there. Undefined: everywhere. */
  changedPaths?: (() => Promise<string[] | undefined>) | undefined
  /** The fast gate: the task's acceptance commands plus `checks.fast`, run in the worktree. */
  gate: (cwd: string) => Promise<GateOutcome>
  emit?: EmitEvent
  /** False stops after the gate (approval.merge: a person approves before the change lands). Default true. */
  land?: boolean
  /**
   * The caller removes the worktree once the change lands, so it is not moved
   * to the landed commit first. With a thousand agents that move wrote every
   * file other landings changed since the worktree's last gate into its
   * overlay layer, only for the layer to be removed a moment later.
   */
  worktreeRemovedAfterLanding?: boolean
  /**
   * Serializes the last step (catch up with the tip, swap) among integrations
   * sharing it, e.g. all workers of one process: they then never lose a race
   * to each other, only to other processes. The gate runs outside it.
   */
  landing?: <T>(work: () => Promise<T>) => Promise<T>
  /** Compare-and-swap attempts before giving the target back to others for a while. */
  maxRaces?: number
  signal?: AbortSignal
}

/** Records an integration event; resolves once the caller's `emit` (if any) has. */
export type IntegrationEmit = <T extends EventType>(type: T, data: EventData<T>) => Promise<unknown>

/** The committer (and, for the worker's own commits, author) identity of the integration's git commands. */
export function authorEnvironment(author: IntegrateOptions['author']): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  }
}
