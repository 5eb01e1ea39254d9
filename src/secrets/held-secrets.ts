import { isSecretName } from './secret-names.ts'

/**
 * Credentials this process took out of its environment at start. They live
 * here, in memory, and never in `process.env`: every child Colony starts
 * without naming an environment inherits `process.env`, and an agent can read
 * any child's environment through /proc while it runs.
 */
const held = new Map<string, string>()

/** Moves every secret-named variable out of `environment` into memory. */
export function holdSecretsFrom(environment: NodeJS.ProcessEnv): Record<string, string> {
  const taken: Record<string, string> = {}
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined || !isSecretName(name)) continue
    taken[name] = value
    held.set(name, value)
    delete environment[name]
  }
  return taken
}

/** Adds credentials read from elsewhere (a handoff file, an env file). */
export function holdSecrets(secrets: Record<string, string>): void {
  for (const [name, value] of Object.entries(secrets)) held.set(name, value)
}

/**
 * `process.env` with the held credentials: for the places that need a key
 * (model providers, the store's URL, git talking to a remote), never for a
 * command an agent runs.
 */
export function environmentWithSecrets(): NodeJS.ProcessEnv {
  return { ...process.env, ...Object.fromEntries(held) }
}

/** Names of the held credentials (for `colony sandbox status`; never their values). */
export function heldSecretNames(): string[] {
  return [...held.keys()].sort()
}
