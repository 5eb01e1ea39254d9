import { cliRoles, resolveAgentCli } from '../agents/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { assertNotCheckedOut, createGit } from '../git/index.ts'
import { createLanguageModel, modelForRole, providerSettings, type ModelOverrides, type Role } from '../model/index.ts'
import { assertTargetUsable, type RepositoryLayout } from '../repository/index.ts'
import { sandboxFromConfig } from '../sandbox/index.ts'
import type { Run } from '../store/index.ts'

/**
 * What would stop `colony run` or `colony worker` from starting, found before
 * the run is chosen and its goal recorded, so that a run that cannot start
 * leaves no trace: colony.json's target (there, and not checked out), the
 * sandbox mode it asks for, each role's model and API key, and each agent CLI
 * a worker is (found, speaking its model's protocol, its key set). A local model
 * (llama-cpp) is loaded by the run itself, not here.
 */
export async function checkLaunch(options: { layout: RepositoryLayout; config: ColonyConfig; run: Run; resuming: boolean; roles: readonly Role[]; models: ModelOverrides }): Promise<void> {
  const { layout, config } = options
  await assertTargetUsable(layout, config, options.run, { resuming: options.resuming })
  await assertNotCheckedOut(createGit(layout.root), config.target)
  sandboxFromConfig(config, layout.root)
  const played = cliRoles(config).filter(({ role }) => options.roles.includes(role))
  for (const { role, spec } of played) resolveAgentCli(config, spec, role)
  for (const role of options.roles) {
    // A role an agent CLI plays brings its own model, checked just above.
    if (played.some((cli) => cli.role === role)) continue
    const spec = modelForRole(config, role, options.models)
    if (providerSettings(config, spec.provider).type !== 'llama-cpp') await createLanguageModel(spec, config)
  }
}
