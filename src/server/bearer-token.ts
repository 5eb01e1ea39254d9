import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { MissingTokenError } from './errors.ts'

/**
 * Every request must carry the token as `Authorization: Bearer TOKEN`. Only
 * `queryTokenPath` (the event stream: a browser's EventSource cannot send
 * headers) may carry it as `?token=` instead; elsewhere a token in the address
 * would end up in logs and browser history for nothing.
 */
export function requireBearerToken(token: string, queryTokenPath: string): MiddlewareHandler {
  const expected = digest(token)
  return async (context, next) => {
    const header = context.req.header('authorization')
    const fromQuery = context.req.path === queryTokenPath ? context.req.query('token') : undefined
    const given = header === undefined ? fromQuery : /^Bearer +(.*)$/i.exec(header.trim())?.[1]
    // Equal-length digests, compared in constant time: neither the token's length nor its prefix leaks through timing.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new MissingTokenError(
        header !== undefined && !/^Bearer /i.test(header)
          ? 'use the Bearer scheme: Authorization: Bearer TOKEN, with the token `colony serve` printed (or COLONY_SERVER_TOKEN)'
          : 'send Authorization: Bearer TOKEN with the token `colony serve` printed (or COLONY_SERVER_TOKEN); only /api/events/stream also takes ?token=TOKEN',
      )
    }
    await next()
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
