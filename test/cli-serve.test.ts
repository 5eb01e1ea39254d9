import { spawn } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cliEntry, colony, createTempRepository } from './support/cli.ts'

describe('colony serve', () => {
  let repo: { root: string; dispose(): Promise<void> }
  beforeEach(async () => {
    repo = await createTempRepository()
    await colony(repo.root, ['init'])
    await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test'])
  })
  afterEach(() => repo.dispose())

  it('serves the run behind a token, streams events live and resumably, and takes the same controls as the CLI', async () => {
    const server = spawn(process.execPath, [cliEntry, 'serve', '--port', '0'], { cwd: repo.root, env: { ...process.env, COLONY_SERVER_TOKEN: 'test-token' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address in 20 s: ${output}`)), 20_000)
        server.stdout.on('data', () => {
          const match = /API: +(http:\/\/127\.0\.0\.1:\d+\/api)/.exec(output)
          if (!match) return
          clearTimeout(timer)
          resolve(match[1]!)
        })
      })
      expect(output).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\/#token=\$COLONY_SERVER_TOKEN/)
      expect(output).not.toContain('test-token')
      const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: 'Bearer test-token', 'content-type': 'application/json', ...init.headers } })

      const refused = await fetch(`${base}/status`)
      expect(refused.status).toBe(401)
      expect(((await refused.json()) as { hint: string }).hint).toContain('Authorization: Bearer')
      expect((await fetch(`${base}/status`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)

      const status = (await (await api('/status')).json()) as { run: { id: number; status: string }; tasks: Record<string, number> }
      expect(status).toMatchObject({ run: { id: 1, status: 'pending' }, tasks: { ready: 1 } })
      const tasks = (await (await api('/tasks?status=ready')).json()) as { id: number; title: string }[]
      expect(tasks.map((task) => task.title)).toEqual(['Parse dates'])
      const task = (await (await api(`/tasks/${tasks[0]!.id}`)).json()) as { events: { type: string }[] }
      expect(task.events.map((event) => event.type)).toEqual(['task-created'])
      expect((await api('/tasks?status=sleeping')).status).toBe(400)
      expect((await api('/tasks/999')).status).toBe(404)

      // A live stream: what the CLI does in another process arrives as it happens.
      const stream = await fetch(`${base}/events/stream?token=test-token`)
      expect(stream.headers.get('content-type')).toContain('text/event-stream')
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader()
      let streamed = ''
      const waitFor = async (text: string) => {
        const deadline = Date.now() + 20_000
        while (!streamed.includes(text)) {
          if (Date.now() > deadline) throw new Error(`"${text}" not streamed; got: ${streamed.slice(-1_000)}`)
          const { value, done } = await reader.read()
          if (done) throw new Error('the stream ended')
          streamed += value
        }
      }
      await waitFor('"type":"task-created"')
      expect((await colony(repo.root, ['steer', 'Keep the API stable'])).code).toBe(0)
      await waitFor('Keep the API stable')

      // The run has not started: there is nothing to pause, and the refusal records nothing.
      const notStarted = await api('/pause', { method: 'POST' })
      expect(notStarted.status).toBe(409)
      expect(((await notStarted.json()) as { error: string }).error).toContain('not started yet')
      expect(JSON.parse((await colony(repo.root, ['status', '--json'])).stdout)).toMatchObject({ run: { status: 'pending' } })
      expect((await api('/steer', { method: 'POST', body: JSON.stringify({ text: 'Dates first' }) })).status).toBe(200)
      await waitFor('Dates first')
      const steeredMessage = streamed.split('\n\n').find((message) => message.includes('Dates first'))!
      const steeredId = /^id: (\d+)$/m.exec(steeredMessage)?.[1]
      expect(steeredMessage).toMatch(/^event: colony-event$/m)
      await reader.cancel()

      expect((await api('/steer', { method: 'POST', body: JSON.stringify({ text: 'Then the docs' }) })).status).toBe(200)
      const resumed = await fetch(`${base}/events/stream?token=test-token`, { headers: { 'last-event-id': steeredId! } })
      const resumedReader = resumed.body!.pipeThrough(new TextDecoderStream()).getReader()
      let after = ''
      while (!after.includes('Then the docs')) after += (await resumedReader.read()).value ?? ''
      expect(after).not.toContain('Dates first')
      expect(after).not.toContain('task-created')

      const notWaiting = await api(`/tasks/${tasks[0]!.id}/approve`, { method: 'POST' })
      expect(notWaiting.status).toBe(409)
      const emptySteer = await api('/steer', { method: 'POST', body: JSON.stringify({}) })
      expect(emptySteer.status).toBe(400)
      expect(((await emptySteer.json()) as { error: string }).error).toContain('"text" is required')
      const cancelled = (await (await api(`/tasks/${tasks[0]!.id}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'not needed' }) })).json()) as { status: string }
      expect(cancelled.status).toBe('cancelled')
      const audit = JSON.parse(`[${(await colony(repo.root, ['events', '--json'])).stdout.trim().split('\n').join(',')}]`) as { type: string; data: { actor?: string } }[]
      expect(audit.some((event) => event.type === 'run-paused')).toBe(false)
      expect(audit.find((event) => event.type === 'run-steered' && event.data.actor === 'api')).toBeDefined()
      await resumedReader.cancel().catch(() => undefined)
    } finally {
      server.kill('SIGINT')
    }
    expect(await new Promise((resolve) => server.on('exit', resolve))).toBe(0)
  }, 60_000)
})
