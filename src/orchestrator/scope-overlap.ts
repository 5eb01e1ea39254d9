import { matchesGlob } from 'node:path'

const wildcard = /[*?[{]/

/** The part of a glob before its first wildcard, cut back to a whole directory. */
function staticPrefix(glob: string): string {
  const index = glob.search(wildcard)
  if (index === -1) return glob
  const head = glob.slice(0, index)
  return head.slice(0, head.lastIndexOf('/') + 1)
}

function globsOverlap(a: string, b: string): boolean {
  const aLiteral = !wildcard.test(a)
  const bLiteral = !wildcard.test(b)
  if (aLiteral && bLiteral) return a === b
  if (aLiteral) return matchesGlob(a, b)
  if (bLiteral) return matchesGlob(b, a)
  const aPrefix = staticPrefix(a)
  const bPrefix = staticPrefix(b)
  return aPrefix.startsWith(bPrefix) || bPrefix.startsWith(aPrefix)
}

/**
 * Whether two tasks' scopes could touch the same file. An empty scope means
 * "anywhere" and overlaps everything. Two globs are compared exactly when one
 * is a plain path, and by their directories otherwise, erring towards overlap:
 * a false "overlap" only delays a task, a false "apart" invites a conflict.
 *
 * @example
 *   scopesOverlap(['src/date/**'], ['src/format/**']) // false
 *   scopesOverlap(['src/**'], ['src/index.ts'])       // true
 */
export function scopesOverlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return true
  return a.some((left) => b.some((right) => globsOverlap(left, right)))
}
