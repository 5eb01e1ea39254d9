import { describeEvent } from '../../events/describe-event.ts'
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
            {event.taskId !== null && <span className="id"> task {event.taskId}</span>} <span className="data">{describeEvent(event)}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}
