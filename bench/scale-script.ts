import type { Script, ScriptedReply } from '../src/model/scripted/index.ts'
import { seeded } from './orchestrate-script.ts'

/** What each scale task changes: existing files it edits, and the file it adds. */
export interface ScaleTaskPlan {
  edit: string[]
  add: string
}

/**
 * bench/scale.ts's agents: the root planner splits the goal into areas of at
 * most 250 tasks, each sub-planner creates its area's tasks, and each worker
 * edits its files (a line under each file's first line, through edit_file),
 * adds one file, and finishes; the gate and the landing are Colony's. Every
 * reply waits a seeded random time between `minMs` and `maxMs`.
 */
export function scaleScript(options: { plans: ScaleTaskPlan[]; seed: number; minMs: number; maxMs: number }): Script {
  const tasks = options.plans.length
  const areas = Math.ceil(tasks / 250)
  const perArea = Math.ceil(tasks / areas)
  const wait = (key: string) => Math.round(options.minMs + seeded(options.seed, key) * (options.maxMs - options.minMs))
  const reply = (key: string, name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 3_000, output: 200 }, delayMs: wait(key) })
  return (request) => {
    const key = `${request.role}/${request.task}/${request.turn}`
    if (request.purpose === 'summary') return { text: 'summary' }
    if (request.role === 'judge') return reply(key, 'verdict', { decision: 'done', reason: 'all tasks merged' })
    const body = JSON.stringify(request.body)
    if (request.role === 'planner') {
      if (!body.includes('This is turn 1 on this plan') || request.turn > 1) return reply(key, 'finish', { summary: 'planned' })
      if (request.task === '1') {
        return reply(key, 'create_tasks', { tasks: Array.from({ length: areas }, (_, area) => ({ title: `Area ${area}`, description: `area ${area}`, acceptance: [], kind: 'plan' })) })
      }
      const area = Number(/Area (\d+)/.exec(body)?.[1] ?? 0)
      const first = area * perArea
      return reply(key, 'create_tasks', {
        tasks: options.plans.slice(first, first + perArea).map((plan, index) => ({
          title: `Scale task ${first + index}`,
          description: `edit ${plan.edit.length} files and add ${plan.add}`,
          acceptance: [`test -s ${plan.add}`],
          scope: [...plan.edit, plan.add],
        })),
      })
    }
    const plan = options.plans[Number(/Scale task (\d+)/.exec(body)?.[1] ?? -1)]
    if (!plan) return reply(key, 'finish', { summary: 'no plan for this task' })
    const edit = plan.edit[request.turn - 1]
    if (edit) return reply(key, 'edit_file', { path: edit, old_string: `// ${edit}\n`, new_string: `// ${edit}\n// changed by ${key}\n` })
    if (request.turn === plan.edit.length + 1) return reply(key, 'write_file', { path: plan.add, content: `export const added = ${JSON.stringify(key)}\n` })
    return reply(key, 'finish', { summary: `edited ${plan.edit.length} files, added ${plan.add}` })
  }
}
