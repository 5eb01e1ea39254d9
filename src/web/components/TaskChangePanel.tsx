import { useEffect, useState } from 'react'
import { answer, describeProblem, type Act, type Api, type TaskChange, type TaskDetails } from '../api.ts'
import { DiffView } from './DiffView.tsx'

const short = (commit: string) => commit.slice(0, 10)
/** Statuses in which a worker may be changing its worktree: its change is read again as events arrive. */
const working = ['claimed', 'running', 'integrating']

function describeSource(change: TaskChange, task: TaskDetails): string {
  switch (change.source) {
    case 'candidate':
      return task.status === 'awaiting_approval'
        ? `Passed its gate as ${short(change.head ?? '')} on ${short(change.base)}; it lands only when you approve it.`
        : `Approved: ${short(change.head ?? '')} is being landed on the target.`
    case 'merged':
      return task.status === 'reverted' ? `Landed as ${short(change.head ?? '')}, then reverted.` : `Merged as ${short(change.head ?? '')}.`
    case 'worktree':
      return `The worker's files as they are now, against ${short(change.base)}: not gated yet.`
  }
}

/**
 * A task's change in its drawer: what it would land (or landed), file by
 * file, and for a task awaiting approval the decision, taken right here:
 * Approve lands it, Reject sends it back to a worker with the reason.
 */
export function TaskChangePanel({ api, task, act, refreshKey }: { api: Api; task: TaskDetails; act: Act; refreshKey: number }) {
  const [change, setChange] = useState<TaskChange>()
  const [problem, setProblem] = useState<string>()
  const [reason, setReason] = useState('')
  // A worktree changes without an event about it; a commit changes only with the task.
  const readAgain = working.includes(task.status) ? refreshKey : 0

  useEffect(() => {
    let current = true
    answer(api.routes.tasks[':id'].diff.$get({ param: { id: String(task.id) } }))
      .then((answered) => {
        if (!current) return
        setChange(answered)
        setProblem(undefined)
      })
      .catch((error: unknown) => {
        if (!current) return
        setChange(undefined)
        setProblem(describeProblem(error))
      })
    return () => {
      current = false
    }
  }, [api, task.id, task.version, readAgain])

  const id = { param: { id: String(task.id) } }
  return (
    <section className="change" aria-label="change">
      <h3>Change</h3>
      {task.status === 'awaiting_approval' && (
        <div className="decision">
          <button type="button" className="approve" onClick={() => void act((routes) => routes.tasks[':id'].approve.$post({ ...id, json: {} }))}>
            Approve
          </button>
          <input aria-label="reason for rejecting" placeholder="Why reject it? The next attempt is told." value={reason} onChange={(event) => setReason(event.target.value)} />
          <button type="button" className="danger" disabled={!reason.trim()} onClick={() => void act((routes) => routes.tasks[':id'].reject.$post({ ...id, json: { reason: reason.trim() } })).then(() => setReason(''))}>
            Reject
          </button>
        </div>
      )}
      {change && (
        <>
          <p className="meta" data-source={change.source}>
            {describeSource(change, task)}
          </p>
          <DiffView change={change} taskId={task.id} />
        </>
      )}
      {problem && <p className="quiet">{problem}</p>}
    </section>
  )
}
