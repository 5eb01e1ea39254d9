import type { LanguageModel } from 'ai'
import type { McpEndpoint } from '../agents/index.ts'
import type { ContextSettings } from '../agent/index.ts'
import type { Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import type { DeepGate } from '../gate/index.ts'
import type { Git, Workspaces } from '../git/index.ts'
import type { ModelPrice, Role } from '../model/index.ts'
import type { Sandbox, SandboxPolicy } from '../sandbox/index.ts'
import type { Store } from '../store/index.ts'

export interface RoleModel {
  model: LanguageModel
  /** "provider:model". */
  spec: string
  price: ModelPrice | undefined
}

/** Everything the planner, worker and judge share within one run. */
export interface RoleContext {
  store: Store
  board: Board
  config: ColonyConfig
  repositoryRoot: string
  git: Git
  workspaces: Workspaces
  sandbox: Sandbox
  policy: SandboxPolicy
  /** The models of the roles this process runs (`colony worker` has only the worker's). */
  models: Partial<Record<Role, RoleModel>>
  context: ContextSettings
  /** Where the judge runs (`colony run`); a process that only works has none. */
  deepGate: DeepGate | undefined
  /** One landing at a time among this process's workers (IntegrateOptions.landing). */
  landing: <T>(work: () => Promise<T>) => Promise<T>
  /** At most limits.gatesAtOnce fast gates of this process's workers run at once; the others wait their turn. */
  gates: <T>(work: () => Promise<T>) => Promise<T>
  /** Where agent CLIs reach Colony's tools (MCP over HTTP on 127.0.0.1). */
  mcp: McpEndpoint
  /** Holds agents while the run is paused; throws when it is stopping. */
  gate: (signal: AbortSignal | undefined) => Promise<void>
}
