import { mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { holdSecrets, holdSecretsFrom } from './held-secrets.ts'

/** Names the file a restarted Colony reads its credentials from (and deletes). */
const handoffVariable = 'COLONY_SECRETS_HANDOFF'

/**
 * Takes the credentials out of this process's environment where no other
 * process can read them. Linux keeps a process's environment as it was at
 * exec (/proc/PID/environ, `ps e`): deleting a variable from `process.env`
 * does not remove it there, and an agent's command in host mode runs as the
 * same user and can read it. So when the environment holds a credential, the
 * process replaces itself (same pid, same arguments) with a copy whose
 * environment never held one, under a hard core-size limit of zero so a
 * signalled Colony leaves no core file with the keys in it; the copy reads
 * the credentials from a private file that it deletes before doing anything
 * else. Where a process cannot replace itself (no `process.execve`), the
 * credentials are still moved into memory, and `colony sandbox status` says
 * the environment at exec still holds them.
 */
export function moveSecretsOutOfEnvironment(): 'restarted' | 'held' | 'none' {
  outcome = moveSecrets()
  return outcome
}

let outcome: 'restarted' | 'held' | 'none' = 'none'

/** Whether this process's environment at exec (what /proc and `ps e` show) still holds a credential. */
export function secretsLeftInExecEnvironment(): boolean {
  return outcome === 'held'
}

function moveSecrets(): 'restarted' | 'held' | 'none' {
  const handoff = process.env[handoffVariable]
  if (handoff) {
    delete process.env[handoffVariable]
    receiveHandoff(handoff)
    return 'restarted'
  }
  const secrets = holdSecretsFrom(process.env)
  if (Object.keys(secrets).length === 0) return 'none'
  if (typeof process.execve !== 'function' || process.platform !== 'linux') return 'held'
  const directory = mkdtempSync(join(tmpdir(), 'colony-handoff-'))
  const file = join(directory, 'secrets.json')
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' })
  const environment = { ...process.env, [handoffVariable]: file } as Record<string, string>
  try {
    // `ulimit -Hc 0` cannot be raised again by an unprivileged process (an agent's prlimit included).
    process.execve('/bin/sh', ['sh', '-c', 'ulimit -Hc 0 2>/dev/null; exec "$@"', 'colony', process.execPath, ...process.execArgv, ...process.argv.slice(1)], environment)
  } catch {
    rmSync(directory, { recursive: true, force: true })
  }
  return 'held'
}

function receiveHandoff(file: string): void {
  try {
    holdSecrets(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
  } catch {
    // No credentials arrive; a command that needs one says which variable is missing.
  } finally {
    rmSync(file, { force: true })
    try {
      rmdirSync(dirname(file))
    } catch {
      // Not the empty directory Colony made for it.
    }
  }
}
