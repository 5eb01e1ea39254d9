import { describeEvent } from '../../events/describe-event.ts'
import { agentName } from '../agent-name.ts'
import type { Agent, ColonyEvent } from '../api.ts'

/** The audit trail as it grows, newest first: each event's task, the agent it came from (by name while it runs), and what it says. */
export function EventFeed({ events, agents }: { events: ColonyEvent[]; agents: readonly Pick<Agent, 'id' | 'role'>[] }) {
  const names = new Map(agents.map((agent) => [agent.id, agentName(agent)]))
  return (
    <section className="events" aria-label="events">
      <h2>Events</h2>
      <ol reversed>
        {[...events].reverse().map((event) => (
          <li key={event.id} data-type={event.type}>
            <time>{new Date(event.time).toLocaleTimeString()}</time> <strong>{event.type}</strong>
            {event.taskId !== null && <span className="id"> task {event.taskId}</span>}
            {event.agentId !== null && <span className="id"> · {names.get(event.agentId) ?? `agent ${event.agentId}`}</span>} <span className="data">{describeEvent(event)}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}
