// Run by test/overlay-workspaces.test.ts under `unshare` (a user and mount
// namespace, as `colony run` restarts into): drives Colony's overlay
// workspaces on the repository given as argv[2] and prints what it saw as JSON.
import { execFileSync } from 'node:child_process'
import { chmod, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createGit, createWorkspaces } from '../../src/git/index.ts'
import { stageChanges } from '../../src/git/stage-changes.ts'
import { createOverlayWorktrees, mountedOverlays } from '../../src/overlay/index.ts'

const root = process.argv[2]!
const git = createGit(root)
const layers = createOverlayWorktrees({ git, colonyDir: join(root, '.colony') })
const workspaces = createWorkspaces({ git, root, worktreesDir: join(root, '.colony', 'worktrees'), target: 'colony/main', layers })
const plain = createWorkspaces({ git, root, worktreesDir: join(root, '.colony', 'plain'), target: 'colony/main' })

/** Every kind of change a worker makes: an edit, a new file in a new directory, a deleted file, a deleted directory, one deleted and made again, a rename, a mode, a symlink. */
async function change(path: string): Promise<void> {
  await writeFile(join(path, 'src/a.ts'), 'export const a = 2\n')
  await mkdir(join(path, 'new/deep'), { recursive: true })
  await writeFile(join(path, 'new/deep/n.ts'), 'export const n = 1\n')
  await rm(join(path, 'src/b.ts'))
  await rm(join(path, 'gone'), { recursive: true })
  await rm(join(path, 'again'), { recursive: true })
  await mkdir(join(path, 'again'))
  await writeFile(join(path, 'again/fresh.ts'), 'export const fresh = 1\n')
  await rename(join(path, 'docs/old.md'), join(path, 'docs/new.md'))
  await chmod(join(path, 'run.sh'), 0o755)
  await symlink('src/a.ts', join(path, 'link.ts'))
}

async function stagedTree(workspace: { git: ReturnType<typeof createGit> }, within?: readonly string[]): Promise<string> {
  await stageChanges(workspace.git, [], within)
  return workspace.git.text(['write-tree'])
}

const overlay = await workspaces.open(1)
const worktree = await plain.open(2)
const mounted = mountedOverlays().has(overlay.path)
const cleanAtStart = await overlay.git.text(['status', '--porcelain'])
await change(overlay.path)
await change(worktree.path)
const within = await overlay.changedPaths?.()
const overlayTree = await stagedTree(overlay, within)
const worktreeTree = await stagedTree(worktree)

// A worktree opened after the target moved starts from the newest base and is moved to the tip.
const tip = execFileSync('git', ['rev-parse', 'colony/main'], { cwd: root }).toString().trim()
const moved = execFileSync('git', ['commit-tree', '-p', tip, '-m', 'moved', (await worktree.git.text(['write-tree']))], { cwd: root }).toString().trim()
execFileSync('git', ['update-ref', 'refs/heads/colony/main', moved], { cwd: root })
const later = await workspaces.open(3)
const laterStatus = await later.git.text(['status', '--porcelain'])
const laterHead = await later.git.text(['rev-parse', 'HEAD'])
const laterLink = await readFile(join(later.path, 'new/deep/n.ts'), 'utf8')

// A crash: the namespace's mounts are gone, the layer stays; the next process mounts it again and the files are there.
const { unmountOverlay } = await import('../../src/overlay/mounts.ts')
await unmountOverlay(overlay.path)
const resumed = await workspaces.open(1, { resume: true })
const resumedFile = await readFile(join(resumed.path, 'again/fresh.ts'), 'utf8')

for (const id of [1, 3]) await workspaces.remove(id)
await plain.remove(2)
await workspaces.sweep(() => false, { final: true })
process.stdout.write(
  `${JSON.stringify({ mounted, cleanAtStart, within, overlayTree, worktreeTree, laterStatus, laterHead, moved, laterLink, resumed: resumed.resumed, resumedFile, mountsLeft: [...mountedOverlays()].filter((point) => point.startsWith(root)) })}\n`,
)
