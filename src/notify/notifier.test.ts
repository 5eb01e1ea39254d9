import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTempStore } from '../../test/support/temp-store.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.ts'
import { parseConfig, type NotifySettings } from '../config/index.ts'
import type { Run, Store } from '../store/index.ts'
import { startNotifier, type NotifierOptions } from './index.ts'

const fastRetries = { attempts: 5, firstDelayMs: 10, timeoutMs: 5_000 }

function notifySettings(notify: Record<string, unknown>): NotifySettings {
  return parseConfig(JSON.stringify({ notify })).notify!
}

async function startedRun(store: Store): Promise<Run> {
  const run = await store.createRun({ goal: 'ship it', target: 'colony/main' }, [{ type: 'run-created', data: { target: 'colony/main' } }])
  return store.updateRun(run.id, run.version, { status: 'running' }, [{ type: 'run-started', data: { from: 'pending', instance: 'test' } }])
}

async function awaitingTask(store: Store, runId: number, title: string) {
  const task = await store.createTask({ runId, title, createdBy: 'planner' }, [{ runId, type: 'task-created', data: { title, kind: 'work', status: 'ready', createdBy: 'planner', dependsOn: [] } }])
  return store.updateTask(task.id, task.version, { status: 'awaiting_approval', result: { awaiting: 'merge' } }, [{ runId, taskId: task.id, type: 'task-awaiting-approval', data: { from: 'integrating' } }])
}

async function endRun(store: Store, runId: number, status: 'done' | 'stopped', reason: string) {
  const run = await store.getRun(runId)
  return store.updateRun(runId, run.version, { status, reason }, [{ runId, type: `run-${status}`, data: { from: 'running', reason, cycles: 2 } }])
}

describe('the notifier', () => {
  let store: Store
  let disposeStore: () => Promise<void>
  let receiver: WebhookReceiver | undefined
  let scratch: string
  const warnings: string[] = []

  beforeEach(async () => {
    ;({ store, dispose: disposeStore } = await createTempStore())
    scratch = await mkdtemp(join(tmpdir(), 'colony-notify-'))
    warnings.length = 0
  })
  afterEach(async () => {
    await receiver?.close()
    receiver = undefined
    await disposeStore()
    await rm(scratch, { recursive: true, force: true })
  })

  /** A notifier that runs until everything due is sent, as at the end of a run. */
  async function notifyOnce(options: Partial<NotifierOptions> & Pick<NotifierOptions, 'settings' | 'runId'>): Promise<boolean> {
    const notifier = await startNotifier({ store, budget: {}, retry: fastRetries, intervalMs: 20, warn: (message) => warnings.push(message), environment: {}, ...options })
    await notifier?.stop()
    return notifier !== undefined
  }

  it('posts needs-you, budget and run-ended once each, through a receiver that fails twice, with the secret header, and nothing again after a restart', async () => {
    receiver = await startWebhookReceiver({ failFirst: 2 })
    const run = await startedRun(store)
    const task = await awaitingTask(store, run.id, 'Implement slugify')
    await store.recordUsage({ runId: run.id, model: 'scripted:agent', inputTokens: 1_000, outputTokens: 100, costUsd: 0.85 })
    const options = {
      runId: run.id,
      settings: notifySettings({ webhook: `${receiver.url}/hook`, headers: { Authorization: 'Bearer ${HOOK_TOKEN}' }, dashboard: 'http://127.0.0.1:4317' }),
      budget: { usd: 1 },
      environment: { HOOK_TOKEN: 'sekrit-123' },
    }
    expect(await notifyOnce(options)).toBe(true)
    await endRun(store, run.id, 'done', 'npm test passes')
    // A restarted run: what went out is not sent again; what is new is.
    await notifyOnce(options)
    await notifyOnce(options)

    const delivered = receiver.delivered()
    expect(delivered.map((body) => body.type)).toEqual(['needs-you', 'budget', 'run-ended'])
    expect(delivered[0]).toEqual({
      type: 'needs-you',
      run: run.id,
      task: task.id,
      text: `task ${task.id} "Implement slugify" waits for you to approve its change, which passed its gate, before it lands: colony approve ${task.id} (or colony reject ${task.id} --reason TEXT)`,
      url: 'http://127.0.0.1:4317',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      event: 'task-awaiting-approval',
      eventId: expect.any(Number) as unknown,
    })
    expect(delivered[1]!.text).toBe(`run ${run.id} has used 80% of its budget: spent $0.85 of the $1 budget`)
    expect(delivered[2]!.text).toBe(`run ${run.id} done: npm test passes (2 cycles)`)
    expect(receiver.requests.map((request) => request.status)).toEqual([503, 503, 204, 204, 204])
    expect(receiver.requests.every((request) => request.headers.authorization === 'Bearer sekrit-123')).toBe(true)

    const sent = await store.listEvents({ runId: run.id, types: ['notification-sent'] })
    expect(sent.map((event) => [event.data.source, event.data.kind, event.data.attempts])).toEqual([
      [delivered[0]!.eventId, 'needs-you', 3],
      [delivered[1]!.eventId, 'budget', 1],
      [delivered[2]!.eventId, 'run-ended', 1],
    ])
    expect(await store.listEvents({ runId: run.id, types: ['budget-threshold-reached'] })).toHaveLength(1)
    expect(JSON.stringify(await store.listEvents({ runId: run.id }))).not.toContain('sekrit-123')
    expect(warnings).toEqual([])
  })

  it('gives up after five tries, records why and says so, and does not try again after a restart', async () => {
    receiver = await startWebhookReceiver({ failFirst: 1_000 })
    const run = await startedRun(store)
    await awaitingTask(store, run.id, 'Implement slugify')
    const options = { runId: run.id, settings: notifySettings({ webhook: `${receiver.url}/hook?key=\${HOOK_KEY}` }), environment: { HOOK_KEY: 'k-987' } }
    await notifyOnce(options)
    await notifyOnce(options)
    expect(receiver.requests).toHaveLength(5)
    const failed = await store.listEvents({ runId: run.id, types: ['notification-failed'] })
    expect(failed.map((event) => event.data)).toEqual([expect.objectContaining({ kind: 'needs-you', channel: 'webhook', attempts: 5, error: 'the webhook answered 503 Service Unavailable' })])
    expect(warnings).toEqual([expect.stringContaining('could not send the needs-you notification') as unknown])
    expect(JSON.stringify(await store.listEvents({ runId: run.id }))).not.toContain('k-987')
  })

  it('tells nothing that no longer waits (an approved change, a decided command); a pending command by its approval id, a planned task awaiting approval', async () => {
    receiver = await startWebhookReceiver()
    const run = await startedRun(store)
    const approved = await awaitingTask(store, run.id, 'Approved already')
    await store.updateTask(approved.id, approved.version, { status: 'integrating' }, [{ runId: run.id, taskId: approved.id, type: 'task-integrating', data: { from: 'awaiting_approval', actor: 'person', approved: 'merge' } }])
    const decided = await store.requestApproval({ runId: run.id, kind: 'command', subject: 'npm publish' }, [{ runId: run.id, type: 'command-approval-requested', data: { command: 'npm publish', rule: 'npm publish*' } }])
    await store.decideApproval(decided.id, decided.version, { status: 'rejected', reason: 'not now', decidedBy: 'person' })
    const pending = await store.requestApproval({ runId: run.id, kind: 'command', subject: 'docker push app' }, [{ runId: run.id, type: 'command-approval-requested', data: { command: 'docker push app', rule: 'docker push*' } }])
    // approval.plan: a planned task starts out waiting.
    const planned = await store.createTask({ runId: run.id, title: 'Add truncate', createdBy: 'planner-1', status: 'awaiting_approval' }, [{ runId: run.id, type: 'task-created', data: { title: 'Add truncate', kind: 'work', status: 'awaiting_approval', createdBy: 'planner-1', dependsOn: [] } }])

    await notifyOnce({ runId: run.id, settings: notifySettings({ webhook: receiver.url }) })
    expect(receiver.delivered().map((body) => body.text)).toEqual([
      `an agent asks to run \`docker push app\` (sandbox.approve "docker push*"): colony approve --command ${pending.id} (or colony reject --command ${pending.id} --reason TEXT)`,
      `task ${planned.id} "Add truncate", planned by planner-1, waits for you to approve it before it starts: colony approve ${planned.id} (or colony reject ${planned.id} --reason TEXT)`,
    ])
  })

  it('starts from the previous session of the run: older events are not sent when notify is added later', async () => {
    receiver = await startWebhookReceiver()
    let run = await startedRun(store)
    await awaitingTask(store, run.id, 'From an older session')
    run = await endRun(store, run.id, 'stopped', 'stopped by a person')
    run = await store.updateRun(run.id, run.version, { status: 'running' }, [{ runId: run.id, type: 'run-started', data: { from: 'stopped', instance: 'test-2' } }])
    const recent = await awaitingTask(store, run.id, 'From the previous session')
    await notifyOnce({ runId: run.id, settings: notifySettings({ webhook: receiver.url }) })
    expect(receiver.delivered().map((body) => [body.type, body.task])).toEqual([['needs-you', recent.id]])
  })

  it('shows notifications with notify-send when there is a desktop session, and is off without one', async () => {
    const shown = join(scratch, 'shown.txt')
    await writeFile(join(scratch, 'notify-send'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${shown}'\n`)
    await chmod(join(scratch, 'notify-send'), 0o755)
    const run = await startedRun(store)
    await endRun(store, run.id, 'done', 'all merged')
    const settings = notifySettings({ desktop: true, events: ['run-ended'] })

    expect(await notifyOnce({ runId: run.id, settings, environment: { PATH: scratch } })).toBe(false)
    expect(await notifyOnce({ runId: run.id, settings, environment: { PATH: scratch, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' } })).toBe(true)
    expect((await readFile(shown, 'utf8')).split('\n')).toEqual(['--app-name=Colony', 'Colony: run ended', `run ${run.id} done: all merged (2 cycles)`, ''])
    const sent = await store.listEvents({ runId: run.id, types: ['notification-sent'] })
    expect(sent.map((event) => event.data.channels)).toEqual([['desktop']])
  })

  it('says which variable is missing and sends nothing by webhook', async () => {
    receiver = await startWebhookReceiver()
    const run = await startedRun(store)
    await endRun(store, run.id, 'done', 'all merged')
    expect(await notifyOnce({ runId: run.id, settings: notifySettings({ webhook: receiver.url, headers: { 'X-Hook-Token': '${HOOK_TOKEN}' } }) })).toBe(false)
    expect(warnings).toEqual(['notify in colony.json names ${HOOK_TOKEN}, which is not set in the environment: webhook notifications are off for this run'])
    expect(receiver.requests).toEqual([])
  })
})
