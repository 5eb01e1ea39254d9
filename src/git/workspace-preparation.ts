import { existsSync } from 'node:fs'
import { cp, mkdir, realpath } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { WorkspaceSetupError } from './errors.ts'
import { linkIntoWorktree } from './link-farm.ts'
import { resolveLinkedPaths } from './linked-paths.ts'

/** What prepares each new worktree (colony.json `workspace`). */
export interface WorkspacePreparation {
  link: string[]
  copy: string[]
  setup: string[]
}

export type SetupRunner = (command: string, cwd: string) => Promise<{ ok: boolean; output: string }>

export interface PrepareWorktreeOptions {
  /** The repository's main working tree, which linked and copied paths come from. */
  root: string
  preparation?: WorkspacePreparation | undefined
  runSetup?: SetupRunner | undefined
}

/** Links and copies the configured paths from the repository into a new worktree, then runs its setup commands there. */
export async function prepareWorktree(path: string, { root, preparation = { link: [], copy: [], setup: [] }, runSetup }: PrepareWorktreeOptions): Promise<void> {
  const linked = resolveLinkedPaths(root, preparation.link)
  // Real paths only when something is linked: every workspace is prepared, most with nothing to link.
  if (linked.length > 0) {
    const places = { repositoryRoot: await realpath(root), worktree: path, linkedRealPaths: await Promise.all(linked.map((entry) => realpath(join(root, entry)))) }
    for (const relativePath of linked) {
      const destination = join(path, relativePath)
      if (existsSync(destination)) continue
      await mkdir(dirname(destination), { recursive: true })
      await linkIntoWorktree(join(root, relativePath), destination, places)
    }
  }
  for (const relativePath of resolveLinkedPaths(root, preparation.copy)) {
    await cp(join(root, relativePath), join(path, relativePath), { recursive: true, force: true })
  }
  for (const command of preparation.setup) {
    if (!runSetup) throw new WorkspaceSetupError(command, 'no command runner was given to run workspace setup')
    const result = await runSetup(command, path)
    if (!result.ok) throw new WorkspaceSetupError(command, result.output)
  }
}
