import type { ColonyConfig } from '../config/index.ts'
import { createWorkspaces, type Git } from '../git/index.ts'
import { createOverlayWorktrees, workspaceKind } from '../overlay/index.ts'
import type { RepositoryLayout } from '../repository/index.ts'
import type { Sandbox } from '../sandbox/index.ts'

/**
 * Worktrees prepared as agents get them: overlays over a shared checkout
 * where they work, full git worktrees elsewhere (see workspaceKind);
 * workspace.link and workspace.copy applied, workspace.setup run in the
 * sandbox. `colony sandbox exec` uses the same, so a command tried by hand
 * sees what an agent's would.
 */
export function createAgentWorkspaces(git: Git, layout: RepositoryLayout, config: ColonyConfig, sandbox: Sandbox) {
  const kind = workspaceKind(layout.colonyDir, config.workspace.kind)
  return createWorkspaces({
    git,
    root: layout.root,
    worktreesDir: layout.worktreesDir,
    target: config.target,
    remote: config.remote,
    preparation: config.workspace,
    layers: kind.kind === 'overlay' ? createOverlayWorktrees({ git, colonyDir: layout.colonyDir }) : undefined,
    runSetup: async (command, cwd) => {
      const result = await sandbox.run(command, { cwd, timeoutMs: config.limits.attemptMinutes * 60_000 })
      return { ok: result.exitCode === 0, output: result.output }
    },
  })
}
