import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRedactor } from '../secrets/index.ts'

/** `http.<url>.extraheader`: where CI checkouts (actions/checkout) keep the token they fetched with. */
const extraHeader = /^\s*extraheader\s*=/i
/** `https://user:token@host/...` and `https://token@host/...` in a remote's url. */
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi

const copies = new Map<string, { stamp: string; copy: string | undefined }>()

/**
 * The repository's `.git/config` as commands in the sandbox may read it:
 * the path of a copy without the credentials people and CI leave there
 * (a token in a remote's url, an `extraheader`, a key-shaped or known secret
 * value), or undefined when the config holds none and can be shown as it is.
 * Everything else (core settings, extensions, remotes' addresses) stays, so
 * git in the worktree works as before. The copy is kept in Colony's own
 * `.colony` directory, which the sandbox hides with the rest of the
 * repository, readable by this user only.
 */
export function gitConfigWithoutCredentials(repositoryRoot: string): string | undefined {
  const configPath = join(repositoryRoot, '.git', 'config')
  let stamp: string
  try {
    const stats = statSync(configPath)
    stamp = `${stats.mtimeMs}:${stats.size}`
  } catch {
    return undefined
  }
  const cached = copies.get(configPath)
  // A copy someone removed is made again: without it the original would show.
  if (cached?.stamp === stamp && (cached.copy === undefined || existsSync(cached.copy))) return cached.copy
  const original = readFileSync(configPath, 'utf8')
  const redact = createRedactor()
  const cleaned = original
    .split('\n')
    .filter((line) => !extraHeader.test(line))
    .map((line) => redact(line.replace(urlCredentials, '$1')))
    .join('\n')
  const copy = cleaned === original ? undefined : writeCopy(join(repositoryRoot, '.colony', 'sandbox'), cleaned)
  copies.set(configPath, { stamp, copy })
  return copy
}

function writeCopy(directory: string, content: string): string {
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  const path = join(directory, 'git-config')
  // Written aside and renamed: another Colony on this repository may be starting a command with it.
  const partial = `${path}.${process.pid}`
  writeFileSync(partial, content, { mode: 0o600 })
  renameSync(partial, path)
  return path
}
