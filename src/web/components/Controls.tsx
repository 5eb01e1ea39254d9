import { useState } from 'react'
import type { RunStatus } from '../../store/index.ts'
import type { Act } from '../api.ts'

/**
 * The store's isRunEnded, restated: src/store/index.ts, which exports it, also
 * opens databases (node:sqlite, pg), which a browser bundle cannot hold. Every
 * status is listed, so one added to the store fails this build until it is placed.
 */
const ended: Record<RunStatus, boolean> = { pending: false, running: false, paused: false, stopping: false, done: true, stopped: true, failed: true }

/** Pause, resume, stop and steer: the same as the CLI commands of those names. */
export function Controls({ runStatus, act }: { runStatus: RunStatus | undefined; act: Act }) {
  const [steering, setSteering] = useState('')
  const active = runStatus !== undefined && !ended[runStatus]
  return (
    <section className="controls" aria-label="controls">
      <button type="button" disabled={!active || runStatus === 'paused'} onClick={() => void act((routes) => routes.pause.$post({ json: {} }))}>
        Pause
      </button>
      <button type="button" disabled={runStatus !== 'paused'} onClick={() => void act((routes) => routes.resume.$post({ json: {} }))}>
        Resume
      </button>
      <button
        type="button"
        className="danger"
        disabled={!active || runStatus === 'stopping'}
        onClick={() => confirm('Stop the run? Agents finish their current step; held tasks go back to ready.') && void act((routes) => routes.stop.$post({ json: {} }))}
      >
        Stop
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (!steering.trim()) return
          void act((routes) => routes.steer.$post({ json: { text: steering } })).then(() => setSteering(''))
        }}
      >
        <input aria-label="steer" placeholder="Steer the planners, e.g. keep the public API unchanged" value={steering} onChange={(event) => setSteering(event.target.value)} />
        <button type="submit" disabled={!steering.trim()}>
          Steer
        </button>
      </form>
    </section>
  )
}
