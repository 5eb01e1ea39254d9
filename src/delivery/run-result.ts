import type { Run, Store } from '../store/index.ts'

/** A task that landed on the target, with the commit that carries it. */
export interface MergedTask {
  id: number
  title: string
  /** The target's commit carrying `Colony-Task: <id>`; null when the store did not record one. */
  commit: string | null
}

/** The judge's decision at the end of a cycle. */
export interface RunVerdict {
  cycle: number
  decision: 'done' | 'continue' | 'replan'
  reason: string
}

/** What a run produced: its goal, the tasks it merged (oldest first) and the judge's last verdict. */
export interface RunResult {
  run: Run
  tasks: MergedTask[]
  verdict: RunVerdict | undefined
}

export async function readRunResult(store: Store, run: Run): Promise<RunResult> {
  const merged = await store.listTasks({ runId: run.id, statuses: ['merged'] })
  const tasks = merged
    .filter((task) => task.kind === 'work')
    .sort((a, b) => a.id - b.id)
    .map((task) => ({ id: task.id, title: task.title, commit: typeof task.result?.commit === 'string' ? task.result.commit : null }))
  const verdicts = await store.listEvents({ runId: run.id, types: ['verdict'] })
  const last = verdicts.at(-1)
  return { run, tasks, verdict: last && { cycle: last.data.cycle, decision: last.data.decision, reason: last.data.reason } }
}

const titleLength = 72

/**
 * A run named in one line: its goal's first line, cut at a word to at most
 * 72 characters, or "Colony run N" for a run without a goal.
 *
 * @example runTitle({ id: 3, goal: 'Add CSV export to reports\n\nDetails...' }) // 'Add CSV export to reports'
 */
export function runTitle(run: Pick<Run, 'id' | 'goal'>): string {
  const line = run.goal?.trim().split('\n')[0]?.trim().replace(/\s+/g, ' ') ?? ''
  if (line === '') return `Colony run ${run.id}`
  if (line.length <= titleLength) return line
  const cut = line.slice(0, titleLength - 1)
  const atWord = cut.lastIndexOf(' ')
  return `${(atWord > titleLength / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`
}

/** At most `limit` characters of `text`, saying how much was left out. */
export function shortened(text: string, limit: number): string {
  const trimmed = text.trim()
  return trimmed.length <= limit ? trimmed : `${trimmed.slice(0, limit).trimEnd()}\n… (${trimmed.length - limit} more characters)`
}
