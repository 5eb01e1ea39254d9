import { OverlaysUnavailableError } from './errors.ts'
import { probeOverlays } from './probe-overlays.ts'

export type WantedWorkspaceKind = 'auto' | 'overlay' | 'worktree'

/** What agents' workspaces are here: overlays, or git worktrees and why. */
export type WorkspaceKind = { kind: 'overlay' } | { kind: 'worktree'; reason: string }

/**
 * Overlays where they work (colony.json workspace.kind "auto", the default),
 * git worktrees where they do not or where colony.json says so. Asking for
 * "overlay" where the probe fails is refused rather than quietly slower.
 */
export function workspaceKind(colonyDir: string, wanted: WantedWorkspaceKind): WorkspaceKind {
  if (wanted === 'worktree') return { kind: 'worktree', reason: 'colony.json sets workspace.kind to "worktree"' }
  const probe = probeOverlays(colonyDir)
  if (probe.available) return { kind: 'overlay' }
  if (wanted === 'overlay') throw new OverlaysUnavailableError(probe.reason)
  return { kind: 'worktree', reason: probe.reason }
}

/** One line for a person: `workspaces overlay (...)` or `workspaces git worktrees (...)`. */
export function describeWorkspaceKind(kind: WorkspaceKind): string {
  return kind.kind === 'overlay' ? 'workspaces: overlays over one shared checkout per target commit' : `workspaces: git worktrees (${kind.reason})`
}
