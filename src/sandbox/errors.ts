import { ColonyError } from '../errors/index.ts'

/** A file tool or sandbox path that would lead out of the workspace (or into `.git`). */
export class PathOutsideWorkspaceError extends ColonyError {
  override readonly name = 'PathOutsideWorkspaceError'
  readonly path: string

  constructor(path: string, reason: string) {
    super(`"${path}" is not allowed: ${reason}`, {
      hint: 'use a path relative to the workspace root, such as "src/index.ts", that stays inside it',
    })
    this.path = path
  }
}

/** A command the policy in colony.json refuses outright. */
export class CommandRefusedError extends ColonyError {
  override readonly name = 'CommandRefusedError'
  readonly command: string
  readonly rule: string

  constructor(command: string, rule: string) {
    super(`the command "${command}" is refused by the rule "${rule}" in colony.json "sandbox.refuse"`, {
      hint: 'do the work another way; a person can change sandbox.refuse if this command is really needed',
    })
    this.command = command
    this.rule = rule
  }
}

/** colony.json asks for bubblewrap (`sandbox.mode: "bubblewrap"`) and it cannot be used here. */
export class BubblewrapUnavailableError extends ColonyError {
  override readonly name = 'BubblewrapUnavailableError'
  readonly reason: string

  constructor(reason: string) {
    super(`colony.json sets "sandbox.mode" to "bubblewrap", but bubblewrap cannot be used here: ${reason}`, {
      hint: 'install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap) where user namespaces are allowed, or set "sandbox.mode" to "auto" (bubblewrap when it works, else host mode) or "host" in colony.json',
    })
    this.reason = reason
  }
}
