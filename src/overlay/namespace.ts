import { spawnSync } from 'node:child_process'

/** Set in a Colony process that runs in the user and mount namespace it made for overlay workspaces (and in everything it starts). */
const namespaceVariable = 'COLONY_WORKSPACE_NAMESPACE'
/** The person's uid outside the namespace, where Colony is uid 0. */
const hostUidVariable = 'COLONY_HOST_UID'

/** The commands that make agents' workspaces; only they need overlay mounts. (`sandbox status` probes from a child instead: see probeOverlays.) */
const workspaceCommands = new Set(['run', 'worker', 'demo', 'sandbox exec', 'mcp'])

export type NamespaceState = { inside: true } | { inside: false; reason: string }

/** Why a process is outside the namespace when it never asked to be in it. */
export const commandMakesNoWorkspaces = 'this command makes no workspaces'

let state: NamespaceState = { inside: false, reason: commandMakesNoWorkspaces }

/**
 * Overlay mounts made without privilege exist only in a user and mount
 * namespace, and only processes in it see them: Colony's file tools, git and
 * bubblewrap must all run there. So a command that makes workspaces replaces
 * itself (same pid, same arguments) with a copy started by `unshare` in a new
 * user namespace, where it is uid 0 and may mount, and a private mount
 * namespace, whose mounts go when its last process ends (a crash leaves none
 * behind). The person's shell and other Colony commands do not see them.
 * Where that is not possible (user namespaces off, no `unshare`, a Node.js
 * that cannot replace itself) the command goes on as it is and workspaces are
 * git worktrees; `state()` says why.
 */
export function enterWorkspaceNamespace(argv: readonly string[]): NamespaceState {
  state = enter(argv)
  return state
}

function enter(argv: readonly string[]): NamespaceState {
  if (process.env[namespaceVariable] === '1') return { inside: true }
  const [command, subcommand] = argv.slice(2).filter((word) => !word.startsWith('-'))
  if (!command || !(workspaceCommands.has(command) || workspaceCommands.has(`${command} ${subcommand}`))) return { inside: false, reason: commandMakesNoWorkspaces }
  return restartInNamespace(argv)
}

/** Replaces this process with a copy of itself (same pid, same arguments) in a new user and mount namespace; returns why not where it cannot. */
export function restartInNamespace(argv: readonly string[]): NamespaceState {
  if (process.env[namespaceVariable] === '1') return { inside: true }
  if (process.env.COLONY_WORKSPACES === 'worktree') return { inside: false, reason: 'COLONY_WORKSPACES=worktree' }
  if (process.platform !== 'linux') return { inside: false, reason: 'overlay workspaces need Linux' }
  if (typeof process.execve !== 'function') return { inside: false, reason: 'this Node.js cannot replace itself (process.execve needs 23.11 or newer)' }
  const unshare = ['--user', '--map-root-user', '--mount', '--propagation', 'private']
  const probe = spawnSync('unshare', [...unshare, 'true'], { encoding: 'utf8', timeout: 10_000 })
  if (probe.error) return { inside: false, reason: (probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? '`unshare` (util-linux) is not installed' : probe.error.message }
  if (probe.status !== 0) return { inside: false, reason: `user namespaces are not allowed here (${probe.stderr.trim() || `unshare exited ${probe.status}`})` }
  const environment = { ...process.env, [namespaceVariable]: '1', [hostUidVariable]: String(process.getuid?.() ?? '') } as Record<string, string>
  try {
    process.execve(whichUnshare(), ['unshare', ...unshare, '--', process.execPath, ...process.execArgv, ...argv.slice(1)], environment)
  } catch (error) {
    return { inside: false, reason: `could not restart in a namespace: ${(error as Error).message}` }
  }
  return { inside: false, reason: 'unreachable' }
}

function whichUnshare(): string {
  const found = spawnSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).stdout.trim()
  return found || '/usr/bin/unshare'
}

/** Whether this process runs in Colony's workspace namespace, or why not. */
export function namespaceState(): NamespaceState {
  if (process.env[namespaceVariable] === '1') return { inside: true }
  return state
}

/** The person's uid: inside the namespace Colony is uid 0, but the kernel's per-user limits still count the person. */
export function hostUid(): number | undefined {
  const recorded = process.env[hostUidVariable]
  if (process.env[namespaceVariable] === '1' && recorded && /^\d+$/.test(recorded)) return Number(recorded)
  return process.getuid?.()
}
