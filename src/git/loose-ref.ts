import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The commit a branch's loose ref file names, read without starting git, or
 * undefined when it is not one (a packed ref, a symbolic one, reftable): then
 * git is asked. git moves a loose ref by renaming its `.lock` over it, so a
 * read sees the old commit or the new one, never half of either.
 */
export function readLooseRef(commonDir: string, ref: string): string | undefined {
  let commit: string
  try {
    // Synchronous: one small local file, where a promise's open, stat, read and close cost more than the read.
    commit = readFileSync(join(commonDir, ref), 'utf8').trim()
  } catch {
    return undefined
  }
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? commit : undefined
}
