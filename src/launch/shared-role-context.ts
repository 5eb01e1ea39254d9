import { availableParallelism } from 'node:os'
import pLimit from 'p-limit'
import type { Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { createMcpEndpoint } from '../agents/index.ts'
import { createGit, createLandingLock } from '../git/index.ts'
import type { RepositoryLayout } from '../repository/index.ts'
import type { RoleContext } from '../roles/index.ts'
import { sandboxFromConfig, sandboxPolicy } from '../sandbox/index.ts'
import type { Store } from '../store/index.ts'
import { createAgentWorkspaces } from './agent-workspaces.ts'
import { sharedLandingTurn } from './landing-turn.ts'

/** What every process that works on tasks shares, whatever runs its agents: the repository, sandbox, worktrees, landing turn and MCP endpoint. */
export type SharedRoleContext = Omit<RoleContext, 'models' | 'deepGate' | 'gate'>

export function createSharedRoleContext({ layout, config, store, board }: { layout: RepositoryLayout; config: ColonyConfig; store: Store; board: Board }): SharedRoleContext {
  const git = createGit(layout.root)
  const sandbox = sandboxFromConfig(config, layout.root)
  return {
    store,
    board,
    config,
    repositoryRoot: layout.root,
    git,
    workspaces: createAgentWorkspaces(git, layout, config, sandbox),
    sandbox,
    policy: sandboxPolicy(config.sandbox, layout.root),
    mcp: createMcpEndpoint(),
    landing: createLandingLock(sharedLandingTurn(store, layout.root, config)),
    gates: pLimit(config.limits.gatesAtOnce ?? Math.max(2, availableParallelism())),
    context: { windowTokens: config.context.windowTokens, compactAt: config.context.compactAt, maskToolResultsAfter: config.context.maskToolResultsAfter },
  }
}
