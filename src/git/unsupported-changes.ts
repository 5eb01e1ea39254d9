import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Git } from './git.ts'

export interface UnsupportedChange {
  path: string
  reason: string
}

const gitlinkMode = '160000'
const lfsPointerStart = 'version https://git-lfs.github.com/spec/v1\n'

/** Submodule pointers (gitlinks) the commit range adds, moves or removes: Colony's worktrees never check submodules out. */
async function changedGitlinks(git: Git, from: string, to: string): Promise<UnsupportedChange[]> {
  const raw = (await git.run(['diff', '--raw', '--no-renames', '-z', from, to])).stdout.split('\0')
  const changes: UnsupportedChange[] = []
  // -z --raw: ":oldmode newmode oldsha newsha status" then the path, as separate fields.
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const [oldMode = '', newMode = ''] = raw[index]!.slice(1).split(' ')
    if (oldMode === gitlinkMode || newMode === gitlinkMode) {
      changes.push({ path: raw[index + 1]!, reason: 'it is a git submodule; Colony does not check submodules out in worktrees, so it cannot change, add or remove one. Restore the submodule path as it was (an empty directory) and leave submodule changes to a person' })
    }
  }
  return changes
}

/** The paths `written` and every directory above them: where a submodule holding a written file would be. */
function withParents(written: readonly string[]): string[] {
  const paths = new Set<string>()
  for (const path of written) {
    const parts = path.split('/')
    for (let length = 1; length <= parts.length; length++) paths.add(parts.slice(0, length).join('/'))
  }
  return [...paths]
}

/**
 * Files written inside a submodule's directory: git sees no change there, so
 * they would silently not land. With `within` (where the worker can have
 * written) only those paths and their parents are looked up, instead of
 * listing the whole tree, which costs the repository on every landing.
 */
async function filesInSubmodules(git: Git, at: string, within?: readonly string[]): Promise<UnsupportedChange[]> {
  const changes: UnsupportedChange[] = []
  if (within?.length === 0) return changes
  const listing = within ? git.run(['ls-tree', '-z', at, '--', ...withParents(within)], { env: { GIT_LITERAL_PATHSPECS: '1' } }) : git.run(['ls-tree', '-r', '-z', at])
  for (const entry of (await listing).stdout.split('\0')) {
    if (!entry.startsWith(`${gitlinkMode} `)) continue
    const path = entry.slice(entry.indexOf('\t') + 1)
    const written = await readdir(join(git.cwd, path)).catch((error: NodeJS.ErrnoException): string[] => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return []
      throw error
    })
    if (written.length > 0 && !written.includes('.git')) {
      changes.push({ path, reason: `it is a git submodule that Colony does not check out; files written inside it (${written.slice(0, 5).join(', ')}) are not part of this repository and would not land. Delete them, and leave submodule changes to a person` })
    }
  }
  return changes
}

/** Paths tracked by Git LFS (`filter=lfs`) whose new content is not an LFS pointer: committing them would put the whole file into git history. */
async function lfsContent(git: Git, from: string, to: string): Promise<UnsupportedChange[]> {
  const written = (await git.run(['diff', '--name-only', '--no-renames', '--diff-filter=AMT', '-z', from, to])).stdout.split('\0').filter((path) => path !== '')
  if (written.length === 0) return []
  const attributes = (await git.run(['check-attr', '-z', '--stdin', 'filter'], { input: written.map((path) => `${path}\0`).join('') })).stdout.split('\0')
  const changes: UnsupportedChange[] = []
  // -z check-attr: path, attribute, value, repeated.
  for (let index = 0; index + 2 < attributes.length; index += 3) {
    if (attributes[index + 2] !== 'lfs') continue
    const path = attributes[index]!
    const content = (await git.run(['cat-file', 'blob', `${to}:${path}`])).stdout
    if (!content.startsWith(lfsPointerStart)) {
      changes.push({ path, reason: 'it is stored with Git LFS (filter=lfs in .gitattributes) and Colony does not run git-lfs, so its content would be committed into git instead of an LFS pointer. Restore the file as it was and leave changes to LFS files to a person' })
    }
  }
  return changes
}

/**
 * What a task's change (the commits `from`..`to`, made in the worktree at
 * `git`) holds that Colony refuses to land, each with the reason: submodule
 * pointers, files written inside a submodule's directory, and new content for
 * Git LFS paths. Empty when the change can land.
 */
export async function unsupportedChanges(git: Git, from: string, to: string, within?: readonly string[]): Promise<UnsupportedChange[]> {
  return [...(await changedGitlinks(git, from, to)), ...(await filesInSubmodules(git, to, within)), ...(await lfsContent(git, from, to))]
}
