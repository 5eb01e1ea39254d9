import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { createToolServer, type ToolServerOptions } from './tool-server.ts'

export interface McpBinding {
  /** The URL an agent CLI is given: Colony's tools for one agent, and nobody else's. */
  url: string
  /** Takes the tools off the endpoint (the attempt ended). */
  close(): void
}

export interface McpEndpoint {
  bind(options: ToolServerOptions): Promise<McpBinding>
  close(): Promise<void>
}

function refuse(response: ServerResponse, status: number, message: string) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }))
}

/**
 * One MCP endpoint (streamable HTTP, on 127.0.0.1) for every agent CLI this
 * process runs. Each agent's tools sit behind a path with a random token in it:
 * an agent can reach only the tools bound to its own task. Stateless: each
 * request gets its own server and transport, so a CLI that restarts or resumes
 * a session just calls again. Listens on first use; does not keep Colony alive.
 */
export function createMcpEndpoint(): McpEndpoint {
  const bindings = new Map<string, ToolServerOptions>()
  let listening: Promise<{ server: ReturnType<typeof createServer>; base: string }> | undefined

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const token = /^\/mcp\/([0-9a-f]{64})$/.exec((request.url ?? '').split('?')[0]!)?.[1]
    const binding = token ? bindings.get(token) : undefined
    if (!binding) return refuse(response, 404, 'no Colony agent is bound to this address (its attempt ended, or the address is wrong)')
    const server = createToolServer(binding)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    response.on('close', () => {
      void transport.close()
      void server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(request, response)
  }

  function listen() {
    listening ??= new Promise((resolve, reject) => {
      const server = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          if (!response.headersSent) refuse(response, 500, `Colony's MCP endpoint failed: ${error instanceof Error ? error.message : String(error)}`)
          else response.end()
        })
      })
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        server.unref()
        resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp` })
      })
    })
    return listening
  }

  return {
    async bind(options) {
      const { base } = await listen()
      const token = randomBytes(32).toString('hex')
      bindings.set(token, options)
      return { url: `${base}/${token}`, close: () => void bindings.delete(token) }
    },
    async close() {
      bindings.clear()
      if (!listening) return
      const { server } = await listening
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
