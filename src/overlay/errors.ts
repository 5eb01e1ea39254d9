import { ColonyError } from '../errors/index.ts'

/** An overlay workspace could not be mounted or unmounted. */
export class OverlayMountError extends ColonyError {
  override readonly name = 'OverlayMountError'

  constructor(target: string, detail: string) {
    super(`cannot mount the overlay workspace at ${target}: ${detail}`, {
      hint: 'set "workspace": {"kind": "worktree"} in colony.json to use plain git worktrees, and see `colony sandbox status`',
    })
  }
}

/** colony.json asks for overlay workspaces where they cannot be made. */
export class OverlaysUnavailableError extends ColonyError {
  override readonly name = 'OverlaysUnavailableError'

  constructor(reason: string) {
    super(`colony.json asks for overlay workspaces, which cannot be made here: ${reason}`, {
      hint: 'set "workspace": {"kind": "auto"} (overlays where they work, git worktrees elsewhere) or "worktree"',
    })
  }
}

/** An overlay workspace's files are in its layer, but no running Colony mounts it. */
export class OverlayNotMountedError extends ColonyError {
  override readonly name = 'OverlayNotMountedError'

  constructor(path: string) {
    super(`the workspace ${path} is an overlay that no running Colony process mounts now (the one that ran it has ended)`, {
      hint: 'its files are kept; `colony run` picks the attempt up again, and then `colony diff` shows it',
    })
  }
}
