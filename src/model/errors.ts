import { ColonyError } from '../errors/index.ts'

export class NoModelConfiguredError extends ColonyError {
  override readonly name = 'NoModelConfiguredError'
  readonly role: string

  constructor(role: string) {
    super(`no model is configured for the ${role} role`, {
      hint: 'set "models.default" (or "models.' + role + '") in colony.json, e.g. "anthropic:claude-sonnet-4-5", or pass --model provider:model',
    })
    this.role = role
  }
}

export class UnknownProviderError extends ColonyError {
  override readonly name = 'UnknownProviderError'
  readonly provider: string

  constructor(provider: string, known: readonly string[]) {
    super(`unknown model provider "${provider}"`, {
      hint: `use one of ${known.map((name) => `"${name}"`).join(', ')}, or declare it under "providers" in colony.json with its type and baseURL`,
    })
    this.provider = provider
  }
}

export class MissingApiKeyError extends ColonyError {
  override readonly name = 'MissingApiKeyError'
  readonly provider: string
  readonly variable: string

  constructor(provider: string, variable: string) {
    super(`the ${provider} provider needs an API key in the environment variable ${variable}, which is not set`, {
      hint: `export ${variable}=... in the shell that runs Colony (keys are never read from colony.json)`,
    })
    this.provider = provider
    this.variable = variable
  }
}

export class LocalModelUnavailableError extends ColonyError {
  override readonly name = 'LocalModelUnavailableError'

  constructor(reason: string, hint = 'install it next to Colony with `npm install node-llama-cpp` (an optional dependency), and set "modelPath" to a .gguf file') {
    super(`cannot run the local model: ${reason}`, { hint })
  }
}

/** One model that failed its check before a run: who uses it, where it was asked, and what went wrong. */
export interface FailedModelCheck {
  /** "provider:model". */
  model: string
  /** The roles (and agent CLIs) that use it, e.g. ["planner", "judge"]. */
  users: string[]
  /** The provider's baseURL, or its type's default host. */
  endpoint: string
  kind: 'unreachable' | 'unauthorized' | 'unknown-model' | 'rejected'
  status?: number
  /** What the endpoint (or the network) said, secrets redacted. */
  detail: string
  /** What to change for this model. */
  fix: string
}

/**
 * `colony run` asked each model for one short reply before starting any agent
 * and at least one could not be used: its endpoint unreachable, its key
 * refused, its name unknown there, or the call refused for another lasting
 * reason. Nothing of the run was recorded.
 */
export class ModelCheckError extends ColonyError {
  override readonly name = 'ModelCheckError'
  readonly failures: FailedModelCheck[]

  constructor(failures: FailedModelCheck[]) {
    const lines = failures.map((failure) => {
      const who = `${failure.model} (${failure.users.join(', ')})`
      const status = failure.status === undefined ? '' : `HTTP ${failure.status}: `
      switch (failure.kind) {
        case 'unreachable':
          return `cannot reach ${who} at ${failure.endpoint}: ${failure.detail}`
        case 'unauthorized':
          return `${failure.endpoint} refused the API key for ${who}: ${status}${failure.detail}`
        case 'unknown-model':
          return `${failure.endpoint} does not know the model of ${who}: ${status}${failure.detail}`
        case 'rejected':
          return `${failure.endpoint} refused a one-line check of ${who}: ${status}${failure.detail}`
      }
    })
    const message = lines.length === 1 ? `nothing was started: ${lines[0]}` : `nothing was started; ${lines.length} models failed their check:\n  ${lines.join('\n  ')}`
    super(message, { hint: [...new Set(failures.map((failure) => failure.fix))].join('\n  ') })
    this.failures = failures
  }
}
