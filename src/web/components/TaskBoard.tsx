import type { Task } from '../api.ts'

type Act = (path: string, body?: Record<string, unknown>) => Promise<void>

const columns: { title: string; statuses: string[] }[] = [
  { title: 'Waiting', statuses: ['proposed', 'ready', 'blocked'] },
  { title: 'Working', statuses: ['claimed', 'running', 'integrating'] },
  { title: 'Needs you', statuses: ['awaiting_approval'] },
  { title: 'Merged', statuses: ['merged'] },
  { title: 'Stopped', statuses: ['failed', 'cancelled', 'reverted'] },
]
const cancellable = ['proposed', 'ready', 'blocked', 'claimed', 'running', 'awaiting_approval']
const retryable = ['failed', 'reverted', 'blocked']

/** The board by status, with what a person can do to each task. */
export function TaskBoard({ tasks, act, select }: { tasks: Task[]; act: Act; select: (taskId: number) => void }) {
  return (
    <section className="board" aria-label="tasks">
      {columns.map((column) => {
        const inColumn = tasks.filter((task) => column.statuses.includes(task.status))
        return (
          <div className="column" key={column.title}>
            <h2>
              {column.title} <span className="count">{inColumn.length}</span>
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
                  {task.owner && ` · ${task.owner}`}
                </p>
                {task.reason && <p className="reason">{task.reason}</p>}
                <div className="actions">
                  {task.status === 'awaiting_approval' && (
                    <>
                      <button type="button" onClick={() => void act(`/tasks/${task.id}/approve`)}>
                        Approve
                      </button>
                      <button type="button" onClick={() => withReason('Why reject it? (the reason goes to the next attempt)', (reason) => act(`/tasks/${task.id}/reject`, { reason }))}>
                        Reject
                      </button>
                    </>
                  )}
                  {retryable.includes(task.status) && (
                    <button type="button" onClick={() => void act(`/tasks/${task.id}/retry`)}>
                      Retry
                    </button>
                  )}
                  {cancellable.includes(task.status) && (
                    <button type="button" className="quiet" onClick={() => withReason(`Cancel task ${task.id}? Why?`, (reason) => act(`/tasks/${task.id}/cancel`, { reason }))}>
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
