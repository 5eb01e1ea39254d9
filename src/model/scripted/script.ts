import { readFile } from 'node:fs/promises'
import { z } from 'zod'

/** One scripted model reply: text, tool calls, or a provider error. */
export interface ScriptedReply {
  text?: string
  /** `input` as an object is sent as JSON; as a string it is sent verbatim (so a test can send invalid JSON). */
  toolCalls?: { name: string; input: unknown }[]
  usage?: { input?: number; output?: number; cached?: number }
  /** Milliseconds to wait before answering (models take time). */
  delayMs?: number
  /** Answer with this HTTP error instead (e.g. 429 with Retry-After). */
  error?: { status: number; message?: string; retryAfterSeconds?: number }
}

/** What the script is asked: who is calling (x-colony-role / x-colony-task headers) and which turn it is. */
export interface ScriptedRequest {
  api: 'openai-chat' | 'openai-responses' | 'anthropic' | 'in-process'
  role: string | undefined
  task: string | undefined
  /** `x-colony-purpose`: "summary" when Colony compacts a conversation. */
  purpose?: string | undefined
  /** 1 + the assistant turns already in the conversation. */
  turn: number
  model: string
  stream: boolean
  /** The tool results the request carries (the last turn's, and earlier ones), as text. */
  toolResults: string[]
  /** The request's size in characters: a stand-in for its token count. */
  characters: number
  body: unknown
}

const replySchema = z.strictObject({
  text: z.string().optional(),
  toolCalls: z.array(z.strictObject({ name: z.string(), input: z.unknown() })).optional(),
  usage: z.strictObject({ input: z.number().optional(), output: z.number().optional(), cached: z.number().optional() }).optional(),
  delayMs: z.number().min(0).optional(),
  error: z.strictObject({ status: z.int(), message: z.string().optional(), retryAfterSeconds: z.number().optional() }).optional(),
})

const entrySchema = replySchema.extend({
  role: z.string().optional(),
  task: z.union([z.string(), z.number()]).optional(),
  turn: z.int().min(1).optional(),
  /** Used once, then skipped (an error followed by the real answer on the retry). */
  once: z.boolean().optional(),
})

/** A scenario file: replies keyed by role, task and turn; the first entry that matches answers. */
export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  replies: z.array(entrySchema),
  /** When nothing matches. Without it, an unmatched request is an error naming what was asked. */
  fallback: replySchema.optional(),
})
export type Scenario = z.infer<typeof scenarioSchema>

export type Script = (request: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>

/** Turns a scenario into a script. Entries without role, task or turn match any. */
export function scriptFromScenario(scenario: Scenario): Script {
  const used = new Set<number>()
  return (request) => {
    const index = scenario.replies.findIndex(
      (entry, position) =>
        !(entry.once && used.has(position)) &&
        (entry.role === undefined || entry.role === request.role) &&
        (entry.task === undefined || String(entry.task) === request.task) &&
        (entry.turn === undefined || entry.turn === request.turn),
    )
    if (index === -1) {
      if (scenario.fallback) return scenario.fallback
      return { error: { status: 500, message: `the scenario has no reply for role ${request.role ?? '(none)'}, task ${request.task ?? '(none)'}, turn ${request.turn}` } }
    }
    used.add(index)
    const { role: _role, task: _task, turn: _turn, once: _once, ...reply } = scenario.replies[index]!
    return reply
  }
}

export async function loadScenario(path: string): Promise<Scenario> {
  const parsed = scenarioSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
  if (!parsed.success) throw new Error(`${path}: not a scenario: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  return parsed.data
}

export function toolInputText(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input ?? {})
}
