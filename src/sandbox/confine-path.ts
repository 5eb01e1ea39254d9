import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { PathOutsideWorkspaceError } from './errors.ts'

function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate)
  return path === '' || (!path.startsWith('..') && !isAbsolute(path))
}

/** The real path of `path`, or of its deepest existing ancestor joined with the rest. */
function realPathOfPossiblyMissing(path: string): string {
  const missing: string[] = []
  let current = path
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse())
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error
      const parent = dirname(current)
      if (parent === current) return path
      missing.push(current.slice(parent.length).replace(/^[/\\]/, ''))
      current = parent
    }
  }
}

/**
 * Resolves a path an agent gave (relative to the workspace) to an absolute
 * path inside the workspace, or refuses it: absolute paths, `..` leading out,
 * symlinks (anywhere along the path) leading out, and `.git` are refused.
 * Every file tool and the sandbox's extra paths go through this one function.
 * `alsoInside` admits symlinks into other trees, e.g. reading through the
 * `node_modules` link that workspace preparation made.
 */
export function confinePath(workspace: string, requested: string, options: { alsoInside?: readonly string[] } = {}): string {
  if (requested.includes('\0')) throw new PathOutsideWorkspaceError(requested, 'it contains a NUL byte')
  if (isAbsolute(requested)) throw new PathOutsideWorkspaceError(requested, 'absolute paths are not accepted; paths are relative to the workspace root')
  const root = realpathSync(workspace)
  const lexical = resolve(root, requested)
  if (!isInside(root, lexical)) throw new PathOutsideWorkspaceError(requested, 'it leads outside the workspace')
  if (relative(root, lexical).split(sep).includes('.git')) throw new PathOutsideWorkspaceError(requested, '.git is off limits; Colony commits and integrates for you')
  const real = realPathOfPossiblyMissing(lexical)
  const allowedElsewhere = (options.alsoInside ?? []).some((other) => isInside(realPathOfPossiblyMissing(other), real))
  if (!isInside(root, real) && !allowedElsewhere) throw new PathOutsideWorkspaceError(requested, `it goes through a symbolic link that leads outside the workspace (to ${real})`)
  if (relative(root, real).split(sep).includes('.git')) throw new PathOutsideWorkspaceError(requested, 'it goes through a symbolic link into .git, which is off limits')
  return lexical
}
