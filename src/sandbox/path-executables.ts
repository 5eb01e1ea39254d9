import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'

/** A directory entry a PATH lookup can run: an executable file, or a symlink to one. */
type Executable = { kind: 'file'; name: string } | { kind: 'link'; name: string; target: string }

interface DirectoryScan {
  /** The directory's real location, where its entries are read from. */
  real: string
  executables: Executable[]
  /** The symlinks among them, whose targets may lie in hidden trees. */
  links: Extract<Executable, { kind: 'link' }>[]
  /** Every entry is an executable file or a symlink: shown whole, the directory shows nothing more than its executables. */
  onlyExecutables: boolean
}

/** How a sandbox shows the host's filesystem, as the PATH exposure needs to know it. */
export interface PathView {
  /** Whether the sandbox already shows this path as it is on the host. */
  isVisible(path: string): boolean
  /** Whether this path is a hidden root or an ancestor of one: binding it would cover what must stay hidden or writable. */
  holdsHiddenRoot(path: string): boolean
  /**
   * Whether this whole directory may be shown read-only: never a hidden root,
   * an ancestor of one, a home directory or the repository's own tree.
   */
  mayShowTree(path: string): boolean
}

/** What the sandbox must add so that the PATH's programs run, and nothing else of the trees it hides. */
export interface PathExposure {
  /** Shown whole, read-only: PATH directories of nothing but executables, node_modules trees of `.bin` directories, the packages link targets belong to. */
  directories: string[]
  /** Bound read-only one by one: `source` on the host appears at `path`. */
  files: { source: string; path: string }[]
  /** Symlinks made at `path`, leading to `target`. */
  links: { path: string; target: string }[]
}

/** Whether `candidate` is `root` or lies under it; both absolute and normalized. */
export function isInside(root: string, candidate: string): boolean {
  // PERF: a string comparison, not path.relative: it runs for every entry of every PATH directory.
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

function isExecutableFile(mode: number, isFile: boolean): boolean {
  return isFile && (mode & 0o111) !== 0
}

// PERF: a node_modules/.bin holds hundreds of links and /usr/bin thousands of entries; reading
// them for every command cost more CPU than the rest of the sandbox (bench/orchestrate.ts).
// A scan is kept for a minute, while the directory's mtime says no entry came or went.
const scanCache = new Map<string, { at: number; modified: number | undefined; scan: DirectoryScan | undefined }>()
const packageRootCache = new Map<string, { at: number; root: string | undefined }>()
const cacheMs = 60_000

function modifiedAt(directory: string): number | undefined {
  try {
    return statSync(directory).mtimeMs
  } catch {
    return undefined
  }
}

function scanDirectory(directory: string): DirectoryScan | undefined {
  const modified = modifiedAt(directory)
  const cached = scanCache.get(directory)
  if (cached && Date.now() - cached.at < cacheMs && cached.modified === modified) return cached.scan
  const scan = readExecutables(directory)
  scanCache.set(directory, { at: Date.now(), modified, scan })
  return scan
}

function readExecutables(directory: string): DirectoryScan | undefined {
  const location = real(directory)
  if (!location) return undefined
  let names: string[]
  try {
    names = readdirSync(location).slice(0, 4_000)
  } catch {
    return { real: location, executables: [], links: [], onlyExecutables: false }
  }
  const executables: Executable[] = []
  let others = names.length === 4_000 ? 1 : 0
  for (const name of names) {
    try {
      const entry = lstatSync(join(location, name))
      if (isExecutableFile(entry.mode, entry.isFile())) executables.push({ kind: 'file', name })
      else if (!entry.isSymbolicLink()) others++
      else {
        const target = realpathSync(join(location, name))
        const pointed = statSync(target)
        if (isExecutableFile(pointed.mode, pointed.isFile())) executables.push({ kind: 'link', name, target })
      }
    } catch {
      // A dangling link, or an entry gone since the listing: nothing to run.
    }
  }
  return { real: location, executables, links: executables.filter((executable) => executable.kind === 'link'), onlyExecutables: others === 0 }
}

/** The nearest directory above `file` holding a package.json: what a script in a package needs beside it. */
function packageRoot(file: string): string | undefined {
  const cached = packageRootCache.get(file)
  if (cached && Date.now() - cached.at < cacheMs) return cached.root
  let root: string | undefined
  for (let directory = dirname(file); ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) {
      root = directory
      break
    }
    if (dirname(directory) === directory) break
  }
  packageRootCache.set(file, { at: Date.now(), root })
  return root
}

/** The node_modules a `.bin` directory belongs to: its programs load their dependencies from there. */
function packageTree(directory: string): string | undefined {
  return basename(directory) === '.bin' && basename(dirname(directory)) === 'node_modules' ? dirname(directory) : undefined
}

/**
 * What a sandbox that hides some trees must add back so the programs on PATH
 * still run: inside a hidden tree, each executable of a PATH directory on its
 * own (a file bound read-only, a symlink recreated), and for a symlink the
 * file it leads to. A script needs more than itself: one inside a package
 * gets its package (the nearest directory with a package.json), a `.bin`
 * gets the node_modules it belongs to, and any other link target gets the
 * executables beside it (pyenv's shims run libexec/pyenv, which runs its
 * siblings). Nothing else of a hidden tree is shown: the PATH directory lists
 * only its executables, and a non-executable file in it stays unreadable (a
 * directory holding nothing but executables and links is shown whole).
 * A PATH directory outside the hidden trees needs nothing, except where its
 * symlinks lead into them.
 *
 * @example
 *   // /root hidden; PATH=/root/.local/bin, which holds notes.txt and tool -> ../share/tool/bin/tool.js
 *   pathExposure(['/root/.local/bin'], view)
 *   // { links: [{ path: '/root/.local/bin/tool', target: '/root/.local/share/tool/bin/tool.js' }],
 *   //   directories: ['/root/.local/share/tool'], files: [] }  (share/tool has a package.json)
 */
export function pathExposure(pathDirectories: readonly string[], view: PathView): PathExposure {
  const shown = new Set<string>()
  const files = new Map<string, string>()
  const links = new Map<string, string>()
  const isShown = (path: string) => {
    for (const directory of shown) if (isInside(directory, path)) return true
    return false
  }
  const isVisible = (path: string) => isShown(path) || view.isVisible(path)
  const show = (directory: string) => {
    if (!isVisible(directory) && view.mayShowTree(directory)) shown.add(directory)
  }

  const directories = [...new Set(pathDirectories.filter((directory) => isAbsolute(directory)).map((directory) => resolve(directory)))]
  const scans = directories.map((directory) => ({ directory, scan: scanDirectory(directory) }))
  for (const { scan } of scans) {
    const tree = scan && packageTree(scan.real)
    if (tree) show(tree)
  }

  const exposeEntries = (locations: readonly string[], scan: DirectoryScan, followTargets: boolean) => {
    for (const location of locations) {
      if (isVisible(location)) continue
      // PERF: one mount instead of one per entry (bwrap took ~1 ms a mount here; pyenv's shims are 136 files).
      if (scan.onlyExecutables && location === scan.real && !view.holdsHiddenRoot(location)) {
        shown.add(location)
        continue
      }
      for (const executable of scan.executables) {
        const path = join(location, executable.name)
        if (executable.kind === 'file') files.set(path, join(scan.real, executable.name))
        // Absolute, so the link works wherever it is made, whatever chain of links led there on the host.
        else links.set(path, executable.target)
      }
    }
    for (const link of scan.links) if (!isVisible(link.target)) exposeTarget(link.target, followTargets)
  }
  const exposedTargets = new Set<string>()
  const exposeTarget = (target: string, withSiblings: boolean) => {
    if (exposedTargets.has(target)) return
    exposedTargets.add(target)
    const root = packageRoot(target)
    if (root && view.mayShowTree(root)) return show(root)
    files.set(target, target)
    const beside = dirname(target)
    const siblings = withSiblings && view.mayShowTree(beside) ? scanDirectory(beside) : undefined
    if (siblings) exposeEntries([beside], siblings, false)
  }

  for (const { directory, scan } of scans) {
    if (!scan) continue
    exposeEntries([...new Set([directory, scan.real])], scan, true)
  }

  const shownDirectories = [...shown].filter((directory) => ![...shown].some((other) => other !== directory && isInside(other, directory)))
  const hiddenStill = (path: string) => !view.isVisible(path) && !shownDirectories.some((directory) => isInside(directory, path))
  return {
    directories: shownDirectories,
    files: [...files].filter(([path]) => hiddenStill(path)).map(([path, source]) => ({ source, path })),
    links: [...links].filter(([path]) => hiddenStill(path) && !files.has(path)).map(([path, target]) => ({ path, target })),
  }
}
