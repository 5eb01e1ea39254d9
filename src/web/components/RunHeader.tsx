import type { Status } from '../api.ts'

export function RunHeader({ status, live }: { status: Status | undefined; live: boolean }) {
  if (!status) return <header className="run-header">Loading the run…</header>
  const { run, usage, budget } = status
  const tokens = usage.inputTokens + usage.outputTokens
  const hours = (Date.now() - Date.parse(run.createdAt)) / 3_600_000
  return (
    <header className="run-header">
      <h1>
        Run {run.id} <span className={`badge status-${run.status}`} data-testid="run-status">{run.status}</span>
        <span className={`badge ${live ? 'live' : 'offline'}`}>{live ? 'live' : 'reconnecting'}</span>
      </h1>
      <p className="goal">{run.goal ?? 'No goal yet: start one with colony run --goal "…"'}</p>
      {run.reason && <p className="reason">{run.reason}</p>}
      <dl className="spend">
        <dt>target</dt>
        <dd>{run.target}</dd>
        <dt>spent</dt>
        <dd data-testid="spend">
          ${usage.costUsd.toFixed(4)}
          {budget.usd !== undefined && ` of $${budget.usd}`}
        </dd>
        <dt>time</dt>
        <dd>
          {hours < 1 ? `${Math.round(hours * 60)} min` : `${hours.toFixed(1)} h`}
          {budget.hours !== undefined && ` of ${budget.hours} h`}
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
