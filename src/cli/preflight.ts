import { cliRoles, resolveAgentCli } from '../agents/index.ts'
import { emptyFullChecksWarning, type ColonyConfig } from '../config/index.ts'
import { assertNotCheckedOut, createGit } from '../git/index.ts'
import { checkModels, createLanguageModel, modelForRole, parseModelSpec, providerSettings, type ModelOverrides, type ModelToCheck, type Role } from '../model/index.ts'
import { assertTargetUsable, type RepositoryLayout } from '../repository/index.ts'
import { sandboxFromConfig } from '../sandbox/index.ts'
import type { Run } from '../store/index.ts'
import { terminalText } from '../terminal/index.ts'

export interface LaunchCheckOptions {
  layout: RepositoryLayout
  config: ColonyConfig
  run: Run
  resuming: boolean
  roles: readonly Role[]
  models: ModelOverrides
  /** Ask each model for a few tokens before starting (default); `--no-model-check` turns it off. */
  modelCheck?: boolean
  /** Where warnings go (a busy endpoint, a slow one): stderr unless told. */
  warn?: (message: string) => void
}

/**
 * What would stop `colony run` or `colony worker` from starting, found before
 * the run is chosen and its goal recorded, so that a run that cannot start
 * leaves no trace: colony.json's target (there, and not checked out), the
 * sandbox mode it asks for, each role's model and API key, and each agent CLI
 * a worker is (found, speaking its model's protocol, its key set). Last, one
 * tiny call to each distinct model (checkModels): an endpoint that cannot be
 * reached, a refused key or an unknown model stops the start here, naming
 * the model, the endpoint and the fix. A local model (llama-cpp) is loaded by
 * the run itself, not here.
 */
export async function checkLaunch(options: LaunchCheckOptions): Promise<void> {
  const { layout, config } = options
  await assertTargetUsable(layout, config, options.run, { resuming: options.resuming })
  await assertNotCheckedOut(createGit(layout.root), config.target)
  sandboxFromConfig(config, layout.root)
  const played = cliRoles(config).filter(({ role }) => options.roles.includes(role))
  const reachable: ModelToCheck[] = []
  for (const { role, spec } of played) {
    resolveAgentCli(config, spec, role)
    const user = `agents.${role} (${spec.cli})`
    if (!reachable.some((model) => model.spec.spec === spec.model && model.user === user)) reachable.push({ spec: parseModelSpec(spec.model), user, strict: false })
  }
  for (const role of options.roles) {
    // A role an agent CLI plays brings its own model, checked just above.
    if (played.some((cli) => cli.role === role)) continue
    const spec = modelForRole(config, role, options.models)
    if (providerSettings(config, spec.provider).type === 'llama-cpp') continue
    await createLanguageModel(spec, config)
    reachable.push({ spec, user: role, strict: true })
  }
  const warn = options.warn ?? ((message: string) => void process.stderr.write(`colony: warning: ${terminalText(message)}\n`))
  // Not a refusal: a run may go without checks.full, but the process that runs the deep gate says what that costs.
  const checksWarning = options.roles.includes('judge') ? emptyFullChecksWarning(config) : undefined
  if (checksWarning) warn(checksWarning)
  if (options.modelCheck === false) return
  for (const warning of await checkModels(reachable, config)) warn(warning)
}
