import { useState } from 'react'

type Act = (path: string, body?: Record<string, unknown>) => Promise<void>

/** Pause, resume, stop and steer: the same as the CLI commands of those names. */
export function Controls({ runStatus, act }: { runStatus: string | undefined; act: Act }) {
  const [steering, setSteering] = useState('')
  const active = runStatus !== undefined && !['done', 'stopped', 'failed'].includes(runStatus)
  return (
    <section className="controls" aria-label="controls">
      <button type="button" disabled={!active || runStatus === 'paused'} onClick={() => void act('/pause')}>
        Pause
      </button>
      <button type="button" disabled={runStatus !== 'paused'} onClick={() => void act('/resume')}>
        Resume
      </button>
      <button
        type="button"
        className="danger"
        disabled={!active || runStatus === 'stopping'}
        onClick={() => confirm('Stop the run? Agents finish their current step; held tasks go back to ready.') && void act('/stop')}
      >
        Stop
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (!steering.trim()) return
          void act('/steer', { text: steering }).then(() => setSteering(''))
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
