import type { Writable } from 'node:stream'
import { describeEvent } from '../events/index.ts'
import { taskStatuses, type ColonyEvent, type Store } from '../store/index.ts'
import { terminalText } from '../terminal/index.ts'
import { clockElapsedMs, runClock, runClockEvents } from './run-clock.ts'

export interface LiveViewOptions {
  store: Store
  runId: number
  output: Writable & { isTTY?: boolean; columns?: number }
  budget: { usd?: number | undefined; tokens?: number | undefined; hours?: number | undefined }
  intervalMs?: number
  now?: () => number
}

export interface LiveView {
  /** Draws once now (and prints new events, when not on a terminal). */
  refresh(): Promise<void>
  stop(): Promise<void>
}

// Events a person wants to see scroll by; agent steps and tool calls stay in `colony events`.
const notableTypes = /^(run-|task-(created|claimed|merged|failed|reverted|cancelled|blocked|lease-expired|attempt-failed|awaiting-approval)|merge-conflict|gate-failed|deep-gate|budget-|verdict|judge-|workers-)/

/** Which events scroll by: the notable types, and an agent stopped by its model failing (the endpoint, the key) or by a fatal error. */
function isNotable(event: ColonyEvent): boolean {
  if (event.type === 'agent-stopped') return event.data.reason === 'model-error' || event.data.reason === 'fatal'
  return notableTypes.test(event.type)
}

function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  return `${hours > 0 ? `${hours}h` : ''}${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}m${String(seconds % 60).padStart(2, '0')}s`
}

/** One notable event on one line; its data (titles, reasons, verdicts: text from models) shown by terminalText. */
function eventLine(event: ColonyEvent): string {
  const subject = event.taskId === null ? '' : ` task ${event.taskId}`
  const detail = describeEvent(event)
  return terminalText(`${event.type}${subject}${detail ? `: ${detail}` : ''}`)
}

/**
 * What a person sees while `colony run` is in the foreground: agents and what
 * each is doing, tasks by status, merges, spend against budget and the run's
 * clock (runClock), redrawn in place on a terminal. When stdout is not a
 * terminal (a log, a pipe) it prints plain lines instead, changes only: each
 * notable event, and the status line when the run's status or its tasks
 * change (the clock ticking alone is no change), and once more at the end.
 */
export function createLiveView(options: LiveViewOptions): LiveView {
  const { store, runId, output } = options
  const now = options.now ?? Date.now
  const interactive = output.isTTY === true
  let drawnLines = 0
  let lastEventId = 0
  let lastChange = ''
  let lastPrinted = ''
  let lastDeepGateReport = ''
  const clockEvents: ColonyEvent[] = []
  let timer: NodeJS.Timeout | undefined

  async function snapshot() {
    const run = await store.getRun(runId)
    const counts = await store.countTasksByStatus(runId)
    const agents = (await store.listAgents({ runId })).filter((agent) => !['stopped', 'finished', 'failed'].includes(agent.status))
    const usage = await store.usageTotals({ runId })
    const events = await store.listEvents({ runId, afterId: lastEventId })
    lastEventId = events.at(-1)?.id ?? lastEventId
    clockEvents.push(...events.filter((event) => (runClockEvents as readonly string[]).includes(event.type)))
    return { run, counts, agents, usage, events }
  }

  /** The status, each line one line (the goal and agents' activity are shown by terminalText); `change` leaves out what moves without anything happening: the clock, the spend. */
  function summary(state: Awaited<ReturnType<typeof snapshot>>): { lines: string[]; change: string } {
    const { run, counts, agents, usage } = state
    const elapsed = clockElapsedMs(runClock(clockEvents), now())
    const tasks = taskStatuses.filter((status) => counts[status]).map((status) => `${status} ${counts[status]}`).join(' · ') || 'no tasks yet'
    const spend = [
      `$${usage.costUsd.toFixed(2)}${options.budget.usd !== undefined ? ` of $${options.budget.usd}` : ''}`,
      `${usage.inputTokens + usage.outputTokens} tokens${options.budget.tokens !== undefined ? ` of ${options.budget.tokens}` : ''}`,
      elapsed === undefined ? 'not started' : `${formatDuration(elapsed)}${options.budget.hours !== undefined ? ` of ${options.budget.hours}h` : ''}`,
    ].join(' · ')
    const headline = `colony run ${run.id} — ${run.status}${run.goal ? `: ${run.goal}` : ''}`
    const lines = [
      headline,
      `tasks   ${tasks}`,
      `merged  ${counts.merged ?? 0}    spend ${spend}`,
      ...agents.map((agent) => `  ${agent.role} ${agent.id}${agent.taskId === null ? '' : ` (task ${agent.taskId})`}: ${agent.activity ?? agent.status}`),
      `stop with Ctrl-C or \`colony stop\`; pause with \`colony pause\``,
    ].map((line) => terminalText(line))
    return { lines, change: terminalText(`${headline} | ${tasks}`) }
  }

  function clip(line: string): string {
    const width = output.columns ?? 120
    return line.length > width ? `${line.slice(0, width - 1)}…` : line
  }

  /** The notable events among these, one line each; a deep gate report that says what the last one said (another tip, still red as at the start) is not news. */
  function eventLines(events: readonly ColonyEvent[]): string[] {
    const lines: string[] = []
    for (const event of events) {
      if (!isNotable(event)) continue
      if (event.type === 'deep-gate-report') {
        const said = describeEvent(event)
        if (said === lastDeepGateReport) continue
        lastDeepGateReport = said
      }
      lines.push(eventLine(event))
    }
    return lines
  }

  async function draw(final: boolean) {
    const state = await snapshot()
    const { lines, change } = summary(state)
    const scrolled = eventLines(state.events)
    if (interactive) {
      // Move up over the last drawing, print new events above it, then redraw it.
      const erase = drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[J` : ''
      output.write(`${erase}${[...scrolled.map((line) => `· ${line}`), ...lines].map(clip).join('\n')}\n`)
      drawnLines = lines.length
      return
    }
    for (const line of scrolled) output.write(`${line}\n`)
    const status = lines.slice(0, 3).join(' | ')
    // At the end the spend and the clock have their final say, if the line says anything new.
    if (change !== lastChange || (final && status !== lastPrinted)) {
      output.write(`${status}\n`)
      lastPrinted = status
    }
    lastChange = change
  }

  let refreshing: Promise<void> = Promise.resolve()
  const tick = () => {
    refreshing = refreshing.then(() => draw(false)).catch((error: unknown) => {
      output.write(`(live view could not refresh: ${terminalText(error instanceof Error ? error.message : String(error))})\n`)
    })
  }
  timer = setInterval(tick, options.intervalMs ?? (interactive ? 500 : 2000))
  timer.unref()

  return {
    refresh: () => draw(false),
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await refreshing
      await draw(true)
    },
  }
}
