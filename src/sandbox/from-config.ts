import { createSandbox, type Sandbox } from './sandbox.ts'
import { sandboxPolicy, type SandboxSettings } from './policy.ts'

/** The sandbox colony.json describes (`sandbox`, and `workspace.link` for what worktrees link to). */
export function sandboxFromConfig(config: { sandbox: SandboxSettings; workspace: { link: readonly string[] } }, repositoryRoot: string, overrides: { network?: boolean } = {}): Sandbox {
  const policy = sandboxPolicy(config.sandbox, repositoryRoot)
  return createSandbox({ repositoryRoot, policy: { ...policy, ...overrides }, links: config.workspace.link, mode: config.sandbox.mode })
}
