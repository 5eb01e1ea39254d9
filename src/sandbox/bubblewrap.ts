import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs'
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path'
import { resolveLinkedPaths } from '../git/index.ts'
import { gitConfigWithoutCredentials } from './git-config-copy.ts'
import { isInside, pathExposure } from './path-executables.ts'

export interface BubblewrapLayout {
  /** Writable: the task's worktree. */
  workspace: string
  /** Where the worktree's files are bound from, when not from `workspace` itself (see workspaceDetach). */
  workspaceSource?: string | undefined
  /** The user's repository: hidden, except its `.git` (read-only) and the linked paths. */
  repositoryRoot: string
  /** workspace.link entries (paths relative to the repository, or globs): what worktrees' links lead to is exposed. */
  links: readonly string[]
  readable: readonly string[]
  writable: readonly string[]
  network: boolean
  /** The command's PATH: its programs still run from inside hidden trees, which show only those (see pathExposure). */
  path: string | undefined
  home: string | undefined
  /** The most each private tmpfs (/tmp, HOME, ...) may hold: their files live in memory, which the memory limit does not count. */
  tmpfsMb?: number
}

/** `sizedTmpfs`: bwrap takes --size (0.6 and later), so the private trees' memory can be capped. */
export type BubblewrapProbe = { available: true; sizedTmpfs: boolean } | { available: false; reason: string }

let probe: BubblewrapProbe | undefined

/** Whether bwrap is installed and can create the namespaces Colony asks for here (containers may forbid them). */
export function probeBubblewrap(): BubblewrapProbe {
  if (probe) return probe
  const attempt = (extra: string[]) =>
    spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--remount-ro', '/proc', ...extra, '--cap-drop', 'ALL', '--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', 'true'], { encoding: 'utf8', timeout: 10_000 })
  const sized = attempt(['--size', String(1024 * 1024), '--tmpfs', '/tmp'])
  const result = sized.status === 0 ? sized : attempt([])
  if (result.error) probe = { available: false, reason: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bwrap is not installed' : result.error.message }
  else if (result.status !== 0) probe = { available: false, reason: `bwrap cannot create namespaces here: ${result.stderr.trim()}` }
  else probe = { available: true, sizedTmpfs: result === sized }
  return probe
}

/** A private tree's size, where bwrap can set one (older versions mount tmpfs at half the RAM, each). */
const defaultTmpfsMb = 1024

function real(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

const maskedFiles = ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/sudoers']

const windowCache = new Map<string, { at: number; windows: string[] }>()

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
 * back onto what commands need (the repository's .git with its config's
 * credentials left out, linked dependencies, configured readable paths, and
 * of the PATH only its executables: see pathExposure), then the worktree
 * writable, its `.git` pointer excepted.
 * New PID, IPC and UTS namespaces; no capabilities; /proc read-only; no
 * network unless allowed; the sandbox dies with Colony.
 */
export function bubblewrapArguments(layout: BubblewrapLayout): string[] {
  // Read-only /proc: when Colony runs as root the command is uid 0 to the kernel, and /proc/sys
  // checks only the uid (a command wrote the host's kernel.core_pattern, which runs as root).
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--remount-ro', '/proc']
  const repository = real(layout.repositoryRoot) ?? layout.repositoryRoot
  const workspace = real(layout.workspace) ?? layout.workspace
  const home = layout.home ? real(layout.home) : undefined

  const hidden = [...new Set(['/tmp', '/var/tmp', '/home', '/root', '/run', ...(home && home !== '/' ? [home] : []), repository])]
    .filter((path) => existsSync(path))
    .sort((a, b) => a.length - b.length)
  const bwrap = probeBubblewrap()
  const size = bwrap.available && bwrap.sizedTmpfs ? ['--size', String((layout.tmpfsMb ?? defaultTmpfsMb) * 1024 * 1024)] : []
  for (const path of [...hidden, '/dev/shm']) args.push(...size, '--tmpfs', path)
  for (const file of maskedFiles) if (existsSync(file)) args.push('--ro-bind', '/dev/null', file)

  const isHidden = (path: string) => !isInside(workspace, path) && hidden.some((root) => isInside(root, path))
  const holdsHiddenRoot = (path: string) => isInside(path, workspace) || hidden.some((root) => isInside(path, root))
  const windows = new Set<string>()
  const addWindow = (path: string) => {
    const resolved = real(path)
    if (resolved && isHidden(resolved)) windows.add(resolved)
  }
  addWindow(resolve(repository, '.git'))
  for (const window of linkWindows(layout.repositoryRoot, layout.links)) addWindow(window)
  if (layout.network) addWindow('/run/systemd/resolve')
  const readable = layout.readable.map(real).filter((path) => path !== undefined)
  const writable = layout.writable.map(real).filter((path) => path !== undefined)
  const shownAnyway = [...windows, ...readable, ...writable]

  const exposure = pathExposure(
    // The Node.js running Colony too, which the PATH usually leads to anyway.
    [...(layout.path ?? '').split(delimiter), dirname(realpathSync(process.execPath))],
    {
      isVisible: (path) => !isHidden(path) || shownAnyway.some((shown) => isInside(shown, path)),
      holdsHiddenRoot,
      // A package or node_modules may be shown whole; a hidden root, what holds one, a home or the user's own files may not.
      mayShowTree: (path) => !holdsHiddenRoot(path) && dirname(path) !== '/home' && (!isInside(repository, path) || relative(repository, path).split(sep).includes('node_modules')),
    },
  )
  // -try: what was found up to a minute ago may be gone now, and bwrap refuses a missing source.
  const mounts: { path: string; args: string[] }[] = [
    ...[...windows, ...exposure.directories].map((path) => ({ path, args: ['--ro-bind-try', path, path] })),
    ...exposure.files.map(({ source, path }) => ({ path, args: ['--ro-bind-try', source, path] })),
    ...exposure.links.map(({ target, path }) => ({ path, args: ['--symlink', target, path] })),
  ]
  const gitConfig = join(repository, '.git', 'config')
  const gitConfigCopy = windows.has(resolve(repository, '.git')) ? gitConfigWithoutCredentials(repository) : undefined
  if (gitConfigCopy) mounts.push({ path: gitConfig, args: ['--ro-bind', gitConfigCopy, gitConfig] })
  for (const mount of mounts.sort((a, b) => a.path.length - b.path.length)) args.push(...mount.args)
  for (const path of readable) args.push('--ro-bind', path, path)

  const source = layout.workspaceSource ?? workspace
  args.push('--bind', source, workspace)
  // Colony's own git runs in the worktree outside the sandbox; a command that could rewrite the
  // worktree's .git would choose the config (core.fsmonitor, filters) that git runs on the host.
  const gitPointer = join(workspace, '.git')
  if (existsSync(gitPointer) && !lstatSync(gitPointer).isSymbolicLink()) args.push('--ro-bind', join(source, '.git'), gitPointer)
  for (const path of writable) args.push('--bind', path, path)

  // As root, bwrap leaves the command every capability in its user namespace: enough to
  // unmount the empty trees laid over /root, /tmp and the repository and read what they hide.
  args.push('--cap-drop', 'ALL')
  args.push('--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent', '--new-session')
  if (!layout.network) args.push('--unshare-net')
  return args
}
