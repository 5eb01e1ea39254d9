import { afterEach, describe, expect, it } from 'vitest'
import { colony } from './support/cli.ts'
import { createRunFixture, startColony, type RunFixture } from './support/run-fixture.ts'
import { steadyScript } from './support/steady-script.ts'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts'

const token = 'hook-secret-4711'

describe('notify.webhook during colony run', () => {
  let fixture: RunFixture | undefined
  let receiver: WebhookReceiver | undefined
  afterEach(async () => {
    await receiver?.close()
    await fixture?.dispose()
  })

  it('tells a person when changes wait for them and when the run ends, once each, through a receiver that fails twice and across a restart', async () => {
    receiver = await startWebhookReceiver({ failFirst: 2 })
    fixture = await createRunFixture(steadyScript({ planner: 50, worker: 50 }), {
      approval: { plan: false, merge: true },
      notify: { webhook: `${receiver.url}/colony`, headers: { Authorization: 'Bearer ${COLONY_TEST_HOOK_TOKEN}' }, dashboard: 'http://127.0.0.1:4317' },
    })
    // A *_TOKEN variable: Colony moves it out of its environment at start and reads it from there.
    const environment = { COLONY_TEST_HOOK_TOKEN: token }
    const root = fixture.root

    const first = startColony(root, ['run', '--goal', 'Implement textkit'], environment)
    const asked = await receiver.waitFor((body) => body.type === 'needs-you')
    expect(asked).toMatchObject({ run: 1, url: 'http://127.0.0.1:4317', event: 'task-awaiting-approval', text: expect.stringContaining(`colony approve ${String(asked.task)}`) as unknown })
    // Stopped while the change waits: the run ends (stopped), and is told.
    first.child.kill('SIGTERM')
    expect(await first.exited, first.output()).toBe(0)
    expect(receiver.delivered().filter((body) => body.type === 'run-ended').map((body) => body.text)).toEqual([expect.stringMatching(/^run 1 stopped: /)])

    // Resumed: what was told is not told again; each change that waits is approved once it is told.
    const second = startColony(root, ['run'], environment)
    let exited = false
    void second.exited.then(() => (exited = true))
    const approved = new Set<number>()
    while (!exited) {
      for (const body of receiver.delivered().filter((candidate) => candidate.type === 'needs-you')) {
        const task = body.task as number
        if (approved.has(task)) continue
        approved.add(task)
        const approval = await colony(root, ['approve', String(task)])
        expect(approval.code, approval.stderr).toBe(0)
      }
      await Promise.race([second.exited, new Promise((resolve) => setTimeout(resolve, 200))])
    }
    expect(await second.exited, second.output()).toBe(0)
    expect(second.stdout()).toContain('run 1 done')

    const delivered = receiver.delivered()
    const eventIds = delivered.map((body) => body.eventId)
    expect(new Set(eventIds).size, JSON.stringify(delivered, null, 1)).toBe(eventIds.length)
    const waited = delivered.filter((body) => body.type === 'needs-you').map((body) => body.task as number)
    const workTasks = await fixture.withStore(async (store) => (await store.listTasks()).filter((task) => task.kind === 'work'))
    expect(waited.sort()).toEqual(workTasks.map((task) => task.id).sort())
    expect(workTasks.every((task) => task.status === 'merged')).toBe(true)
    expect(delivered.filter((body) => body.type === 'run-ended').map((body) => body.text)).toEqual([expect.stringMatching(/^run 1 stopped: /), expect.stringMatching(/^run 1 done: /)])

    // The first notification went out on its third try; the secret reached the receiver and nothing else.
    expect(receiver.requests.slice(0, 3).map((request) => [request.status, request.body.eventId])).toEqual([[503, asked.eventId], [503, asked.eventId], [204, asked.eventId]])
    expect(receiver.requests.every((request) => request.headers.authorization === `Bearer ${token}`)).toBe(true)
    const events = await colony(root, ['events', '--json'])
    expect(events.stdout).toContain('"notification-sent"')
    expect(events.stdout).not.toContain(token)
    expect(`${first.output()}${second.output()}`).not.toContain(token)
  }, 200_000)
})
