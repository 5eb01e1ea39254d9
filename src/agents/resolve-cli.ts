import { ConfigError, type AgentCliSpec, type ColonyConfig } from '../config/index.ts'
import { MissingApiKeyError, parseModelSpec, providerSettings } from '../model/index.ts'
import { environmentWithSecrets } from '../secrets/index.ts'
import type { AgentCli, CliModel } from './agent-cli.ts'
import { findCli } from './find-cli.ts'
import { agentClis } from './registry.ts'

/**
 * The adapter, executable and model endpoint a colony.json agent names, or the
 * error that says what to change: a CLI not found, a provider whose protocol
 * it does not speak, a key not set. `colony run` checks this before it starts.
 */
export function resolveAgentCli(config: ColonyConfig, spec: AgentCliSpec, role: 'worker' | 'planner' | 'judge', environment: NodeJS.ProcessEnv = environmentWithSecrets()): { cli: AgentCli; executable: string; model: CliModel } {
  const cli = agentClis[spec.cli]
  const executable = findCli(cli, spec.command, environment)
  if (!executable) throw new ConfigError(`agents.${role}: ${cli.title} (${spec.command ?? cli.command}) was not found on PATH`, `install it (npm install -g ${cli.packageName}@${cli.supportedVersions.at(-1)}) or give its path in "command"`)
  const { provider: providerName, model } = parseModelSpec(spec.model)
  const provider = providerSettings(config, providerName)
  if (!cli.providerTypes.includes(provider.type)) {
    throw new ConfigError(`agents.${role}: ${cli.title} cannot talk to provider "${providerName}" (type ${provider.type})`, `give it a model of a provider of type ${cli.providerTypes.join(' or ')}`)
  }
  const apiKey = provider.apiKeyVariable ? environment[provider.apiKeyVariable] : undefined
  if (provider.apiKeyVariable && !apiKey) throw new MissingApiKeyError(providerName, provider.apiKeyVariable)
  return { cli, executable, model: { spec: spec.model, provider, model, apiKey } }
}

/** The agent CLI colony.json makes the planner, if any. */
export function cliPlannerSpec(config: ColonyConfig): AgentCliSpec | undefined {
  return config.agents.planner
}

/** The agent CLI colony.json makes the judge, if any. */
export function cliJudgeSpec(config: ColonyConfig): AgentCliSpec | undefined {
  return config.agents.judge
}

/** The agent CLIs colony.json makes the workers, in the order tasks take them. */
export function cliWorkerSpecs(config: ColonyConfig): AgentCliSpec[] {
  return config.agents.worker ? [config.agents.worker].flat() : []
}

/** Every role an agent CLI plays, with its CLI: the planner, the judge, then the workers in the order tasks take them. */
export function cliRoles(config: ColonyConfig): { role: 'planner' | 'judge' | 'worker'; spec: AgentCliSpec }[] {
  return [
    ...(config.agents.planner ? [{ role: 'planner' as const, spec: config.agents.planner }] : []),
    ...(config.agents.judge ? [{ role: 'judge' as const, spec: config.agents.judge }] : []),
    ...cliWorkerSpecs(config).map((spec) => ({ role: 'worker' as const, spec })),
  ]
}
