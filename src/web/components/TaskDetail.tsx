import { useEffect, useState } from 'react'
import { agentName } from '../agent-name.ts'
import { answer, type Act, type Agent, type Api, type TaskDetails } from '../api.ts'
import { shownReason } from '../task-reason.ts'
import { TaskChangePanel } from './TaskChangePanel.tsx'
import { TaskHistory } from './TaskHistory.tsx'
import { Transcript } from './Transcript.tsx'

/** One task: its contract, its change (with the decision on it when it awaits one), its handoffs, the agents that worked on it with their transcripts, and its history. */
export function TaskDetail({ api, taskId, refreshKey, act, close }: { api: Api; taskId: number; refreshKey: number; act: Act; close: () => void }) {
  const [task, setTask] = useState<TaskDetails>()
  const [agents, setAgents] = useState<Agent[]>([])
  const [shownAgent, setShownAgent] = useState<number>()
  const [problem, setProblem] = useState<string>()

  useEffect(() => {
    let current = true
    Promise.all([answer(api.routes.tasks[':id'].$get({ param: { id: String(taskId) } })), answer(api.routes.agents.$get())])
      .then(([details, all]) => {
        if (!current) return
        setTask(details)
        setAgents(all.filter((agent) => agent.taskId === taskId))
      })
      .catch((error: unknown) => current && setProblem(error instanceof Error ? error.message : String(error)))
    return () => {
      current = false
    }
  }, [api, taskId, refreshKey])

  return (
    <aside className="detail" aria-label={`task ${taskId}`}>
      <button type="button" className="quiet close" onClick={close}>
        Close
      </button>
      {problem && <p className="problem">{problem}</p>}
      {task && (
        <>
          <h2>
            #{task.id} {task.title}
          </h2>
          <p className="meta">
            {task.kind} · {task.status} · attempt {task.attempt} of {task.maxAttempts}
            {task.owner && <> · held by <code title="the process slot holding the task (host:pid:nonce/slot)">{task.owner}</code></>}
          </p>
          {shownReason(task) && <p className="reason">{shownReason(task)}</p>}
          {task.description && <p className="description">{task.description}</p>}
          {task.acceptance.length > 0 && (
            <p>
              acceptance: {task.acceptance.map((command) => <code key={command}>{command}</code>)}
            </p>
          )}
          {task.scope.length > 0 && <p>scope: {task.scope.join(', ')}</p>}
          {task.kind === 'work' && <TaskChangePanel api={api} task={task} act={act} refreshKey={refreshKey} />}
          {task.handoffs.length > 0 && (
            <>
              <h3>Handoffs</h3>
              {task.handoffs.map((handoff) => (
                <blockquote key={handoff.id}>
                  {handoff.summary}
                  {handoff.concerns && <p className="reason">concerns: {handoff.concerns}</p>}
                </blockquote>
              ))}
            </>
          )}
          <h3>Agents</h3>
          {agents.length === 0 && <p className="quiet">None yet.</p>}
          {agents.map((agent) => (
            <div key={agent.id}>
              <button type="button" className="link" onClick={() => setShownAgent(shownAgent === agent.id ? undefined : agent.id)}>
                {agentName(agent)} · {agent.model ?? ''} · {agent.activity ?? agent.status} — {shownAgent === agent.id ? 'hide' : 'show'} transcript
              </button>
              {shownAgent === agent.id && <Transcript api={api} agentId={agent.id} refreshKey={agent.status === 'running' ? refreshKey : 0} />}
            </div>
          ))}
          <h3>History</h3>
          <TaskHistory events={task.events} />
        </>
      )}
    </aside>
  )
}
