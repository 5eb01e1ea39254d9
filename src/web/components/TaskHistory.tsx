import { describeEvent } from '../../events/describe-event.ts'
import type { TaskDetails } from '../api.ts'

type TaskEvent = TaskDetails['events'][number]

/** What an event carries that is too long for its line: a failing gate's output, a tool's answer. */
function outputOf(event: TaskEvent): string | undefined {
  const output = 'output' in event.data ? event.data.output : undefined
  return typeof output === 'string' && output.trim() !== '' ? output : undefined
}

/** A task's events, oldest first, each in a line; one with output (a gate that failed, above all) opens to show it. */
export function TaskHistory({ events }: { events: TaskEvent[] }) {
  return (
    <ol className="history">
      {events.map((event) => {
        const output = outputOf(event)
        const line = (
          <>
            <time>{new Date(event.time).toLocaleTimeString()}</time> <strong>{event.type}</strong> <span className="data">{describeEvent(event)}</span>
          </>
        )
        return (
          <li key={event.id} data-type={event.type}>
            {output === undefined ? (
              line
            ) : (
              <details className={event.type === 'gate-failed' ? 'gate-output' : undefined}>
                <summary>{line}</summary>
                <pre className="output">{output}</pre>
              </details>
            )}
          </li>
        )
      })}
    </ol>
  )
}
