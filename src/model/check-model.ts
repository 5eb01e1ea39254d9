import { generateText } from 'ai'
import type { ColonyConfig } from '../config/index.ts'
import { environmentWithSecrets, redactSecrets } from '../secrets/index.ts'
import { ModelCheckError, type FailedModelCheck } from './errors.ts'
import { describeModelFailure, modelFailure, type ModelFailure } from './model-failure.ts'
import type { ModelSpec } from './model-spec.ts'
import { providerEndpoint, providerSettings, type ProviderSettings } from './providers.ts'
import { createLanguageModel } from './registry.ts'

/** The header that tells a model server (the scripted one answers it without its script) that a call only checks the endpoint. */
export const checkPurposeHeader = { 'x-colony-purpose': 'check' } as const

export interface ModelToCheck {
  spec: ModelSpec
  /** Who uses it, for the message: "planner", "agents.worker (codex)". */
  user: string
  /**
   * Colony's own roles call the model exactly as the check does, so any
   * lasting refusal (an unknown model, a 4xx) stops the run. An agent CLI may
   * speak another of its provider's protocols, so for its model only an
   * endpoint that cannot be reached or a refused key does.
   */
  strict: boolean
}

export interface CheckModelsOptions {
  environment?: NodeJS.ProcessEnv
  /** Per model; the checks run at once. */
  timeoutMs?: number
}

const defaultTimeoutMs = 20_000

function fixFor(kind: FailedModelCheck['kind'], provider: ProviderSettings, spec: ModelSpec, endpoint: string, environment: NodeJS.ProcessEnv): string {
  switch (kind) {
    case 'unreachable':
      return provider.baseURL
        ? `make sure the server at ${endpoint} is running and reachable from this machine, or correct "providers.${provider.name}.baseURL" in colony.json`
        : `check this machine's connection to ${endpoint} (network, proxy, firewall, DNS)`
    case 'unauthorized':
      if (!provider.apiKeyVariable) return `the server wants an API key: give "providers.${provider.name}" an "apiKey": "env:VARIABLE" in colony.json and export VARIABLE`
      return environment[provider.apiKeyVariable]
        ? `check the key in ${provider.apiKeyVariable}: export ${provider.apiKeyVariable}=<a valid key for ${endpoint}> in the shell that runs Colony`
        : `${provider.apiKeyVariable} is not set: export ${provider.apiKeyVariable}=<a valid key for ${endpoint}> in the shell that runs Colony`
    case 'unknown-model':
      return `check the model name "${spec.model}" in colony.json "models" (or --model) against the models ${endpoint} serves${provider.baseURL ? `, and that "providers.${provider.name}.baseURL" is the API's root (for most servers it ends in /v1)` : ''}`
    case 'rejected':
      return 'do what the provider says (the account\'s quota or billing, the model name); if it is only this check the provider refuses, `colony run --no-model-check` skips it'
  }
}

/** One model, one tiny call: nothing when it answered; a failure that refuses the run, or a warning for one that may pass (a busy or slow endpoint). */
async function checkOne(model: ModelToCheck & { users: string[] }, config: ColonyConfig, options: Required<CheckModelsOptions>): Promise<{ failed?: FailedModelCheck; warning?: string }> {
  const provider = providerSettings(config, model.spec.provider)
  const endpoint = providerEndpoint(provider)
  // A model run in this process (llama-cpp) has no endpoint: the run loads it.
  if (endpoint === undefined) return {}
  const language = await createLanguageModel(model.spec, config, options.environment)
  let failure: ModelFailure
  try {
    await generateText({ model: language, prompt: 'Reply with the word OK.', maxOutputTokens: 16, maxRetries: 0, headers: checkPurposeHeader, abortSignal: AbortSignal.timeout(options.timeoutMs) })
    return {}
  } catch (error) {
    failure = modelFailure(error)
  }
  const who = `${model.spec.spec} (${model.users.join(', ')}) at ${endpoint}`
  const refused = model.strict ? ['unreachable', 'unauthorized', 'unknown-model', 'rejected'] : ['unreachable', 'unauthorized']
  if (!refused.includes(failure.kind)) {
    const why =
      failure.kind === 'timeout'
        ? `did not answer within ${options.timeoutMs / 1000} s (a local server may still be loading the model)`
        : failure.status === undefined
          ? `failed the check: ${redactSecrets(describeModelFailure(failure))}`
          : `answered the check with HTTP ${failure.status}: ${redactSecrets(failure.detail)}`
    return { warning: `${who} ${why}; starting anyway${failure.kind === 'other' ? '' : ', its calls retry'}` }
  }
  const kind = failure.kind as FailedModelCheck['kind']
  return {
    failed: {
      model: model.spec.spec,
      users: model.users,
      endpoint,
      kind,
      ...(failure.status !== undefined && { status: failure.status }),
      detail: redactSecrets(failure.detail),
      fix: fixFor(kind, provider, model.spec, endpoint, options.environment),
    },
  }
}

/**
 * Asks each distinct model for a few tokens through the real provider code,
 * all at once, with no retries and a short time limit, so that `colony run`
 * refuses to start when a model cannot be used: its endpoint unreachable
 * (refused, unresolvable, timed out connecting), its key refused (401/403),
 * the model unknown there (404), or another lasting refusal. A busy endpoint
 * (429, 5xx, slow to answer) is only a warning: the run's calls retry.
 * Throws ModelCheckError naming every model that failed; returns the warnings.
 * The call is made with `x-colony-purpose: check` and costs a few tokens.
 *
 * @example
 *   const warnings = await checkModels([{ spec: parseModelSpec('openai:gpt-5'), user: 'worker', strict: true }], config)
 */
export async function checkModels(models: readonly ModelToCheck[], config: ColonyConfig, options: CheckModelsOptions = {}): Promise<string[]> {
  const distinct = new Map<string, ModelToCheck & { users: string[] }>()
  for (const model of models) {
    const seen = distinct.get(model.spec.spec)
    if (seen) {
      seen.users.push(model.user)
      seen.strict ||= model.strict
    } else {
      distinct.set(model.spec.spec, { ...model, users: [model.user] })
    }
  }
  const settled = { environment: options.environment ?? environmentWithSecrets(), timeoutMs: options.timeoutMs ?? defaultTimeoutMs }
  const results = await Promise.all([...distinct.values()].map((model) => checkOne(model, config, settled)))
  const failed = results.flatMap((result) => (result.failed ? [result.failed] : []))
  if (failed.length > 0) throw new ModelCheckError(failed)
  return results.flatMap((result) => (result.warning ? [result.warning] : []))
}
