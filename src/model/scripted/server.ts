import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { anthropicWire } from './anthropic-wire.ts'
import { ScriptedServerListenError } from './errors.ts'
import { openAIChatWire } from './openai-chat-wire.ts'
import { openAIResponsesWire } from './openai-responses-wire.ts'
import type { Script, ScriptedReply, ScriptedRequest } from './script.ts'
import type { Wire } from './wire.ts'

const wires: { api: ScriptedRequest['api']; wire: Wire }[] = [
  { api: 'openai-chat', wire: openAIChatWire },
  { api: 'openai-responses', wire: openAIResponsesWire },
  { api: 'anthropic', wire: anthropicWire },
]

export interface ScriptedServer {
  /** Base URL for providers: `http://127.0.0.1:PORT/v1`. */
  url: string
  /** Every request the script answered, in order (for tests to inspect). */
  requests: ScriptedRequest[]
  /** Calls that only checked the endpoint (`x-colony-purpose: check`, made before a run starts): answered without the script. */
  checks: ScriptedRequest[]
  close(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Whether the request carries `key` as an OpenAI bearer token or an Anthropic x-api-key. */
function carriesKey(request: IncomingMessage, key: string): boolean {
  return header(request, 'authorization') === `Bearer ${key}` || header(request, 'x-api-key') === key
}

const checkReply: ScriptedReply = { text: 'OK', usage: { input: 8, output: 1 } }

/**
 * A model server on 127.0.0.1 that speaks OpenAI Chat Completions, OpenAI
 * Responses and Anthropic Messages (each streaming and not), answering from a
 * script keyed by the caller's role and task (headers `x-colony-role`,
 * `x-colony-task`) and the conversation's turn. Colony's real provider code
 * talks to it exactly as to the real services. A call that only checks the
 * endpoint (`x-colony-purpose: check`) gets "OK" without the script, so a
 * script sees only the run's own calls. With `apiKey`, a request without that
 * key is answered 401, as a real service answers a wrong key.
 */
export async function startScriptedServer(options: { script: Script; port?: number; host?: string; apiKey?: string }): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = []
  const checks: ScriptedRequest[] = []
  let nextId = 1

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0]!
    const match = request.method === 'POST' ? wires.find(({ wire }) => path.endsWith(wire.path)) : undefined
    if (!match) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `the scripted model server does not serve ${request.method} ${path}` } }))
      return
    }
    const text = await readBody(request)
    if (options.apiKey !== undefined && !carriesKey(request, options.apiKey)) {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(match.wire.error(401, 'invalid API key (scripted)')))
      return
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(match.wire.error(400, 'the request body is not JSON')))
      return
    }
    const described = match.wire.describe(body)
    const scripted: ScriptedRequest = { api: match.api, role: header(request, 'x-colony-role'), task: header(request, 'x-colony-task'), purpose: header(request, 'x-colony-purpose'), characters: text.length, body, ...described }
    const checking = scripted.purpose === 'check'
    if (checking) checks.push(scripted)
    else requests.push(scripted)
    const reply: ScriptedReply = checking ? checkReply : await options.script(scripted)
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs))
    if (reply.error) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (reply.error.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.error.retryAfterSeconds)
      response.writeHead(reply.error.status, headers).end(JSON.stringify(match.wire.error(reply.error.status, reply.error.message ?? 'scripted error')))
      return
    }
    const context = { model: described.model, id: nextId++ }
    if (!described.stream) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(match.wire.reply(reply, context)))
      return
    }
    const includeUsage = (body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage === true
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    for (const event of match.wire.stream(reply, { ...context, includeUsage })) {
      response.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${typeof event.data === 'string' ? event.data : JSON.stringify(event.data)}\n\n`)
    }
    response.end()
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { message: `scripted server failed: ${(error as Error).message}` } }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ScriptedServerListenError(options.port ?? 0, error.code, error.message)))
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
    requests,
    checks,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
