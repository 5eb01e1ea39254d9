import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { z } from 'zod'
import { ConfigError } from './errors.ts'
import { configSchema, type ColonyConfig } from './schema.ts'
import { describeUnknownKeys, knownKeysAt } from './unknown-keys.ts'

export const configFileName = 'colony.json'

export const defaultConfig: ColonyConfig = configSchema.parse({})

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[')
}

function describeIssue(issue: z.core.$ZodIssue): { field: string; problem: string } {
  if (issue.code === 'unrecognized_keys') {
    return { field: fieldPath(issue.path) || '(top level)', problem: describeUnknownKeys(issue.keys, knownKeysAt(configSchema, issue.path)) }
  }
  if (issue.path.length === 0 && issue.code === 'invalid_type') return { field: '(top level)', problem: 'the file must hold one JSON object, such as {"workers": 4}' }
  return { field: fieldPath(issue.path) || '(top level)', problem: issue.message.replace(/^Invalid input: /, '') }
}

/** Parses the text of a colony.json; errors name the field (or line and column) and the fix. */
export function parseConfig(text: string, source = configFileName): ColonyConfig {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(message)
    let where = ''
    if (position && !/line \d+/.test(message)) {
      const before = text.slice(0, Number(position[1]))
      const line = before.split('\n').length
      where = ` at line ${line}, column ${Number(position[1]) - before.lastIndexOf('\n')}`
    }
    throw new ConfigError(source, `is not valid JSON${where} (${message})`, { hint: 'colony.json is plain JSON: no comments, no trailing commas' })
  }
  const result = configSchema.safeParse(json)
  if (!result.success) {
    const [first, ...others] = result.error.issues.map(describeIssue)
    const also = others.map((other) => `\n  also ${other.field}: ${other.problem}`).join('')
    throw new ConfigError(source, `${first!.problem}${also}`, { field: first!.field })
  }
  return result.data
}

/** Reads `<root>/colony.json`; a missing file means the defaults. */
export async function loadConfig(root: string): Promise<ColonyConfig> {
  const path = join(root, configFileName)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig
    throw new ConfigError(path, `cannot be read: ${(error as Error).message}`)
  }
  return withModelPathsResolved(parseConfig(text, path), root)
}

/** A llama-cpp provider's "modelPath" is relative to the repository root, or to the home directory with "~/". */
function withModelPathsResolved(config: ColonyConfig, root: string): ColonyConfig {
  const providers = Object.fromEntries(
    Object.entries(config.providers).map(([name, provider]) => {
      const modelPath = provider.modelPath
      if (modelPath === undefined || isAbsolute(modelPath)) return [name, provider]
      return [name, { ...provider, modelPath: modelPath.startsWith('~/') ? join(homedir(), modelPath.slice(2)) : resolve(root, modelPath) }]
    }),
  )
  return { ...config, providers }
}

/** The colony.json `colony init` writes when there is none. */
export function starterConfigText(overrides: { target?: string; checks?: { fast: string[]; full: string[] } } = {}): string {
  const starter = {
    models: { default: 'anthropic:claude-sonnet-4-5' },
    workers: 4,
    target: overrides.target ?? defaultConfig.target,
    checks: { fast: overrides.checks?.fast ?? [], full: overrides.checks?.full ?? [] },
    budget: { usd: 20, hours: 4 },
    approval: { plan: false, merge: false },
    workspace: { setup: [], link: [], copy: [] },
  }
  return `${JSON.stringify(starter, null, 2)}\n`
}

/**
 * What to tell a person whose colony.json has no checks.full, or undefined:
 * nothing checks the target branch after changes land (`colony init` and
 * `colony run` say it).
 */
export function emptyFullChecksWarning(config: Pick<ColonyConfig, 'checks'>): string | undefined {
  if (config.checks.full.length > 0) return undefined
  return 'checks.full in colony.json is empty: nothing tests the target branch after changes land, so two changes that each pass alone but break together stay broken; add your test command, e.g. "checks": { "full": ["npm test"] }'
}
