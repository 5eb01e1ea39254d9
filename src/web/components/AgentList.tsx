import { agentName } from '../agent-name.ts'
import type { Status } from '../api.ts'

export function AgentList({ agents }: { agents: Status['agents'] }) {
  return (
    <section className="agents" aria-label="agents">
      <h2>Agents</h2>
      {agents.length === 0 ? (
        <p className="quiet">None running.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>agent</th>
              <th>task</th>
              <th>model</th>
              <th>doing</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.id}>
                <td>{agentName(agent)}</td>
                <td>{agent.taskId ?? '–'}</td>
                <td>{agent.model ?? ''}</td>
                <td>{agent.activity ?? agent.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
