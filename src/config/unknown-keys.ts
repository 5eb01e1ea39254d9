import type { z } from 'zod'

/** The parts of zod's schema definitions a walk down a colony.json path needs. */
interface SchemaDefinition {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  in?: z.ZodType
  valueType?: z.ZodType
  element?: z.ZodType
  options?: readonly z.ZodType[]
}

function definition(schema: z.ZodType): SchemaDefinition {
  return (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def
}

/** The object schemas `schema` may be once its wrappers (defaults, optionals, unions) are looked through. */
function objectsOf(schema: z.ZodType): z.ZodType[] {
  const def = definition(schema)
  if (def.type === 'object') return [schema]
  if (def.type === 'union') return (def.options ?? []).flatMap(objectsOf)
  const inner = def.innerType ?? def.in
  return inner ? objectsOf(inner) : []
}

/** The schemas a value at `part` inside a value of `schema` may have. */
function childrenOf(schema: z.ZodType, part: PropertyKey): z.ZodType[] {
  const def = definition(schema)
  if (def.type === 'object') return def.shape && typeof part === 'string' && Object.hasOwn(def.shape, part) ? [def.shape[part]!] : []
  if (def.type === 'record') return def.valueType ? [def.valueType] : []
  if (def.type === 'array') return typeof part === 'number' && def.element ? [def.element] : []
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => childrenOf(option, part))
  const inner = def.innerType ?? def.in
  return inner ? childrenOf(inner, part) : []
}

/** The keys an object at `path` in a value of `schema` may have (every branch of a union's). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let schemas = [schema]
  for (const part of path) schemas = schemas.flatMap((candidate) => childrenOf(candidate, part))
  const keys = schemas.flatMap(objectsOf).flatMap((object) => Object.keys(definition(object).shape ?? {}))
  return [...new Set(keys)].filter((key) => key !== '$schema')
}

/** Edits (insert, delete, substitute, swap two neighbours) from one word to the other. */
function editDistance(from: string, to: string): number {
  const rows = Array.from({ length: from.length + 1 }, (_, index) => [index, ...Array<number>(to.length).fill(0)])
  for (let column = 1; column <= to.length; column++) rows[0]![column] = column
  for (let row = 1; row <= from.length; row++) {
    for (let column = 1; column <= to.length; column++) {
      const cost = from[row - 1] === to[column - 1] ? 0 : 1
      let best = Math.min(rows[row - 1]![column]! + 1, rows[row]![column - 1]! + 1, rows[row - 1]![column - 1]! + cost)
      // A swap of two neighbours ("chekcs") is one slip of the fingers, not two.
      if (row > 1 && column > 1 && from[row - 1] === to[column - 2] && from[row - 2] === to[column - 1]) best = Math.min(best, rows[row - 2]![column - 2]! + 1)
      rows[row]![column] = best
    }
  }
  return rows[from.length]![to.length]!
}

/**
 * The known key `typed` was probably meant to be, or undefined when none is
 * close: the same word in other case, or one at most a third of its length
 * of edits away (at least one, at most three).
 *
 * @example
 * closestKey('chekcs', ['checks', 'budget']) // 'checks'
 */
export function closestKey(typed: string, known: readonly string[]): string | undefined {
  const sameWord = known.find((key) => key.toLowerCase() === typed.toLowerCase())
  if (sameWord) return sameWord
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 3)))
  let best: { key: string; distance: number } | undefined
  for (const key of known) {
    const distance = editDistance(typed.toLowerCase(), key.toLowerCase())
    if (distance <= allowed && (!best || distance < best.distance)) best = { key, distance }
  }
  return best?.key
}

/**
 * What an unknown-keys issue says: each key, with the known key it was
 * probably meant to be; with no close one, the keys there are (when few).
 *
 * @example
 * describeUnknownKeys(['chekcs'], ['checks', 'budget']) // 'unknown key "chekcs"; did you mean "checks"?'
 */
export function describeUnknownKeys(keys: readonly string[], known: readonly string[]): string {
  const guesses = keys.map((key) => ({ key, guess: closestKey(key, known) }))
  const listed = known.length > 0 && known.length <= 12 && guesses.every(({ guess }) => guess === undefined) ? `; expected one of ${known.map((key) => `"${key}"`).join(', ')}` : ''
  if (guesses.length === 1) {
    const [{ key, guess }] = guesses as [{ key: string; guess: string | undefined }]
    return `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : listed}`
  }
  return `unknown keys ${guesses.map(({ key, guess }) => `"${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`).join(', ')}${listed}`
}
