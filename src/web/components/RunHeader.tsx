import { useEffect, useState } from 'react'
import type { Status } from '../api.ts'

/** Time on the run's clock: minutes and seconds within the first hour, then hours. */
function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`
  return `${(seconds / 3600).toFixed(1)} h`
}

/**
 * The run at a glance. Its time is the run's clock (runClock in src/launch):
 * from the `colony run` that started it, not from `colony init`; it ticks
 * while the run goes on and stands still once it has ended.
 */
export function RunHeader({ status, live }: { status: Status | undefined; live: boolean }) {
  const [now, setNow] = useState(() => Date.now())
  const ticking = status !== undefined && status.run.startedAt !== null && status.run.endedAt === null
  useEffect(() => {
    if (!ticking) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [ticking])
  if (!status) return <header className="run-header">Loading the run…</header>
  const { run, usage, budget } = status
  const tokens = usage.inputTokens + usage.outputTokens
  const elapsed = run.startedAt === null ? undefined : Math.max(0, (run.endedAt === null ? now : Date.parse(run.endedAt)) - Date.parse(run.startedAt))
  return (
    <header className="run-header">
      <h1>
        Run {run.id} <span className={`badge status-${run.status}`} data-testid="run-status">{run.status}</span>
        <span className={`badge ${live ? 'live' : 'offline'}`}>{live ? 'live' : 'reconnecting'}</span>
      </h1>
      <p className="goal">{run.goal ?? 'No goal yet: start one with colony run --goal "…"'}</p>
      {run.reason && <p className="reason">{run.reason}</p>}
      {status.hint && (
        <p className="reason" data-testid="run-hint">
          {status.hint}
        </p>
      )}
      <dl className="spend">
        <dt>target</dt>
        <dd>{run.target}</dd>
        <dt>spent</dt>
        <dd data-testid="spend">
          ${usage.costUsd.toFixed(4)}
          {budget.usd !== undefined && ` of $${budget.usd}`}
        </dd>
        <dt>time</dt>
        <dd data-testid="elapsed" title={run.startedAt === null ? undefined : `started ${new Date(run.startedAt).toLocaleString()}${run.endedAt === null ? '' : `, ended ${new Date(run.endedAt).toLocaleString()}`}`}>
          {elapsed === undefined ? 'not started' : formatElapsed(elapsed)}
          {elapsed !== undefined && budget.hours !== undefined && ` of ${budget.hours} h`}
          {run.endedAt !== null && ' (ended)'}
        </dd>
        <dt>processes</dt>
        <dd data-testid="processes">{status.processes.length === 0 ? 'none' : status.processes.map((process) => `${process.command} (${process.workers} workers)`).join(' · ')}</dd>
        <dt>tokens</dt>
        <dd>
          {tokens.toLocaleString()}
          {budget.tokens !== undefined && ` of ${budget.tokens.toLocaleString()}`} over {usage.calls} calls
        </dd>
      </dl>
    </header>
  )
}
