import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { toGrammarSchema, withoutNullOptionals } from './function-schema.ts'

const readFile = z.toJSONSchema(z.object({ path: z.string().describe('path'), start_line: z.number().int().min(1).optional() }))
const createTasks = z.toJSONSchema(
  z.object({
    tasks: z.array(z.object({ title: z.string().min(1), kind: z.enum(['work', 'plan']).optional(), depends_on: z.array(z.union([z.string(), z.number()])).optional() })).min(1),
  }),
)

describe('toGrammarSchema', () => {
  it("keeps what a grammar can express, and lets an optional property be null (node-llama-cpp asks for every property)", () => {
    expect(toGrammarSchema(readFile as never)).toEqual({
      type: 'object',
      properties: { path: { type: 'string', description: 'path' }, start_line: { oneOf: [{ type: 'integer' }, { type: 'null' }] } },
      additionalProperties: false,
    })
  })

  it('converts nested arrays, enums and unions', () => {
    const grammar = toGrammarSchema(createTasks as never) as unknown as { properties: { tasks: { minItems: number; items: { properties: Record<string, unknown> } } } }
    expect(grammar.properties.tasks.minItems).toBe(1)
    expect(grammar.properties.tasks.items.properties).toEqual({
      title: { type: 'string', minLength: 1 },
      kind: { oneOf: [{ enum: ['work', 'plan'] }, { type: 'null' }] },
      depends_on: { oneOf: [{ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } }, { type: 'null' }] },
    })
  })
})

describe('withoutNullOptionals', () => {
  it('drops the nulls that stand for omitted optional properties, at any depth, and keeps required ones', () => {
    expect(withoutNullOptionals({ path: 'a.ts', start_line: null }, readFile as never)).toEqual({ path: 'a.ts' })
    expect(withoutNullOptionals({ tasks: [{ title: 't', kind: null, depends_on: ['a'] }] }, createTasks as never)).toEqual({ tasks: [{ title: 't', depends_on: ['a'] }] })
    expect(z.object({ path: z.string(), start_line: z.number().optional() }).safeParse(withoutNullOptionals({ path: 'a', start_line: null }, readFile as never)).success).toBe(true)
  })
})
