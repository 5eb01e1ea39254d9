import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The commit a branch's loose ref file names, read without starting git, or
 * undefined when it is not one (a packed ref, a symbolic one, reftable): then
 * git is asked. git moves a loose ref by renaming its `.lock` over it, so a
 * read sees the old commit or the new one, never half of either.
 */
export async function readLooseRef(commonDir: string, ref: string): Promise<string | undefined> {
  const content = await readFile(join(commonDir, ref), 'utf8').catch(() => '')
  const commit = content.trim()
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? commit : undefined
}
