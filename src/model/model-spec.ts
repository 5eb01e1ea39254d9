import type { ColonyConfig } from '../config/index.ts'
import { NoModelConfiguredError } from './errors.ts'

export const roles = ['planner', 'worker', 'judge'] as const
export type Role = (typeof roles)[number]

export interface ModelSpec {
  provider: string
  model: string
  /** As written: "provider:model". */
  spec: string
}

export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(':')
  return { provider: spec.slice(0, colon), model: spec.slice(colon + 1), spec }
}

/** `--model` sets every role; `--planner-model` and the like one role; both beat colony.json. */
export interface ModelOverrides {
  all?: string
  planner?: string
  worker?: string
  judge?: string
}

/** Which model a role uses: its flag, then --model, then models.<role>, then models.default. */
export function modelForRole(config: ColonyConfig, role: Role, overrides: ModelOverrides = {}): ModelSpec {
  const spec = overrides[role] ?? overrides.all ?? config.models[role] ?? config.models.default
  if (!spec) throw new NoModelConfiguredError(role)
  return parseModelSpec(spec)
}
