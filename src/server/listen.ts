import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { ListenError } from './errors.ts'

export interface Listening {
  server: ServerType
  /** The address and port actually bound (port 0 picks a free one). */
  address: AddressInfo
  /** `http://host:port`, with an IPv6 address in brackets. */
  origin: string
  /** Only this machine can connect: a 127.x or ::1 address. */
  loopback: boolean
}

/**
 * Serves `fetch` on `host:port`, or fails with a ListenError that says what
 * is wrong with the address (no such host, not this machine's, port taken).
 */
export async function listen(fetch: (request: Request) => Response | Promise<Response>, host: string, port: number): Promise<Listening> {
  const server = serve({ fetch, port, hostname: host })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve)
      server.once('error', reject)
    })
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    throw new ListenError(host, port, code, message)
  }
  const address = server.address() as AddressInfo
  const shownHost = host.includes(':') ? `[${host}]` : host
  return { server, address, origin: `http://${shownHost}:${address.port}`, loopback: isLoopback(address.address) }
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address)
}
