import { useEffect, useState } from 'react'
import { answer, type Api, type TranscriptEntry } from '../api.ts'

/** An agent's conversation as stored: what it was told, what it said and called, and what its tools answered. */
export function Transcript({ api, agentId }: { api: Api; agentId: number }) {
  const [entries, setEntries] = useState<TranscriptEntry[]>()
  useEffect(() => {
    void answer(api.routes.agents[':id'].transcript.$get({ param: { id: String(agentId) } })).then(setEntries)
  }, [api, agentId])
  if (!entries) return <p className="quiet">Loading…</p>
  return (
    <ol className="transcript" aria-label={`transcript of agent ${agentId}`}>
      {entries.map((entry) => (
        <li key={entry.seq} className={`role-${entry.role}`}>
          <span className="role">{entry.role}</span>
          <pre>{render(entry.content)}</pre>
        </li>
      ))}
    </ol>
  )
}

function render(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return JSON.stringify(content, null, 2)
  return content
    .map((part: Record<string, unknown>) => {
      if (part.type === 'text' || part.type === 'reasoning') return String(part.text)
      if (part.type === 'tool-call') return `→ ${String(part.toolName)}(${JSON.stringify(part.input)})`
      if (part.type === 'tool-result') return `← ${String(part.toolName)}: ${outputText(part.output)}`
      return JSON.stringify(part)
    })
    .join('\n')
}

function outputText(output: unknown): string {
  if (output && typeof output === 'object' && 'value' in output) {
    const value = (output).value
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
  return JSON.stringify(output)
}
