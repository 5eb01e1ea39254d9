import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs'
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { resolveLinkedPaths } from '../git/index.ts'

export interface BubblewrapLayout {
  /** Writable: the task's worktree. */
  workspace: string
  /** The user's repository: hidden, except its `.git` (read-only) and the linked paths. */
  repositoryRoot: string
  /** workspace.link entries (paths relative to the repository, or globs): what worktrees' links lead to is exposed. */
  links: readonly string[]
  readable: readonly string[]
  writable: readonly string[]
  network: boolean
  /** The command's PATH: its directories stay visible even inside hidden trees. */
  path: string | undefined
  home: string | undefined
}

export type BubblewrapProbe = { available: true } | { available: false; reason: string }

let probe: BubblewrapProbe | undefined

/** Whether bwrap is installed and can create the namespaces Colony asks for here (containers may forbid them). */
export function probeBubblewrap(): BubblewrapProbe {
  if (probe) return probe
  const result = spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', 'true'], { encoding: 'utf8', timeout: 10_000 })
  if (result.error) probe = { available: false, reason: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bwrap is not installed' : result.error.message }
  else if (result.status !== 0) probe = { available: false, reason: `bwrap cannot create namespaces here: ${result.stderr.trim()}` }
  else probe = { available: true }
  return probe
}

function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate)
  return path === '' || (!path.startsWith('..') && !isAbsolute(path))
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

const maskedFiles = ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/sudoers']

/**
 * What must be visible for a PATH directory's programs to run: the directory,
 * and where its symlinks lead (a project's node_modules/.bin links into
 * node_modules; a ~/.local/bin entry may link anywhere). Without the targets,
 * a command silently finds another program of the same name further down PATH.
 */
function pathDirectoryWindows(directory: string): string[] {
  // PERF: a node_modules/.bin holds hundreds of links; reading them for every command cost
  // more CPU than the rest of the sandbox (bench/orchestrate.ts). They rarely change.
  const cached = windowCache.get(directory)
  if (cached && Date.now() - cached.at < 60_000) return cached.windows
  const windows = findPathDirectoryWindows(directory)
  windowCache.set(directory, { at: Date.now(), windows })
  return windows
}

const windowCache = new Map<string, { at: number; windows: string[] }>()

function findPathDirectoryWindows(directory: string): string[] {
  const windows = [directory]
  if (basename(directory) === '.bin' && basename(dirname(directory)) === 'node_modules') windows.push(dirname(directory))
  let entries: string[]
  try {
    entries = readdirSync(directory).slice(0, 4_000)
  } catch {
    return windows
  }
  for (const entry of entries) {
    if (windows.length > 64) break
    try {
      if (!lstatSync(join(directory, entry)).isSymbolicLink()) continue
      const target = dirname(realpathSync(join(directory, entry)))
      if (!windows.some((window) => isInside(window, target))) windows.push(target)
    } catch {
      // A dangling link is nothing to expose.
    }
  }
  return windows
}

/**
 * What worktrees' linked paths lead to (see git's linkIntoWorktree): the real
 * location of each path workspace.link names in the repository, and where its
 * entries' symlinks lead outside it (`npm link`ed packages) but not back into
 * the repository, which stays hidden (worktrees lead to their own copy there).
 */
function linkWindows(repositoryRoot: string, links: readonly string[]): string[] {
  if (links.length === 0) return []
  // PERF: a glob costs a git ls-files of the person's checkout; links change only when the person installs something.
  const key = `${repositoryRoot}\0${links.join('\0')}`
  const cached = windowCache.get(key)
  if (cached && Date.now() - cached.at < 60_000) return cached.windows
  const windows = findLinkWindows(repositoryRoot, links)
  windowCache.set(key, { at: Date.now(), windows })
  return windows
}

function findLinkWindows(repositoryRoot: string, links: readonly string[]): string[] {
  const repository = real(repositoryRoot) ?? repositoryRoot
  const windows: string[] = []
  for (const path of resolveLinkedPaths(repositoryRoot, links)) {
    const linked = real(join(repositoryRoot, path))
    if (!linked) continue
    windows.push(linked)
    for (const target of symlinkTargets(linked)) {
      if (!isInside(linked, target) && !isInside(repository, target)) windows.push(target)
    }
  }
  return windows
}

/** Real targets of the symlinks among a directory's entries, and of its npm scopes' (`@types/*`). */
function symlinkTargets(directory: string): string[] {
  const targets: string[] = []
  if (!lstatSync(directory).isDirectory()) return targets
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name)
    if (entry.isSymbolicLink()) {
      const target = real(path)
      if (target) targets.push(target)
    } else if (entry.isDirectory() && entry.name.startsWith('@')) {
      targets.push(...symlinkTargets(path))
    }
  }
  return targets
}

/**
 * The bwrap arguments for one command: the whole filesystem read-only, with
 * private empty trees over the places secrets and the user's work live (/tmp,
 * /home, /root, $HOME, /run, the user's repository), then read-only windows
 * back onto what commands need (the repository's .git, linked dependencies,
 * PATH directories, configured readable paths), then the worktree writable.
 * New PID, IPC and UTS namespaces; no network unless allowed; the sandbox dies
 * with Colony.
 */
export function bubblewrapArguments(layout: BubblewrapLayout): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc']
  const repository = real(layout.repositoryRoot) ?? layout.repositoryRoot
  const workspace = real(layout.workspace) ?? layout.workspace
  const home = layout.home ? real(layout.home) : undefined

  const hidden = [...new Set(['/tmp', '/var/tmp', '/home', '/root', '/run', ...(home && home !== '/' ? [home] : []), repository])]
    .filter((path) => existsSync(path))
    .sort((a, b) => a.length - b.length)
  for (const path of hidden) args.push('--tmpfs', path)
  for (const file of maskedFiles) if (existsSync(file)) args.push('--ro-bind', '/dev/null', file)

  const windows = new Set<string>()
  const addWindow = (path: string | undefined) => {
    const resolved = path && real(path)
    if (resolved && !isInside(workspace, resolved) && hidden.some((root) => isInside(root, resolved))) windows.add(resolved)
  }
  addWindow(resolve(repository, '.git'))
  for (const window of linkWindows(layout.repositoryRoot, layout.links)) addWindow(window)
  for (const directory of (layout.path ?? '').split(delimiter)) {
    if (isAbsolute(directory) && existsSync(directory)) for (const window of pathDirectoryWindows(directory)) addWindow(window)
  }
  // The Node.js running Colony, which the PATH usually leads to anyway.
  addWindow(dirname(realpathSync(process.execPath)))
  if (layout.network) addWindow('/run/systemd/resolve')
  for (const path of [...windows].sort((a, b) => a.length - b.length)) args.push('--ro-bind', path, path)
  for (const path of layout.readable) {
    const resolved = real(path)
    if (resolved) args.push('--ro-bind', resolved, resolved)
  }

  args.push('--bind', workspace, workspace)
  for (const path of layout.writable) {
    const resolved = real(path)
    if (resolved) args.push('--bind', resolved, resolved)
  }

  args.push('--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent', '--new-session')
  if (!layout.network) args.push('--unshare-net')
  return args
}
