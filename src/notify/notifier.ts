import type { ColonyConfig, NotifySettings } from '../config/index.ts'
import { environmentWithSecrets } from '../secrets/index.ts'
import type { NewEvent, Store } from '../store/index.ts'
import { recordBudgetThresholds } from './budget-threshold.ts'
import { createDesktop } from './desktop.ts'
import { notificationFor, sourceTypes, type SourceEvent } from './notification.ts'
import { defaultRetryPolicy, postWithRetries, resolveWebhook, type RetryPolicy } from './webhook.ts'

export interface NotifierOptions {
  store: Store
  runId: number
  settings: NotifySettings
  budget: ColonyConfig['budget']
  /** Where `${NAME}`s and the desktop session are read; by default the environment with Colony's held credentials. */
  environment?: NodeJS.ProcessEnv
  retry?: RetryPolicy
  /** How often the store is read for new events. */
  intervalMs?: number
  /** What a person is told when a notification cannot go out; by default a `colony: warning:` line on stderr. */
  warn?: (message: string) => void
  now?: () => number
}

export interface Notifier {
  /** Sends what is still due, retries included (bounded), then stops following the run. */
  stop(): Promise<void>
}

const pageSize = 100

/**
 * Follows a run's events in the store, as `colony events --follow` does, and
 * tells a person about the ones colony.json's `notify.events` names: by
 * webhook (POSTed JSON, retried with back-off) and on the desktop. Each
 * event is notified at most once: what went out is recorded as
 * `notification-sent` (or `notification-failed`) naming the event, so a
 * restarted run sends nothing twice. It starts from the run's previous
 * session (its last `run-started`), so what a crashed process had not sent
 * yet goes out now. Undefined when there is nowhere to send to.
 */
export async function startNotifier(options: NotifierOptions): Promise<Notifier | undefined> {
  const { store, runId, settings } = options
  const environment = options.environment ?? environmentWithSecrets()
  const warn = options.warn ?? ((message: string) => process.stderr.write(`colony: warning: ${message}\n`))
  const now = options.now ?? Date.now
  const resolved = resolveWebhook(settings, environment)
  if (resolved && 'problem' in resolved) warn(resolved.problem)
  const webhook = resolved && 'webhook' in resolved ? resolved.webhook : undefined
  // Off without a word when this machine cannot show one (docs/config.md says so): a server has no desktop.
  const desktop = settings.desktop ? createDesktop(environment) : undefined
  if (!webhook && !desktop) return undefined

  const handled = new Set((await store.listEvents({ runId, types: ['notification-sent', 'notification-failed'] })).map((event) => event.data.source))
  let cursor = (await store.listEvents({ runId, types: ['run-started'] })).at(-1)?.id ?? 0
  const types = sourceTypes(settings.events)
  let lastWarning = ''

  async function deliver(event: SourceEvent): Promise<void> {
    const notification = await notificationFor(store, event, settings.dashboard)
    if (!notification) return
    const sent: string[] = []
    const records: NewEvent[] = []
    let attempts = 1
    if (webhook) {
      const delivery = await postWithRetries(webhook, notification, options.retry ?? defaultRetryPolicy)
      attempts = delivery.attempts
      if (delivery.ok) sent.push('webhook')
      else records.push({ runId, taskId: event.taskId, type: 'notification-failed', data: { source: event.id, kind: notification.type, channel: 'webhook', attempts: delivery.attempts, error: delivery.error } })
    }
    if (desktop) {
      const shown = await desktop.show(notification)
      if (shown.ok) sent.push('desktop')
      else records.push({ runId, taskId: event.taskId, type: 'notification-failed', data: { source: event.id, kind: notification.type, channel: 'desktop', attempts: 1, error: shown.error } })
    }
    if (sent.length > 0) records.unshift({ runId, taskId: event.taskId, type: 'notification-sent', data: { source: event.id, kind: notification.type, channels: sent, attempts } })
    await store.appendEvents(records)
    handled.add(event.id)
    for (const record of records) if (record.type === 'notification-failed') warn(`could not send the ${record.data.kind} notification for event ${event.id} by ${record.data.channel}: ${record.data.error}`)
  }

  async function tick(): Promise<void> {
    if (settings.events.includes('budget')) await recordBudgetThresholds(store, await store.getRun(runId), options.budget, now())
    for (;;) {
      const events = await store.listEvents({ runId, afterId: cursor, types, limit: pageSize })
      for (const event of events) {
        if (!handled.has(event.id)) await deliver(event)
        cursor = event.id
      }
      if (events.length < pageSize) return
    }
  }

  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const step = () => {
    running = tick().catch((error: unknown) => {
      // The run goes on without notifications rather than stopping for them; the next step tries again.
      const message = `notifications: ${error instanceof Error ? error.message : String(error)}`
      if (message !== lastWarning) warn(message)
      lastWarning = message
    })
    void running.then(() => {
      if (!stopped) timer = setTimeout(step, options.intervalMs ?? 1_000).unref()
    })
  }
  step()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      // What the run's last moments wrote (its ending above all) goes out before the process leaves.
      step()
      await running
    },
  }
}

/**
 * Runs `work` (a run's supervisor) with a notifier following its run, when
 * colony.json has `notify`; the notifier sends what is due before this
 * returns.
 */
export async function notifyDuring<T>(options: { store: Store; runId: number; config: Pick<ColonyConfig, 'notify' | 'budget'> }, work: () => Promise<T>): Promise<T> {
  const { notify } = options.config
  const notifier = notify ? await startNotifier({ store: options.store, runId: options.runId, settings: notify, budget: options.config.budget }) : undefined
  try {
    return await work()
  } finally {
    await notifier?.stop()
  }
}
