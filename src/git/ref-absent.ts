import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The refs packed-refs named when it was last read, by the file's identity (a rewrite is a new file). */
let packed: { key: string; refs: Set<string> } | undefined

function packedRefs(commonDir: string): Set<string> {
  const file = join(commonDir, 'packed-refs')
  const stat = statSync(file, { throwIfNoEntry: false })
  if (!stat) return new Set()
  const key = `${file}:${stat.ino}:${stat.size}:${stat.mtimeMs}`
  if (packed?.key !== key) {
    const refs = new Set<string>()
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const space = line.indexOf(' ')
      if (space > 0 && line[0] !== '#' && line[0] !== '^') refs.add(line.slice(space + 1))
    }
    packed = { key, refs }
  }
  return packed.refs
}

/**
 * Whether `ref` plainly does not exist, found without starting git: the
 * repository keeps refs as files (not reftable), there is no loose ref file
 * and packed-refs does not name it. False means "ask git". The loose file is
 * looked at first: `git pack-refs` writes packed-refs before it deletes the
 * loose files, so a ref being packed meanwhile is found in one or the other.
 */
export function refPlainlyAbsent(commonDir: string, ref: string): boolean {
  if (existsSync(join(commonDir, 'reftable'))) return false
  if (existsSync(join(commonDir, ref))) return false
  return !packedRefs(commonDir).has(ref)
}
