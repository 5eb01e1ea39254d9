import { jsonSchema, streamText, tool } from 'ai'
import { describe, expect, it } from 'vitest'
import { scriptedLanguageModel } from './scripted/index.ts'

describe('wholeReplyStream', () => {
  it('streams a whole reply as the AI SDK expects: its text, its tool calls, its finish and usage', async () => {
    const seen: boolean[] = []
    const model = scriptedLanguageModel((request) => {
      seen.push(request.stream)
      return { text: 'Reading it.', toolCalls: [{ name: 'read_file', input: { path: 'a.ts' } }], usage: { input: 120, output: 8 } }
    })
    const result = streamText({ model, prompt: 'go', tools: { read_file: tool({ inputSchema: jsonSchema<{ path: string }>({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }) }) } })
    expect(await result.text).toBe('Reading it.')
    expect((await result.toolCalls).map((call) => [call.toolName, call.input])).toEqual([['read_file', { path: 'a.ts' }]])
    expect(await result.finishReason).toBe('tool-calls')
    expect((await result.usage).inputTokens).toBe(120)
    expect(seen).toEqual([true])
  })
})
