import type { JSONSchema7Definition } from '@ai-sdk/provider'
import type { GbnfJsonSchema } from 'node-llama-cpp'

const basicTypes = new Set(['string', 'number', 'integer', 'boolean', 'null'])
const anyValue: GbnfJsonSchema = { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] }

/**
 * A tool's JSON Schema as the subset node-llama-cpp turns into a grammar, so
 * that a local model's tool arguments are valid JSON of the right shape by
 * construction. Keywords a grammar cannot express (minimum, pattern...) are
 * dropped here and still enforced when the AI SDK validates the call.
 */
export function toGrammarSchema(schema: JSONSchema7Definition): GbnfJsonSchema {
  if (typeof schema === 'boolean') return anyValue
  const description = schema.description === undefined ? {} : { description: schema.description }
  const definitions = { ...schema.definitions, ...(schema as { $defs?: Record<string, JSONSchema7Definition> }).$defs }
  const $defs = Object.keys(definitions).length === 0 ? {} : { $defs: mapValues(definitions, toGrammarSchema) }

  if (schema.$ref !== undefined) return { $ref: schema.$ref.replace('#/definitions/', '#/$defs/'), ...description, ...$defs } as GbnfJsonSchema
  if (schema.const !== undefined) return { const: schema.const as string | number | boolean | null, ...description }
  if (schema.enum !== undefined) return { enum: schema.enum as (string | number | boolean | null)[], ...description }
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives !== undefined) return { oneOf: alternatives.map(toGrammarSchema), ...description, ...$defs } as GbnfJsonSchema

  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.length > 1) return { oneOf: types.map((type) => toGrammarSchema({ ...schema, type })), ...description }
  switch (types[0]) {
    case 'object':
      return {
        type: 'object',
        // node-llama-cpp's grammar asks for every property; an optional one may be null, and withoutNullOptionals drops it again.
        properties: mapValues(schema.properties ?? {}, (property, name) => (schema.required?.includes(name) ? toGrammarSchema(property) : { oneOf: [toGrammarSchema(property), { type: 'null' }] })),
        ...(schema.additionalProperties !== undefined && {
          additionalProperties: typeof schema.additionalProperties === 'boolean' ? schema.additionalProperties : toGrammarSchema(schema.additionalProperties),
        }),
        ...(schema.properties === undefined && schema.additionalProperties === undefined && { additionalProperties: true }),
        ...(schema.minProperties !== undefined && { minProperties: schema.minProperties }),
        ...(schema.maxProperties !== undefined && { maxProperties: schema.maxProperties }),
        ...description,
        ...$defs,
      } as GbnfJsonSchema
    case 'array':
      return {
        type: 'array',
        ...(schema.items !== undefined && !Array.isArray(schema.items) && { items: toGrammarSchema(schema.items) }),
        ...(Array.isArray(schema.items) && { prefixItems: schema.items.map(toGrammarSchema) }),
        ...(schema.minItems !== undefined && { minItems: schema.minItems }),
        ...(schema.maxItems !== undefined && { maxItems: schema.maxItems }),
        ...description,
        ...$defs,
      } as GbnfJsonSchema
    case 'string':
      if (schema.format === 'date-time' || schema.format === 'date' || schema.format === 'time') return { type: 'string', format: schema.format, ...description }
      return {
        type: 'string',
        ...(schema.minLength !== undefined && { minLength: schema.minLength }),
        ...(schema.maxLength !== undefined && { maxLength: schema.maxLength }),
        ...description,
      }
    case undefined:
      return anyValue
    default:
      if (!basicTypes.has(types[0])) return anyValue
      return { type: types[0] as 'number', ...description }
  }
}

/** Arguments as the tool's schema expects them: optional properties the model set to null are left out. */
export function withoutNullOptionals(value: unknown, schema: JSONSchema7Definition): unknown {
  if (typeof schema === 'boolean' || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const items = schema.items
    if (items === undefined) return value
    return value.map((item, index) => withoutNullOptionals(item, Array.isArray(items) ? (items[index] ?? true) : items))
  }
  if (!schema.properties) return value
  const result: Record<string, unknown> = {}
  for (const [name, property] of Object.entries(value)) {
    const propertySchema = schema.properties[name]
    if (propertySchema === undefined) result[name] = property
    else if (property !== null || schema.required?.includes(name)) result[name] = withoutNullOptionals(property, propertySchema)
  }
  return result
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]))
}
