import { useCallback, useEffect, useMemo, useState } from 'react'
import { answer, createApi, describeProblem, tokenFromPage, type Act, type ColonyEvent, type Status, type Task } from './api.ts'
import { AgentList } from './components/AgentList.tsx'
import { CommandApprovals } from './components/CommandApprovals.tsx'
import { Controls } from './components/Controls.tsx'
import { EventFeed } from './components/EventFeed.tsx'
import { MemoryPanel } from './components/MemoryPanel.tsx'
import { RunHeader } from './components/RunHeader.tsx'
import { TaskBoard } from './components/TaskBoard.tsx'
import { TaskDetail } from './components/TaskDetail.tsx'

const keptEvents = 300

/**
 * The dashboard: the run at a glance (status, spend against budget, tasks by
 * status, what each agent is doing), the events as they happen, what Colony
 * remembers about the repository, and the same controls as the CLI.
 * Everything comes from `colony serve`'s API; the event stream is what tells
 * it to look again.
 */
export function App() {
  const token = useMemo(tokenFromPage, [])
  const api = useMemo(() => (token ? createApi(token) : undefined), [token])
  const [status, setStatus] = useState<Status>()
  const [tasks, setTasks] = useState<Task[]>([])
  const [events, setEvents] = useState<ColonyEvent[]>([])
  const [problem, setProblem] = useState<string>()
  const [live, setLive] = useState(false)
  const [selected, setSelected] = useState<number>()
  const [refreshKey, setRefreshKey] = useState(0)

  const refresh = useCallback(async () => {
    if (!api) return
    try {
      const [nextStatus, nextTasks] = await Promise.all([answer(api.routes.status.$get()), answer(api.routes.tasks.$get())])
      setStatus(nextStatus)
      setTasks(nextTasks)
      setRefreshKey((key) => key + 1)
      setProblem(undefined)
    } catch (error) {
      setProblem(describeProblem(error))
    }
  }, [api])

  useEffect(() => {
    if (!api) return
    void refresh()
    const stream = api.events(0)
    let pending: ReturnType<typeof setTimeout> | undefined
    stream.onopen = () => setLive(true)
    stream.onerror = () => setLive(false)
    stream.addEventListener('colony-event', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as ColonyEvent
      setEvents((previous) => [...previous.slice(-(keptEvents - 1)), event])
      // Many events can arrive at once: look again once they settle.
      clearTimeout(pending)
      pending = setTimeout(() => void refresh(), 150)
    })
    return () => {
      clearTimeout(pending)
      stream.close()
    }
  }, [api, refresh])

  const act: Act = useCallback(
    async (call) => {
      if (!api) return
      try {
        await answer(call(api.routes))
        setProblem(undefined)
        await refresh()
      } catch (error) {
        setProblem(describeProblem(error))
      }
    },
    [api, refresh],
  )

  if (!token) {
    return (
      <main className="empty">
        <h1>Colony</h1>
        <p>Open the address <code>colony serve</code> printed, with its token: <code>http://127.0.0.1:4317/#token=…</code></p>
      </main>
    )
  }
  return (
    <main>
      <RunHeader status={status} live={live} />
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      <Controls runStatus={status?.run.status} act={act} />
      {api && <CommandApprovals api={api} refreshKey={refreshKey} act={act} />}
      <TaskBoard tasks={tasks} agents={status?.agents ?? []} act={act} select={setSelected} />
      {selected !== undefined && api && <TaskDetail api={api} taskId={selected} refreshKey={refreshKey} act={act} close={() => setSelected(undefined)} />}
      <div className="columns">
        <AgentList agents={status?.agents ?? []} />
        <EventFeed events={events} agents={status?.agents ?? []} />
      </div>
      {api && <MemoryPanel api={api} refreshKey={refreshKey} />}
    </main>
  )
}
