import type { ColonyConfig } from '../config/index.ts'
import { createWorkspaces, type Git } from '../git/index.ts'
import type { RepositoryLayout } from '../repository/index.ts'
import type { Sandbox } from '../sandbox/index.ts'

/**
 * Worktrees prepared as agents get them: workspace.link and workspace.copy
 * applied, workspace.setup run in the sandbox. `colony sandbox exec` uses the
 * same, so a command tried by hand sees what an agent's would.
 */
export function createAgentWorkspaces(git: Git, layout: RepositoryLayout, config: ColonyConfig, sandbox: Sandbox) {
  return createWorkspaces({
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
}
