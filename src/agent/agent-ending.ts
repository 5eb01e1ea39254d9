import type { ModelMessage } from 'ai'
import { isFatalError } from '../errors/index.ts'
import type { EventData, EventType } from '../events/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import type { Store } from '../store/index.ts'
import type { Spent, StopReason } from './limits.ts'

export type AgentOutcome =
  | { status: 'finished'; output: string; steps: number; spent: Spent }
  | { status: 'stopped'; reason: StopReason; detail: string; steps: number; spent: Spent }

/** Appends one of the agent's events (its run, agent and task filled in). */
export type AgentEvent = <T extends EventType>(type: T, data: EventData<T>) => Promise<unknown>

/** How an agent's loop stops short of finishing, with the stop recorded. */
export interface AgentEnding {
  /** A stopping rule fired (a limit, a stall, a cancel, the model failing): recorded, and the outcome says why. */
  stop: (reason: StopReason, detail: string) => Promise<AgentOutcome>
  /** A tool call whose error the model must not see (the policy on runAgent): the call and the ending are recorded, and the attempt ends. */
  endAttempt: (call: { toolName: string; input: unknown }, error: unknown, assistant: ModelMessage[]) => Promise<AgentOutcome>
}

export interface AgentEndingOptions {
  store: Store
  agentId: number
  event: AgentEvent
  spent: Spent
}

export function createAgentEnding({ store, agentId, event, spent }: AgentEndingOptions): AgentEnding {
  const stop = async (reason: StopReason, detail: string): Promise<AgentOutcome> => {
    await event('agent-stopped', { reason, detail, steps: spent.steps, costUsd: spent.costUsd })
    return { status: 'stopped', reason, detail, steps: spent.steps, spent }
  }

  const endAttempt = async (call: { toolName: string; input: unknown }, error: unknown, assistant: ModelMessage[]): Promise<AgentOutcome> => {
    const detail = redactSecrets(error instanceof Error ? error.message : String(error))
    const fatal = isFatalError(error)
    const record = async () => {
      await store.appendTranscript(agentId, assistant.map((message) => ({ role: message.role, content: message.content })))
      await event('tool-call', { tool: call.toolName, input: call.input, ok: false, output: `Error: ${detail}`.slice(0, 2_000), ...(fatal && { fatal }) })
    }
    if (!fatal) {
      await record()
      return stop('aborted', 'the attempt was cancelled')
    }
    try {
      await record()
      await event('agent-stopped', { reason: 'fatal', detail, error: error.name, steps: spent.steps, costUsd: spent.costUsd })
    } catch {
      // The store is often what failed, so this record may not be writable. Only this copy of the reason
      // is missing: the error thrown below carries it up to the role and the supervisor, which end the
      // attempt with it as they do for any error that ends an attempt (the store's own error says why it failed).
    }
    throw error
  }

  return { stop, endAttempt }
}
