import { useEffect, useState } from 'react'
import { answer, describeProblem, type Api, type TranscriptEntry } from '../api.ts'
import { ToolCall, Value, type ToolOutcome } from './ToolCall.tsx'

/** A message part as the AI SDK stores it: text, reasoning, a tool call, or a tool's result. */
type Part = { type?: unknown; text?: unknown; toolCallId?: unknown; toolName?: unknown; input?: unknown; output?: unknown }

const partsOf = (content: unknown): Part[] => (Array.isArray(content) ? (content as Part[]) : [])

/** A tool result's output (`{ type: 'text' | 'error-text' | 'json' | ..., value }`) as text. */
function outcomeOf(output: unknown): ToolOutcome {
  if (typeof output === 'object' && output !== null && 'value' in output) {
    const { type, value } = output as { type?: unknown; value: unknown }
    return { text: typeof value === 'string' ? value : JSON.stringify(value, null, 2), failed: typeof type === 'string' && type.startsWith('error') }
  }
  return { text: typeof output === 'string' ? output : JSON.stringify(output, null, 2), failed: false }
}

/**
 * An agent's conversation as stored: what it was told (the system prompt
 * folded), what it said, each tool call shown readably with what the tool
 * answered beneath it (ToolCall). Read again at each `refreshKey`, for an
 * agent still at work.
 */
export function Transcript({ api, agentId, refreshKey }: { api: Api; agentId: number; refreshKey: number }) {
  const [entries, setEntries] = useState<TranscriptEntry[]>()
  const [problem, setProblem] = useState<string>()
  useEffect(() => {
    answer(api.routes.agents[':id'].transcript.$get({ param: { id: String(agentId) } }))
      .then(setEntries)
      .catch((error: unknown) => setProblem(describeProblem(error)))
  }, [api, agentId, refreshKey])
  if (problem) return <p className="problem">{problem}</p>
  if (!entries) return <p className="quiet">Loading…</p>

  const outcomes = new Map<unknown, ToolOutcome>()
  const called = new Set<unknown>()
  for (const entry of entries) {
    for (const part of partsOf(entry.content)) {
      if (part.type === 'tool-result') outcomes.set(part.toolCallId, outcomeOf(part.output))
      if (part.type === 'tool-call') called.add(part.toolCallId)
    }
  }
  // A result shows beneath its call; an entry of results all shown there is left out.
  const shown = entries.filter((entry) => typeof entry.content === 'string' || partsOf(entry.content).some((part) => part.type !== 'tool-result' || !called.has(part.toolCallId)))
  return (
    <ol className="transcript" aria-label={`transcript of agent ${agentId}`}>
      {shown.map((entry) => (
        <li key={entry.seq} className={`role-${entry.role}`}>
          <span className="role">{entry.role}</span>
          <Content role={entry.role} content={entry.content} outcomes={outcomes} called={called} />
        </li>
      ))}
    </ol>
  )
}

function Content({ role, content, outcomes, called }: { role: string; content: unknown; outcomes: Map<unknown, ToolOutcome>; called: Set<unknown> }) {
  if (typeof content === 'string') {
    if (role !== 'system') return <pre>{content}</pre>
    return (
      <details>
        <summary>system prompt · {content.split('\n').length} lines</summary>
        <pre>{content}</pre>
      </details>
    )
  }
  if (!Array.isArray(content)) return <Value value={content} />
  return (
    <>
      {partsOf(content).map((part, index) => {
        if ((part.type === 'text' || part.type === 'reasoning') && typeof part.text === 'string') {
          return part.type === 'text' ? (
            <pre key={index}>{part.text}</pre>
          ) : (
            <details key={index}>
              <summary>reasoning</summary>
              <pre>{part.text}</pre>
            </details>
          )
        }
        if (part.type === 'tool-call') return <ToolCall key={index} name={String(part.toolName)} input={part.input} outcome={outcomes.get(part.toolCallId)} />
        if (part.type === 'tool-result') {
          if (called.has(part.toolCallId)) return null
          const outcome = outcomeOf(part.output)
          return (
            <pre key={index} className={outcome.failed ? 'output failed' : 'output'}>
              {String(part.toolName)}: {outcome.text}
            </pre>
          )
        }
        return <Value key={index} value={part} />
      })}
    </>
  )
}
