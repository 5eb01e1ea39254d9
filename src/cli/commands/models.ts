import type { Command } from 'commander'
import { loadConfig } from '../../config/index.ts'
import { agentCliReport, cliRoles, describeAgentCli, type AgentCliReport } from '../../agents/index.ts'
import { apiKeyStatus, localModelStatus, modelForRole, parseModelSpec, priceOf, providerSettings, roles } from '../../model/index.ts'
import { findRepository } from '../../repository/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { formatTable, printJson } from '../format.ts'
import { addModelOptions, modelOverrides, type ModelFlags } from '../model-options.ts'

/**
 * A provider's baseURL as it may be shown: a user name and password in it
 * (`https://user:secret@host/v1`) and the values of its query (`?key=...`)
 * are masked, so neither the table nor --json ever prints a credential.
 *
 * @example shownURL('https://me:hunter2@llm.example/v1?key=abc')  // 'https://***@llm.example/v1?key=***'
 */
function shownURL(text: string): { url: string; credentials: boolean } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // colony.json's schema takes only URLs; what does not parse is not shown at all, since where its secrets are cannot be told.
    return { url: '(not a URL)', credentials: false }
  }
  const credentials = url.username !== '' || url.password !== ''
  const query = [...url.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=***`).join('&')
  const authority = `${credentials ? '***@' : ''}${url.host}`
  return { url: `${url.protocol}//${authority}${url.pathname}${query ? `?${query}` : ''}`, credentials }
}

/** `colony models`: which model each role uses, and whether its key is there (never the key). */
export function registerModels(program: Command): void {
  addModelOptions(
    program
      .command('models')
      .description('the model each role uses, its provider, its price, and whether the provider\'s API key is set (keys are never printed)')
      .option('--json', 'one JSON array (see docs/cli.md)'),
  ).action(async (options: ModelFlags & { json?: boolean }) => {
    const layout = await findRepository(process.cwd())
    const config = await loadConfig(layout.root)
    const overrides = modelOverrides(options)
    const played = cliRoles(config)
    const modelRows = roles.filter((role) => !played.some((cli) => cli.role === role)).map((role) => {
      const spec = modelForRole(config, role, overrides)
      const provider = providerSettings(config, spec.provider)
      const key = apiKeyStatus(spec, config)
      const price = priceOf(spec.spec, config)
      const local = provider.type === 'llama-cpp' ? localModelStatus(provider.modelPath!) : null
      const shown = provider.baseURL === undefined ? undefined : shownURL(provider.baseURL)
      return { role, model: spec.spec, provider: provider.name, type: provider.type, baseURL: shown?.url ?? null, keyVariable: key.variable ?? null, keyPresent: key.present, price: price ?? null, local, credentialsInURL: shown?.credentials === true, agent: null as AgentCliReport | null }
    })
    const rows = [...modelRows]
    for (const { role, spec: cliSpec } of played) {
      const spec = parseModelSpec(cliSpec.model)
      const provider = providerSettings(config, spec.provider)
      const key = apiKeyStatus(spec, config)
      const shown = provider.baseURL === undefined ? undefined : shownURL(provider.baseURL)
      const agent = await agentCliReport(cliSpec, role, provider.type)
      rows.push({ role, model: spec.spec, provider: provider.name, type: provider.type, baseURL: shown?.url ?? null, keyVariable: key.variable ?? null, keyPresent: key.present, price: priceOf(spec.spec, config) ?? null, local: null, credentialsInURL: shown?.credentials === true, agent })
    }
    // fetch refuses a URL that carries credentials, and colony.json is usually committed: say so, without the credentials.
    for (const provider of new Set(rows.filter((row) => row.credentialsInURL).map((row) => row.provider))) {
      process.stderr.write(
        `colony: warning: providers.${terminalText(provider)}.baseURL in colony.json carries a user name and password; they are not shown, and requests to it will fail\n` +
          '  fix: remove them from the URL and give the key as "apiKey": "env:NAME" with NAME set in the environment\n',
      )
    }
    if (options.json) return printJson(rows.map(({ credentialsInURL: _credentials, ...row }) => row))
    const table = formatTable(
      ['ROLE', 'MODEL', 'PROVIDER', 'KEY', 'PRICE $/Mtok in/out'],
      rows.map((row) => [
        row.role,
        row.agent ? `${row.agent.cli} → ${row.model}` : row.model,
        `${row.provider}${row.type !== row.provider ? ` (${row.type}${row.baseURL ? ` at ${row.baseURL}` : ''})` : ''}`,
        row.keyVariable ? `${row.keyVariable} ${row.keyPresent ? 'set' : 'MISSING'}` : 'none needed',
        row.price ? `${row.price.input}/${row.price.output}` : 'unknown (add to "prices")',
      ]),
    )
    process.stdout.write(`${table}\n`)
    for (const row of rows) {
      if (!row.local) continue
      const problems = [!row.local.fileFound && 'the file does not exist', !row.local.runtimeInstalled && 'node-llama-cpp is not installed (npm install node-llama-cpp)'].filter(Boolean)
      process.stdout.write(`\n${row.role} runs ${row.local.modelPath} in this process: ${problems.length === 0 ? 'file found, node-llama-cpp installed' : problems.join('; ')}`)
    }
    if (rows.some((row) => row.local)) process.stdout.write('\n')
    for (const row of rows) if (row.agent) process.stdout.write(`\n${describeAgentCli(row.agent)}`)
    if (rows.some((row) => row.agent)) process.stdout.write('\n')
    const missing = rows.filter((row) => !row.keyPresent)
    if (missing.length > 0) process.stdout.write(`\nset ${[...new Set(missing.map((row) => row.keyVariable))].join(', ')} in the environment before \`colony run\`\n`)
  })
}
