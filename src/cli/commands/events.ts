import { setTimeout as delay } from 'node:timers/promises'
import type { Command } from 'commander'
import { eventToJson, isRunEnded, type ColonyEvent } from '../../store/index.ts'
import { formatEventLine, formatJsonLine } from '../format.ts'
import { withSession } from '../session.ts'
import { parseTaskId, parseWholeNumber } from '../usage-error.ts'

const followIntervalMs = 500

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('the audit trail: every event of the current run, oldest first')
    .option('--follow', 'keep printing new events as they happen, until the run ends (or Ctrl-C)')
    .option('--json', 'one JSON object per line (see docs/cli.md)')
    .option('--task <id>', 'only the events of this task')
    .option('--after <eventId>', 'only events after this event id', '0')
    .action(async (options: { follow?: boolean; json?: boolean; task?: string; after: string }) => {
      const taskId = options.task === undefined ? undefined : parseTaskId(options.task, '--task')
      const after = parseWholeNumber(options.after, '--after', 0, Number.MAX_SAFE_INTEGER, 120)
      const print = (event: ColonyEvent) =>
        process.stdout.write(`${options.json ? formatJsonLine(eventToJson(event)) : formatEventLine(event)}\n`)
      await withSession(process.cwd(), async ({ store, run }) => {
        let afterId = after
        const stop = new AbortController()
        const onSignal = () => stop.abort()
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
        try {
          for (;;) {
            // Read before the events: a run's ending status and its ending event are written together, so a run seen ended here has that event in the read below.
            const ended = options.follow === true && isRunEnded((await store.getRun(run.id)).status)
            const events = await store.listEvents({ runId: run.id, afterId, ...(taskId !== undefined && { taskId }), limit: 1000 })
            for (const event of events) print(event)
            afterId = events.at(-1)?.id ?? afterId
            if (events.length === 1000) continue
            if (!options.follow || ended || stop.signal.aborted) break
            // The delay only rejects when Ctrl-C aborts it, which ends the loop.
            await delay(followIntervalMs, undefined, { signal: stop.signal }).catch(() => undefined)
          }
        } finally {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
        }
      })
    })
}
