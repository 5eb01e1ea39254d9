import type { ColonyEvent } from '../api.ts'

/** The audit trail as it grows, newest first. */
export function EventFeed({ events }: { events: ColonyEvent[] }) {
  return (
    <section className="events" aria-label="events">
      <h2>Events</h2>
      <ol reversed>
        {[...events].reverse().map((event) => (
          <li key={event.id} data-type={event.type}>
            <time>{new Date(event.time).toLocaleTimeString()}</time> <strong>{event.type}</strong>
            {event.taskId !== null && <span className="id"> task {event.taskId}</span>} <span className="data">{summary(event)}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}

function summary(event: ColonyEvent): string {
  // Read through the keys a line shows; data stays the union's, so a renamed key is a compile error where it is used.
  const data: Readonly<Record<string, unknown>> = event.data
  for (const key of ['text', 'title', 'reason', 'summary', 'command', 'tool']) {
    if (typeof data[key] === 'string') return data[key]
  }
  return ''
}
