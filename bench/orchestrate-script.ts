import type { Script, ScriptedReply } from '../src/model/scripted/index.ts'

/** A deterministic pseudo-random number in [0, 1) from a seed and a key (stateless: the same request always waits as long). */
export function seeded(seed: number, key: string): number {
  let hash = seed >>> 0
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 2654435761) >>> 0
  hash = Math.imul(hash ^ (hash >>> 16), 2246822507) >>> 0
  hash = Math.imul(hash ^ (hash >>> 13), 3266489909) >>> 0
  return ((hash ^ (hash >>> 16)) >>> 0) / 4_294_967_296
}

/**
 * The benchmark's agents: the root planner splits the goal into `areas` plan
 * tasks, each sub-planner creates its share of `tasks` work tasks, each worker
 * writes its own file and finishes. Every reply waits a seeded random time
 * between `minMs` and `maxMs`, as model calls do.
 */
export function orchestrateScript(options: { tasks: number; areas: number; seed: number; minMs: number; maxMs: number }): Script {
  const wait = (key: string) => Math.round(options.minMs + seeded(options.seed, key) * (options.maxMs - options.minMs))
  const reply = (key: string, name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 3_000, output: 200 }, delayMs: wait(key) })
  const perArea = Math.ceil(options.tasks / options.areas)
  return (request) => {
    const key = `${request.role}/${request.task}/${request.turn}`
    if (request.purpose === 'summary') return { text: 'summary' }
    if (request.role === 'judge') return reply(key, 'verdict', { decision: 'done', reason: 'all tasks merged' })
    if (request.role === 'planner') {
      const body = JSON.stringify(request.body)
      if (!body.includes('This is turn 1 on this plan') || request.turn > 1) return reply(key, 'finish', { summary: 'planned' })
      if (request.task === '1') {
        return reply(key, 'create_tasks', { tasks: Array.from({ length: options.areas }, (_, area) => ({ title: `Area ${area}`, description: `area ${area}`, acceptance: [], kind: 'plan' })) })
      }
      const area = Number(/Area (\d+)/.exec(body)?.[1] ?? 0)
      const count = Math.min(perArea, options.tasks - area * perArea)
      return reply(key, 'create_tasks', {
        tasks: Array.from({ length: count }, (_, index) => {
          const file = `src/gen/area-${area}/task-${index}.ts`
          return { title: `Area ${area} task ${index}`, description: 'write one file', acceptance: [`test -s ${file}`], scope: [file] }
        }),
      })
    }
    const file = /Scope \(the only paths you may change\): ([^\s"\\]+)/.exec(JSON.stringify(request.body))?.[1]
    if (request.turn === 1) return reply(key, 'write_file', { path: file, content: `export const value = ${JSON.stringify(key)}\n` })
    return reply(key, 'finish', { summary: `wrote ${file}` })
  }
}
