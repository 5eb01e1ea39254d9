import { ColonyError } from '../errors/index.ts'

/** colony.json cannot be used; `field` is the dotted path of the offending value. */
export class ConfigError extends ColonyError {
  override readonly name = 'ConfigError'
  readonly source: string
  readonly field: string | undefined

  constructor(source: string, problem: string, options: { field?: string; hint?: string } = {}) {
    super(`${source}: ${options.field ? `${options.field}: ` : ''}${problem}`, {
      hint: options.hint ?? 'fix colony.json (see docs/config.md for every key and its default)',
    })
    this.source = source
    this.field = options.field
  }
}
