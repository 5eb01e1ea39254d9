import type { Memory, MemoryHit } from '../store/index.ts'

const shortCommit = (commit: string) => commit.slice(0, 10)

function when(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** Who wrote a memory and where it was: `note by worker (agent 7) · task 4 · run 2`. */
export function memoryProvenance(memory: Memory): string {
  const named = memory.author && memory.author !== memory.role ? ` (${memory.author})` : ''
  const who = `${memory.role}${memory.agentId !== null ? ` (agent ${memory.agentId})` : named}`
  const parts = [`${memory.standing ? 'standing instruction' : memory.kind} by ${who}`]
  if (memory.taskId !== null) parts.push(`task ${memory.taskId}`)
  if (memory.runId !== null) parts.push(`run ${memory.runId}`)
  parts.push(when(memory.createdAt))
  if (memory.commit) parts.push(`at ${shortCommit(memory.commit)}`)
  return parts.join(' · ')
}

/** What a stale memory says about itself. */
export function staleNotice(memory: Memory): string | undefined {
  if (!memory.stale) return undefined
  return `STALE: ${memory.stale.files.join(', ')} changed on the target at ${shortCommit(memory.stale.commit)} after this was written; check it against the code`
}

/**
 * One memory as agents and people read it: a header with its id and
 * provenance, the files it is about, whether it is stale, then its text
 * (cut at `maxText` characters).
 */
export function describeMemory(memory: Memory | MemoryHit, maxText = 1_200): string {
  const text = memory.text.length > maxText ? `${memory.text.slice(0, maxText)} [... ${memory.text.length - maxText} more characters: recall or \`colony memory show ${memory.id}\`]` : memory.text
  const lines = [`[memory ${memory.id}] ${memoryProvenance(memory)}`]
  if (memory.files.length > 0) lines.push(`about: ${memory.files.join(', ')}`)
  const stale = staleNotice(memory)
  if (stale) lines.push(stale)
  if (memory.forgotten) lines.push(`forgotten by ${memory.forgotten.by} at ${when(memory.forgotten.at)}`)
  lines.push(text)
  return lines.join('\n')
}
