import type { Command } from 'commander'
import type { ModelOverrides } from '../model/index.ts'
import { UsageError } from './usage-error.ts'

export interface ModelFlags {
  model?: string
  plannerModel?: string
  workerModel?: string
  judgeModel?: string
}

/** --model (every role) and --planner-model/--worker-model/--judge-model: they beat colony.json. */
export function addModelOptions(command: Command): Command {
  return command
    .option('--model <spec>', 'provider:model for every role')
    .option('--planner-model <spec>', 'provider:model for planners')
    .option('--worker-model <spec>', 'provider:model for workers')
    .option('--judge-model <spec>', 'provider:model for the judge')
}

export function modelOverrides(flags: ModelFlags): ModelOverrides {
  const check = (flag: string, spec: string | undefined) => {
    if (spec !== undefined && !/^[a-z][a-z0-9_-]*:.+$/.test(spec)) throw new UsageError(flag, `${flag} "${spec}" is not provider:model`, 'write it like anthropic:claude-sonnet-4-5 or openai:gpt-5')
    return spec
  }
  const overrides: ModelOverrides = {}
  const all = check('--model', flags.model)
  const planner = check('--planner-model', flags.plannerModel)
  const worker = check('--worker-model', flags.workerModel)
  const judge = check('--judge-model', flags.judgeModel)
  if (all) overrides.all = all
  if (planner) overrides.planner = planner
  if (worker) overrides.worker = worker
  if (judge) overrides.judge = judge
  return overrides
}
