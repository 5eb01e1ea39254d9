import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  body: Record<string, unknown>
  headers: IncomingHttpHeaders
  /** The status this receiver answered with. */
  status: number
}

export interface WebhookReceiver {
  url: string
  /** Every request, in order, including the ones answered with a failure. */
  requests: ReceivedRequest[]
  /** The bodies of the requests answered 204: what was delivered. */
  delivered(): Record<string, unknown>[]
  /** Resolves with the first delivered body `match` accepts, now or later. */
  waitFor(match: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/**
 * A webhook on 127.0.0.1 (a real HTTP server on a free port) that records
 * every POST; the first `failFirst` requests are answered 503, as a receiver
 * that is briefly down.
 */
export async function startWebhookReceiver(options: { failFirst?: number } = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = []
  const waiters: { match: (body: Record<string, unknown>) => boolean; resolve: (body: Record<string, unknown>) => void }[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const status = requests.length < (options.failFirst ?? 0) ? 503 : 204
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      requests.push({ body, headers: request.headers, status })
      response.writeHead(status).end()
      if (status !== 204) return
      for (const waiter of waiters.filter((candidate) => candidate.match(body))) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(body)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const delivered = () => requests.filter((request) => request.status === 204).map((request) => request.body)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    delivered,
    waitFor: (match) => {
      const found = delivered().find(match)
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }))
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}
