import type { ColonyEvent, Handoff, NewMemory } from '../records.ts'
import type { Database, StoreContext } from './context.ts'
import { insertMemory } from './memory-rows.ts'

/**
 * Memory reads handoffs, verdicts, steering and ended attempts from the
 * records Colony writes anyway, in the same transaction, so every path that
 * writes one feeds memory and there is no second place to keep in step.
 */
export async function feedMemoryFromEvents(context: StoreContext, database: Database, events: readonly ColonyEvent[]): Promise<void> {
  for (const event of events) {
    const memory = await memoryFromEvent(database, event)
    if (memory) await insertMemory(context, database, memory)
  }
}

export async function feedMemoryFromHandoff(context: StoreContext, database: Database, handoff: Handoff): Promise<void> {
  const agent = handoff.agentId === null ? undefined : await database.selectFrom('agents').select('role').where('id', '=', handoff.agentId).executeTakeFirst()
  const files = Array.isArray(handoff.data.files) ? handoff.data.files.filter((file): file is string => typeof file === 'string') : []
  await insertMemory(context, database, {
    kind: 'handoff',
    text: handoff.concerns ? `${handoff.summary}\nConcerns: ${handoff.concerns}` : handoff.summary,
    role: agent?.role ?? 'colony',
    runId: handoff.runId,
    taskId: handoff.taskId,
    agentId: handoff.agentId,
    commit: typeof handoff.data.commit === 'string' ? handoff.data.commit : null,
    files,
    source: `handoff ${handoff.id}`,
  })
}

async function memoryFromEvent(database: Database, event: ColonyEvent): Promise<NewMemory | undefined> {
  const provenance = { runId: event.runId, taskId: event.taskId, agentId: event.agentId, source: `event ${event.id}` }
  switch (event.type) {
    case 'verdict':
      return { kind: 'verdict', role: 'judge', text: `${event.data.decision} (cycle ${event.data.cycle}): ${event.data.reason}`, ...provenance }
    case 'run-steered':
      return { kind: 'steer', role: 'person', author: event.data.actor, text: event.data.text, ...provenance }
    case 'task-attempt-failed':
    case 'task-lease-expired':
      return event.taskId === null ? undefined : failureMemory(database, event.taskId, event.id, event.data, provenance)
    default:
      return undefined
  }
}

const evidenceTypes = ['gate-failed', 'merge-conflict', 'scope-refused', 'diff-refused', 'change-refused', 'integration-error'] as const

/** Why an attempt ended, with what its last integration attempts met: the gate's failing lines, conflicting or refused files. */
async function failureMemory(database: Database, taskId: number, eventId: number, ended: { owner: string | null; attempt: number; reason: string }, provenance: Omit<NewMemory, 'kind' | 'role' | 'text'>): Promise<NewMemory | undefined> {
  const task = await database.selectFrom('tasks').select(['title', 'kind', 'scope']).where('id', '=', taskId).executeTakeFirst()
  if (!task) return undefined
  const claimed = await database.selectFrom('events').select('id').where('task_id', '=', taskId).where('type', '=', 'task-claimed').where('id', '<', eventId).orderBy('id', 'desc').limit(1).executeTakeFirst()
  const evidence = await database
    .selectFrom('events')
    .select(['type', 'data'])
    .where('task_id', '=', taskId)
    .where('type', 'in', [...evidenceTypes])
    .where('id', '>', claimed?.id ?? 0)
    .where('id', '<', eventId)
    .orderBy('id')
    .execute()
  const lines = [`Attempt ${ended.attempt} of task ${taskId} "${task.title}" ended: ${ended.reason}`]
  const files = new Set<string>()
  const lastGate = evidence.filter((row) => row.type === 'gate-failed').at(-1)
  const gateOutput = lastGate && (JSON.parse(lastGate.data) as { output?: unknown }).output
  if (typeof gateOutput === 'string') lines.push(`Its last gate failure:\n${digestOutput(gateOutput)}`)
  for (const row of evidence) {
    const data = JSON.parse(row.data) as { files?: unknown; lines?: number; limit?: number; error?: string }
    const named = Array.isArray(data.files) ? data.files.filter((file): file is string => typeof file === 'string') : []
    for (const file of named) files.add(file)
    if (row.type === 'merge-conflict') lines.push(`Conflicted with the target in: ${named.join(', ')}`)
    if (row.type === 'scope-refused') lines.push(`Refused for changing files outside its scope: ${named.join(', ')}`)
    if (row.type === 'change-refused') lines.push(`Refused for changing files Colony does not land: ${named.join(', ')}`)
    if (row.type === 'diff-refused') lines.push(`Refused for a diff of ${data.lines} lines (limit ${data.limit})`)
    if (row.type === 'integration-error') lines.push(`Integration error: ${data.error ?? ''}`)
  }
  const scope = (JSON.parse(task.scope) as string[]).filter((glob) => !/[*?[{]/.test(glob))
  return {
    kind: 'failure',
    role: task.kind === 'plan' ? 'planner' : 'worker',
    author: ended.owner,
    text: [...new Set(lines)].join('\n'),
    files: files.size > 0 ? [...files] : scope,
    ...provenance,
  }
}

const failureLine = /\b(error|errors|fail|failed|failing|failure|assert\w*|expected|received|exception|traceback|panic|not ok)\b|✗|×|✖/i

/** A test runner's closing tally (`ℹ fail 1`, `# pass 3`): the failing lines say more. */
const summaryCount = /^\s*(ℹ|#)\s*[a-z ]+\s\d+$/i

/** The lines of a check's output that say what failed (each with the next two), else its end; at most `limit` characters. */
export function digestOutput(output: string, limit = 1_500): string {
  // eslint-disable-next-line no-control-regex -- terminal colour codes in a check's output
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((line) => line.trimEnd())
  const keep = new Set<number>()
  lines.forEach((line, index) => {
    if (!failureLine.test(line)) return
    for (let next = index; next <= Math.min(index + 2, lines.length - 1); next++) keep.add(next)
  })
  const meaningful = (line: string) => line.trim().length > 0 && !summaryCount.test(line)
  const chosen = keep.size > 0 ? [...keep].sort((a, b) => a - b).map((index) => lines[index] as string).filter(meaningful) : lines.filter(meaningful).slice(-15)
  const digest = [...new Set(chosen)].join('\n')
  return digest.length <= limit ? digest : `${digest.slice(0, limit)}\n[... ${digest.length - limit} more characters of the digest; the whole output is in the task's gate-failed event]`
}
