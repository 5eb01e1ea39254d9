import type { z } from 'zod'
import type { Sandbox, SandboxPolicy } from '../../sandbox/index.ts'
import type { Store } from '../../store/index.ts'

/** What a tool may touch: one workspace, one sandbox, the store, and who is calling. */
export interface ToolContext {
  /** The task's worktree: every path is relative to it and confined to it. */
  workspace: string
  /** Trees outside the workspace that file reads may follow symlinks into (workspace.link targets). */
  readableLinks: readonly string[]
  sandbox: Sandbox
  policy: Pick<SandboxPolicy, 'approve' | 'refuse'>
  store: Store
  runId: number
  taskId: number | null
  agentId: number | null
  /** The calling agent's role (worker, planner, judge), kept with what it remembers. */
  role: string
  /** The target commit the workspace was opened at, kept with what the agent remembers. */
  commit: string | null
  /** The longest a command may run, whatever the model asks for. */
  maxCommandSeconds: number
  signal?: AbortSignal
}

/**
 * One agent tool (DESIGN.md, "Agent tool vocabulary"). Its result is text for
 * the model. Its description lives in a .txt beside it (readModelText).
 *
 * Errors follow the error policy (ErrorKind in src/errors): a failure the
 * model can act on (a bad path, a missing file, a refused command, an edit
 * that does not match) is thrown as an error whose message says what to do,
 * and the loop turns it into a tool result. A failure it cannot act on (the
 * task's lease was lost, the store failed) is a ColonyError whose `kind` is
 * 'fatal': the loop ends the attempt with it instead of showing it to the
 * model, as it does with any error once the attempt was cancelled.
 */
export interface AgentTool<Schema extends z.ZodType = z.ZodType> {
  name: string
  description: string
  inputSchema: Schema
  /** Text for the model; `{ output, done: true }` ends the agent's loop (finish, verdict). */
  execute(input: z.infer<Schema>, context: ToolContext): Promise<string | ToolOutcome>
}

export interface ToolOutcome {
  output: string
  done?: boolean
  /** The call did not achieve what it asked (e.g. finish whose change did not land): counts toward a stall. */
  failed?: boolean
}

export function defineTool<Schema extends z.ZodType>(tool: AgentTool<Schema>): AgentTool<Schema> {
  return tool
}

/** Caps text for the model, saying what was left out and how to get it. */
export function capText(text: string, limit: number, howToSeeMore: string): string {
  if (text.length <= limit) return text
  return `${text.slice(0, limit)}\n[... ${text.length - limit} more characters not shown; ${howToSeeMore}]`
}
