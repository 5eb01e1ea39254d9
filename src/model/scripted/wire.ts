import type { ScriptedReply } from './script.ts'

export interface SseEvent {
  event?: string
  data: unknown
}

/** One provider's wire protocol, as the scripted server speaks it. */
export interface Wire {
  /** Path suffix this protocol is served on (after the base URL's /v1). */
  path: string
  describe(body: unknown): { model: string; stream: boolean; turn: number; toolResults: string[] }
  reply(reply: ScriptedReply, context: { model: string; id: number }): unknown
  stream(reply: ScriptedReply, context: { model: string; id: number; includeUsage: boolean }): SseEvent[]
  error(status: number, message: string): unknown
}

export function usageOf(reply: ScriptedReply) {
  return { input: reply.usage?.input ?? 100, output: reply.usage?.output ?? 20, cached: reply.usage?.cached ?? 0 }
}

/** Text of a tool result, whatever shape the protocol gave it. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : JSON.stringify(part))).join('')
  return JSON.stringify(content)
}
