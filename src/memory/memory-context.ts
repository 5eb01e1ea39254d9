import { estimateTokens } from '../agent/index.ts'
import type { Memory, Store, Task } from '../store/index.ts'
import { describeMemory } from './describe-memory.ts'

const preamble =
  'What earlier agents and people recorded that bears on this work, most relevant first (from this run and earlier ones). Each says who wrote it and when; a STALE one is about files that changed since: check it against the code. Use recall to search for more.'

/** The plain paths and directory prefixes of task scopes: `src/**\/*.ts` → `src/`; a glob over everything gives none. */
export function scopePaths(scope: readonly string[]): string[] {
  return scope
    .map((glob) => {
      const wildcard = glob.search(/[*?[{]/)
      if (wildcard === -1) return glob
      const prefix = glob.slice(0, wildcard)
      return prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : ''
    })
    .filter((path) => path.length > 0)
}

/**
 * The memories in order, each once, as many as fit in `tokens` (a memory
 * that does not fit is left for a smaller one after it). People's standing
 * instructions take at most half, so that many of them still leave room for
 * what bears on the work itself.
 */
function fitMemories(standing: readonly Memory[], groups: readonly Memory[][], tokens: number): string {
  if (tokens <= 0) return ''
  const seen = new Set<number>()
  const chosen: string[] = []
  let used = estimateTokens(`# What Colony remembers\n\n${preamble}\n\n`)
  const take = (memories: readonly Memory[], limit: number) => {
    for (const memory of memories) {
      if (seen.has(memory.id)) continue
      const block = describeMemory(memory, 1_000)
      const cost = estimateTokens(`${block}\n\n`)
      if (used + cost > limit) continue
      seen.add(memory.id)
      used += cost
      chosen.push(block)
    }
  }
  take(standing, Math.floor(tokens / 2))
  take(groups.flat(), tokens)
  return chosen.length === 0 ? '' : `# What Colony remembers\n\n${preamble}\n\n${chosen.join('\n\n')}`
}

/**
 * A worker's memory without asking: people's standing instructions, the
 * task's own failed attempts, what was recorded about the files in its
 * scope, then what matches its title, description and scope by words.
 * Empty when memory holds nothing relevant.
 */
export async function memoryForTask(store: Store, task: Task, tokens: number): Promise<string> {
  if (tokens <= 0) return ''
  const paths = scopePaths(task.scope)
  const [standing, failures, aboutScope, matching] = await Promise.all([
    store.listMemories({ standing: true, limit: 20 }),
    store.listMemories({ taskId: task.id, kinds: ['failure'], limit: 10 }),
    paths.length > 0 ? store.listMemories({ files: paths, kinds: ['note', 'handoff', 'failure'], limit: 20 }) : Promise.resolve([]),
    store.recallMemories([task.title, task.description, ...task.scope].join(' '), { kinds: ['note', 'handoff', 'failure', 'verdict'], limit: 20 }),
  ])
  const fresh = (memories: Memory[]) => [...memories.filter((memory) => !memory.stale), ...memories.filter((memory) => memory.stale)]
  return fitMemories(standing, [failures, fresh(aboutScope), matching], tokens)
}

/**
 * A planner's memory without asking: standing instructions, the judge's
 * recent verdicts, recent failures and handoffs that left concerns (in its
 * area, for a sub-planner with a scope), and what matches the goal or area.
 */
export async function memoryForPlanner(store: Store, area: { text: string; scope: readonly string[] }, tokens: number): Promise<string> {
  if (tokens <= 0) return ''
  const paths = scopePaths(area.scope)
  const inArea = paths.length > 0 ? { files: paths } : {}
  const [standing, verdicts, failures, handoffs, matching] = await Promise.all([
    store.listMemories({ standing: true, limit: 20 }),
    store.listMemories({ kinds: ['verdict'], limit: 3 }),
    store.listMemories({ kinds: ['failure'], limit: 8, ...inArea }),
    store.listMemories({ kinds: ['handoff'], limit: 40, ...inArea }),
    store.recallMemories(area.text, { kinds: ['note', 'handoff', 'failure', 'verdict'], limit: 10 }),
  ])
  const concerns = handoffs.filter((handoff) => handoff.text.includes('\nConcerns: ')).slice(0, 8)
  return fitMemories(standing, [verdicts, failures, concerns, matching], tokens)
}
