import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { eventToJson, type Store } from '../store/index.ts'

/**
 * The run's events as server-sent events, oldest first, then new ones as any
 * process appends them (the store is polled, as `colony events --follow`
 * does). Each carries its id, so a client that reconnects with Last-Event-ID
 * (browsers do it on their own) misses nothing and sees nothing twice.
 * `after` is the validated Last-Event-ID or `?after=` (0: from the start).
 */
export function streamEvents(context: Context, store: Store, runId: number, after: number, pollMs: number) {
  return streamSSE(context, async (stream) => {
    let afterId = after
    let open = true
    stream.onAbort(() => {
      open = false
    })
    while (open) {
      const events = await store.listEvents({ runId, afterId, limit: 500 })
      for (const event of events) await stream.writeSSE({ id: String(event.id), event: 'colony-event', data: JSON.stringify(eventToJson(event)) })
      afterId = events.at(-1)?.id ?? afterId
      if (events.length === 500) continue
      // A comment line now and then keeps proxies from closing a quiet stream.
      if (events.length === 0) await stream.write(': idle\n\n')
      await stream.sleep(pollMs)
    }
  })
}
