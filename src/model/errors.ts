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
