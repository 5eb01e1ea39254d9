import type { AgentCliSpec } from '../config/index.ts'
import type { ProviderType } from '../model/index.ts'
import { agentClis } from './registry.ts'
import { cliVersion, findCli } from './find-cli.ts'

/** What `colony models` says about one configured agent CLI: found where, which version, supported or not, and whether it can talk to its model. */
export interface AgentCliReport {
  /** The role it plays: worker or planner. */
  role: string
  cli: string
  title: string
  /** The executable found, or null. */
  path: string | null
  version: string | null
  supportedVersions: readonly string[]
  supported: boolean
  /** Whether the CLI speaks the wire protocol of the model's provider. */
  speaksProvider: boolean
  providerTypes: readonly ProviderType[]
  packageName: string
}

export async function agentCliReport(spec: AgentCliSpec, role: string, providerType: ProviderType): Promise<AgentCliReport> {
  const cli = agentClis[spec.cli]
  const path = findCli(cli, spec.command) ?? null
  const version = path ? ((await cliVersion(path)) ?? null) : null
  return {
    role,
    cli: spec.cli,
    title: cli.title,
    path,
    version,
    supportedVersions: cli.supportedVersions,
    supported: version !== null && cli.supportedVersions.includes(version),
    speaksProvider: cli.providerTypes.includes(providerType),
    providerTypes: cli.providerTypes,
    packageName: cli.packageName,
  }
}

/** One paragraph for a person: what was found and what to do about what is wrong. */
export function describeAgentCli(report: AgentCliReport): string {
  const install = `npm install -g ${report.packageName}@${report.supportedVersions.at(-1)}`
  const found = report.path
    ? `${report.title} ${report.version ?? '(version unknown)'} at ${report.path}: ${report.supported ? 'supported' : `not a tested version (Colony is tested with ${report.supportedVersions.join(', ')}); it may work, or: ${install}`}`
    : `${report.title} was not found on PATH: ${install}, or give its path in "command"`
  const wire = report.speaksProvider ? '' : `\n  it cannot talk to this model's provider: give it a model of a provider of type ${report.providerTypes.join(' or ')}`
  return `${report.role} ${report.cli}: ${found}${wire}`
}
