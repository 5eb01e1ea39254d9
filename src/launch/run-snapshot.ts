import type { ColonyEventOf } from '../events/index.ts'
import { createInstanceId, ownerIsGone } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { eventToJson, isRunEnded, taskStatuses, type Run, type Store } from '../store/index.ts'
import { readRunClock } from './run-clock.ts'

/**
 * The processes working on the run: the `colony run` that supervises it and
 * each `colony worker` that joined and has not left, less those known to be
 * dead (same host, pid gone); one on another host is listed until it leaves.
 */
async function runProcesses(store: Store, run: Run) {
  const events = await store.listEvents({ runId: run.id, types: ['run-configured', 'workers-joined', 'workers-left'] })
  const left = new Set(events.filter((event) => event.type === 'workers-left').map((event) => event.data.instance))
  const supervisor = isRunEnded(run.status) ? undefined : events.filter((event) => event.type === 'run-configured').at(-1)
  const asking = createInstanceId()
  const joined = events.filter((event): event is ColonyEventOf<'workers-joined'> => event.type === 'workers-joined' && !left.has(event.data.instance))
  return [...(supervisor ? [supervisor] : []), ...joined]
    .filter((event) => !ownerIsGone(event.data.instance, asking))
    .map((event) => ({
      command: event.type === 'run-configured' ? 'colony run' : 'colony worker',
      instance: event.data.instance,
      workers: event.data.workers,
      since: new Date(event.createdAt).toISOString(),
    }))
}

/**
 * What a person should do when nothing drives the run: one with a goal that
 * is not over (pending, running, paused, stopping) but no live `colony run`
 * (killed, crashed, or never started). `colony worker`s alone do not plan or
 * judge, so they do not count. Undefined while a `colony run` drives it.
 */
function nothingDrivingHint(run: Run, processes: { command: string }[]): string | undefined {
  if (isRunEnded(run.status) || !run.goal || processes.some((process) => process.command === 'colony run')) return undefined
  if (run.status === 'pending') return `run ${run.id} has a goal but has not been started: start it with \`colony run\``
  return `nothing is driving run ${run.id}: it is ${run.status}, but no \`colony run\` is working on it (the last one was killed or crashed); resume it with \`colony run\``
}

/** What `colony status --json` prints and `colony serve` answers at /api/status: the run, its tasks by status, live agents, spend, budget, latest events. */
export async function runSnapshot(store: Store, run: Run, budget: ColonyConfig['budget']) {
  const counts = await store.countTasksByStatus(run.id)
  const agents = await store.listAgents({ runId: run.id })
  const recent = (await store.listEvents({ runId: run.id })).slice(-8)
  const clock = await readRunClock(store, run.id)
  const processes = await runProcesses(store, run)
  const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString())
  return {
    run: {
      id: run.id,
      goal: run.goal,
      status: run.status,
      target: run.target,
      reason: run.reason,
      createdAt: new Date(run.createdAt).toISOString(),
      /** The run's clock (runClock): its latest start by `colony run`, and the end of that session; null when there is none yet. */
      startedAt: iso(clock.startedAt),
      endedAt: iso(clock.endedAt),
    },
    tasks: Object.fromEntries(taskStatuses.map((status) => [status, counts[status] ?? 0])) as Record<(typeof taskStatuses)[number], number>,
    agents: agents
      .filter((agent) => !['stopped', 'finished', 'failed'].includes(agent.status))
      .map((agent) => ({ id: agent.id, role: agent.role, status: agent.status, taskId: agent.taskId, model: agent.model, activity: agent.activity })),
    processes,
    /** What to do when nothing is driving the run (nothingDrivingHint); null while something is, or when the run is over. */
    hint: nothingDrivingHint(run, processes) ?? null,
    usage: await store.usageTotals({ runId: run.id }),
    budget,
    recentEvents: recent.map(eventToJson),
  }
}
