import { useEffect, useState } from 'react'
import { answer, type Act, type Api, type CommandApproval } from '../api.ts'

/** Commands an agent asked to run that the sandbox policy holds for a person (sandbox.approve). */
export function CommandApprovals({ api, refreshKey, act }: { api: Api; refreshKey: number; act: Act }) {
  const [waiting, setWaiting] = useState<CommandApproval[]>([])
  useEffect(() => {
    void answer(api.routes.approvals.$get()).then((approvals) => setWaiting(approvals.commands))
  }, [api, refreshKey])
  if (waiting.length === 0) return null
  return (
    <section className="commands" aria-label="commands waiting">
      <h2>Commands waiting for you</h2>
      {waiting.map((approval) => (
        <article key={approval.id} className="command" data-testid={`command-${approval.id}`}>
          <code>{approval.subject}</code>
          <p className="meta">
            task {approval.taskId ?? '–'} · rule {typeof approval.detail.rule === 'string' ? approval.detail.rule : ''}
          </p>
          <button type="button" onClick={() => void act((routes) => routes.approvals[':id'].approve.$post({ param: { id: String(approval.id) }, json: {} }))}>
            Approve
          </button>
          <button
            type="button"
            onClick={() => {
              const reason = prompt('Why refuse it? (the agent is told)')
              if (reason?.trim()) void act((routes) => routes.approvals[':id'].reject.$post({ param: { id: String(approval.id) }, json: { reason: reason.trim() } }))
            }}
          >
            Reject
          </button>
        </article>
      ))}
    </section>
  )
}
