// The board's own rules, from the file rather than src/board/index.ts: that index also exports the
// board itself, which reaches the store's databases (node:sqlite, pg). transitions.ts imports only types.
import { canTransition } from '../../board/transitions.ts'
import type { TaskStatus } from '../../store/index.ts'
import { agentName } from '../agent-name.ts'
import type { Act, Agent, Task } from '../api.ts'
import { shownReason } from '../task-reason.ts'

const columns = ['Waiting', 'Working', 'Needs you', 'Merged', 'Stopped'] as const
/** Every status has its column: one added to the store fails this build until it is placed. */
const columnOf: Record<TaskStatus, (typeof columns)[number]> = {
  proposed: 'Waiting',
  ready: 'Waiting',
  blocked: 'Waiting',
  claimed: 'Working',
  running: 'Working',
  integrating: 'Working',
  awaiting_approval: 'Needs you',
  merged: 'Merged',
  failed: 'Stopped',
  cancelled: 'Stopped',
  reverted: 'Stopped',
}
/**
 * What board.retry takes (src/board/board.ts). Not in transitions.ts: a retry is a
 * fresh set of attempts, not a status move, so canTransition cannot say it.
 */
const retryable: readonly TaskStatus[] = ['failed', 'reverted', 'blocked']

/** The board by status, with the agent at work on each task and its current step, and what a person can do to each task. */
export function TaskBoard({ tasks, agents, act, select }: { tasks: Task[]; agents: readonly Pick<Agent, 'id' | 'role' | 'taskId' | 'status' | 'activity'>[]; act: Act; select: (taskId: number) => void }) {
  return (
    <section className="board" aria-label="tasks">
      {columns.map((column) => {
        const inColumn = tasks.filter((task) => columnOf[task.status] === column)
        return (
          <div className="column" key={column}>
            <h2>
              {column} <span className="count">{inColumn.length}</span>
            </h2>
            {inColumn.map((task) => (
              <article className={`task status-${task.status}`} key={task.id} data-testid={`task-${task.id}`}>
                <header>
                  <button type="button" className="link id" onClick={() => select(task.id)} title="details, history, transcripts">
                    #{task.id}
                  </button> {task.kind === 'plan' && <span className="badge">plan</span>} {task.title}
                </header>
                <p className="meta">
                  {task.status}
                  {task.attempt > 1 && ` · attempt ${task.attempt} of ${task.maxAttempts}`}
                </p>
                {agents
                  .filter((agent) => agent.taskId === task.id)
                  .map((agent) => (
                    <p className="doing" key={agent.id}>
                      <strong>{agentName(agent)}</strong> {agent.activity ?? agent.status}
                    </p>
                  ))}
                {shownReason(task) && <p className="reason">{shownReason(task)}</p>}
                <div className="actions">
                  {/* What the controls approve or reject: a plan before work, or a merge after the gate. */}
                  {task.status === 'awaiting_approval' && (
                    <>
                      <button type="button" onClick={() => void act((routes) => routes.tasks[':id'].approve.$post({ param: { id: String(task.id) }, json: {} }))}>
                        Approve
                      </button>
                      <button type="button" onClick={() => withReason('Why reject it? (the reason goes to the next attempt)', (reason) => act((routes) => routes.tasks[':id'].reject.$post({ param: { id: String(task.id) }, json: { reason } })))}>
                        Reject
                      </button>
                    </>
                  )}
                  {retryable.includes(task.status) && (
                    <button type="button" onClick={() => void act((routes) => routes.tasks[':id'].retry.$post({ param: { id: String(task.id) }, json: {} }))}>
                      Retry
                    </button>
                  )}
                  {canTransition(task.status, 'cancelled', task.kind) && (
                    <button type="button" className="quiet" onClick={() => withReason(`Cancel task ${task.id}? Why?`, (reason) => act((routes) => routes.tasks[':id'].cancel.$post({ param: { id: String(task.id) }, json: { reason } })))}>
                      Cancel
                    </button>
                  )}
                </div>
              </article>
            ))}
          </div>
        )
      })}
    </section>
  )
}

function withReason(question: string, then: (reason: string) => Promise<void>) {
  const reason = prompt(question)
  if (reason?.trim()) void then(reason.trim())
}
