import { useState } from 'react'
import type { RunStatus } from '../../store/index.ts'
import type { Act } from '../api.ts'

/**
 * The store's isRunEnded, restated: src/store/index.ts, which exports it, also
 * opens databases (node:sqlite, pg), which a browser bundle cannot hold. Every
 * status is listed, so one added to the store fails this build until it is placed.
 */
const ended: Record<RunStatus, boolean> = { pending: false, running: false, paused: false, stopping: false, done: true, stopped: true, failed: true }

/** Why the controls do nothing for a run that has ended, and what to do instead (the server refuses them with the same words). */
function endedReason(status: RunStatus): string {
  return status === 'done'
    ? 'The run is done: there is nothing left to pause, stop or steer. Start another with colony run --goal "…".'
    : `The run is ${status}: there is nothing to pause, stop or steer until it runs again. Resume it with colony run.`
}

/** Pause, resume, stop and steer: the same as the CLI commands of those names; disabled, saying why, once the run has ended. */
export function Controls({ runStatus, act }: { runStatus: RunStatus | undefined; act: Act }) {
  const [steering, setSteering] = useState('')
  const active = runStatus !== undefined && !ended[runStatus]
  const reason = runStatus !== undefined && ended[runStatus] ? endedReason(runStatus) : undefined
  return (
    <section className="controls" aria-label="controls">
      <button type="button" disabled={!active || runStatus === 'paused'} title={reason} onClick={() => void act((routes) => routes.pause.$post({ json: {} }))}>
        Pause
      </button>
      <button type="button" disabled={runStatus !== 'paused'} title={reason} onClick={() => void act((routes) => routes.resume.$post({ json: {} }))}>
        Resume
      </button>
      <button
        type="button"
        className="danger"
        disabled={!active || runStatus === 'stopping'}
        title={reason}
        onClick={() => confirm('Stop the run? Agents finish their current step; held tasks go back to ready.') && void act((routes) => routes.stop.$post({ json: {} }))}
      >
        Stop
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (!steering.trim() || !active) return
          void act((routes) => routes.steer.$post({ json: { text: steering } })).then(() => setSteering(''))
        }}
      >
        <input aria-label="steer" placeholder="Steer the planners, e.g. keep the public API unchanged" value={steering} disabled={!active} title={reason} onChange={(event) => setSteering(event.target.value)} />
        <button type="submit" disabled={!active || !steering.trim()} title={reason}>
          Steer
        </button>
      </form>
      {reason && (
        <p className="reason" data-testid="controls-reason">
          {reason}
        </p>
      )}
    </section>
  )
}
