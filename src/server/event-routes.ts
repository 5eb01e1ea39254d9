import { Hono } from 'hono'
import { eventToJson, type Store } from '../store/index.ts'
import { streamEvents } from './event-stream.ts'
import { latestRun } from './latest-run.ts'
import { defaultEventLimit, eventStreamHeaders, eventStreamQuery, eventsQuery } from './request-schemas.ts'
import { validHeaders, validQuery } from './validate.ts'

/**
 * The run's events: a page of them, or all of them as a live stream of
 * server-sent events. The stream is the one path that takes `?token=`
 * (app.ts): a browser's EventSource cannot send headers.
 */
export function createEventRoutes({ store, pollMs }: { store: Store; pollMs: number }) {
  return new Hono()
    .get('/events', validQuery(eventsQuery, 'for example GET /api/events?after=120&limit=500'), async (context) => {
      const { after = 0, limit = defaultEventLimit } = context.req.valid('query')
      return context.json((await store.listEvents({ runId: (await latestRun(store)).id, afterId: after, limit })).map(eventToJson))
    })
    .get(
      '/events/stream',
      validQuery(eventStreamQuery, 'for example GET /api/events/stream?after=120'),
      validHeaders(eventStreamHeaders, 'send the id of the last event received, or leave Last-Event-ID out to start from the first event'),
      async (context) => {
        // A browser reconnecting says where it stopped in Last-Event-ID, over the ?after= it first opened with.
        const after = context.req.valid('header')['last-event-id'] ?? context.req.valid('query').after ?? 0
        return streamEvents(context, store, (await latestRun(store)).id, after, pollMs)
      },
    )
}
