import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ScenarioFileError } from './errors.ts'

/** One scripted model reply: text, tool calls, or a provider error. */
export interface ScriptedReply {
  text?: string
  /**
   * `input` as an object is sent as JSON; as a string it is sent verbatim (so a test can send invalid JSON).
   * OpenAI Responses only: `custom` sends a freeform (custom) tool call whose input is the string itself
   * (Codex's apply_patch), and `namespace` calls a tool inside a namespace tool (Codex's `mcp__<server>`).
   */
  toolCalls?: { name: string; input: unknown; custom?: boolean; namespace?: string }[]
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
  toolCalls: z.array(z.strictObject({ name: z.string(), input: z.unknown(), custom: z.boolean().optional(), namespace: z.string().optional() })).optional(),
  usage: z.strictObject({ input: z.number().optional(), output: z.number().optional(), cached: z.number().optional() }).optional(),
  delayMs: z.number().min(0).optional(),
  error: z.strictObject({ status: z.int(), message: z.string().optional(), retryAfterSeconds: z.number().optional() }).optional(),
})

const entrySchema = replySchema.extend({
  role: z.string().optional(),
  task: z.union([z.string(), z.number()]).optional(),
  turn: z.int().min(1).optional(),
  /** `x-colony-purpose`: "summary" answers only the calls that compact a conversation. */
  purpose: z.string().optional(),
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

/** Turns a scenario into a script. Entries without role, task, turn or purpose match any. */
export function scriptFromScenario(scenario: Scenario): Script {
  const used = new Set<number>()
  return (request) => {
    const index = scenario.replies.findIndex(
      (entry, position) =>
        !(entry.once && used.has(position)) &&
        (entry.role === undefined || entry.role === request.role) &&
        (entry.task === undefined || String(entry.task) === request.task) &&
        (entry.turn === undefined || entry.turn === request.turn) &&
        (entry.purpose === undefined || entry.purpose === request.purpose),
    )
    if (index === -1) {
      if (scenario.fallback) return scenario.fallback
      return { error: { status: 500, message: `the scenario has no reply for role ${request.role ?? '(none)'}, task ${request.task ?? '(none)'}, turn ${request.turn}` } }
    }
    used.add(index)
    const { role: _role, task: _task, turn: _turn, purpose: _purpose, once: _once, ...reply } = scenario.replies[index]!
    return reply
  }
}

const scenarioHint = 'write a JSON object such as { "replies": [{ "role": "worker", "text": "Done." }] }; docs/scripted-model.md describes every key'

/**
 * Reads and checks a scenario file. Anything that keeps it from being served
 * (no such file, not JSON, a key or value the schema does not take) is a
 * ScenarioFileError naming the file and, for the shape, each problem's path
 * in it (`replies.2.turn`).
 */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read: ${(error as Error).message}`
    throw new ScenarioFileError(path, problem, 'give --scenario the path of a scenario JSON file (docs/scripted-model.md)')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ScenarioFileError(path, `is not valid JSON: ${(error as Error).message}`, scenarioHint)
  }
  const parsed = scenarioSchema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(the whole file)'}: ${issue.message}`)
    const more = parsed.error.issues.length - issues.length
    throw new ScenarioFileError(path, `is not a scenario: ${issues.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`, scenarioHint)
  }
  return parsed.data
}

export function toolInputText(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input ?? {})
}
