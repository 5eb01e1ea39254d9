import { describe, expect, it } from 'vitest'
import { toChatHistory } from './chat-history.ts'

describe('toChatHistory', () => {
  it('pairs each tool call with its result and leaves the model response open for the next step', () => {
    const history = toChatHistory([
      { role: 'system', content: 'You are a worker.' },
      { role: 'user', content: [{ type: 'text', text: 'Fix the bug.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Look first.' },
          { type: 'text', text: 'Reading.' },
          { type: 'tool-call', toolCallId: 'a', toolName: 'read_file', input: { path: 'x.ts' } },
          { type: 'tool-call', toolCallId: 'b', toolName: 'search', input: { pattern: 'bug' } },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'b', toolName: 'search', output: { type: 'error-text', value: 'no match' } },
          { type: 'tool-result', toolCallId: 'a', toolName: 'read_file', output: { type: 'text', value: '1 const x = 1' } },
        ],
      },
    ])
    expect(history).toEqual([
      { type: 'system', text: 'You are a worker.' },
      { type: 'user', text: 'Fix the bug.' },
      {
        type: 'model',
        response: [
          { type: 'segment', segmentType: 'thought', text: 'Look first.', ended: true },
          'Reading.',
          { type: 'functionCall', name: 'read_file', params: { path: 'x.ts' }, result: '1 const x = 1' },
          { type: 'functionCall', name: 'search', params: { pattern: 'bug' }, result: { error: 'no match' } },
        ],
      },
    ])
  })

  it('opens an empty model response after a user message, and a new one after a steer between steps', () => {
    const history = toChatHistory([
      { role: 'user', content: [{ type: 'text', text: 'Go.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done?' }] },
      { role: 'user', content: [{ type: 'text', text: 'Reply by calling a tool.' }] },
    ])
    expect(history.map((item) => item.type)).toEqual(['user', 'model', 'user', 'model'])
    expect(history.at(-1)).toEqual({ type: 'model', response: [] })
  })

  it('refuses file parts with an error that names them', () => {
    expect(() => toChatHistory([{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'AAAA' }] }])).toThrow(/file parts \(image\/png\)/)
  })
})
