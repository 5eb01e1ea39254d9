import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { configSchema } from '../config/index.ts'
import { checkModels } from './check-model.ts'
import { ModelCheckError } from './errors.ts'
import { parseModelSpec } from './model-spec.ts'

/** An endpoint on 127.0.0.1 that answers every request with `status` and an OpenAI-shaped error, counting them. */
async function answering(status: number, body: unknown): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0
  const server: Server = createServer((request, response) => {
    calls++
    request.resume()
    request.on('end', () => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

describe('checkModels', () => {
  let endpoint: Awaited<ReturnType<typeof answering>> | undefined
  afterEach(async () => endpoint?.close())

  const config = (url: string) => configSchema.parse({ providers: { local: { type: 'openai-compatible', baseURL: url } } })
  const check = (strict = true) => checkModels([{ spec: parseModelSpec('local:m'), user: 'worker', strict }], config(endpoint!.url))

  it('refuses a model the endpoint does not know, with its answer, after a single call', async () => {
    endpoint = await answering(404, { error: { message: 'The model `m` does not exist.', type: 'invalid_request_error', code: 'model_not_found' } })
    const error = await check().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ModelCheckError)
    expect((error as ModelCheckError).message).toBe(`nothing was started: ${endpoint.url} does not know the model of local:m (worker): HTTP 404: The model \`m\` does not exist.`)
    expect((error as ModelCheckError).hint).toBe(`check the model name "m" in colony.json "models" (or --model) against the models ${endpoint.url} serves, and that "providers.local.baseURL" is the API's root (for most servers it ends in /v1)`)
    expect(endpoint.calls()).toBe(1)
  })

  it('refuses an exhausted quota (a 429 that retrying does not cure), but only warns about a rate limit or a failing server', async () => {
    endpoint = await answering(429, { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } })
    await expect(check()).rejects.toThrow(/refused a one-line check of local:m \(worker\): HTTP 429: You exceeded your current quota/)
    await endpoint.close()

    endpoint = await answering(429, { error: { message: 'Rate limit reached for requests', type: 'requests' } })
    expect(await check()).toEqual([`local:m (worker) at ${endpoint.url} answered the check with HTTP 429: Rate limit reached for requests; starting anyway, its calls retry`])
    await endpoint.close()

    endpoint = await answering(503, { error: { message: 'overloaded' } })
    expect(await check()).toEqual([`local:m (worker) at ${endpoint.url} answered the check with HTTP 503: overloaded; starting anyway, its calls retry`])
    expect(endpoint.calls()).toBe(1)
  })

  it('only warns about an endpoint that takes the request and does not answer in time (a local server loading its model)', async () => {
    const held: ServerResponse[] = []
    const silent = createServer((_request, response) => void held.push(response))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`
    try {
      const warnings = await checkModels([{ spec: parseModelSpec('local:m'), user: 'judge', strict: true }], config(url), { timeoutMs: 500 })
      expect(warnings).toEqual([`local:m (judge) at ${url} did not answer within 0.5 s (a local server may still be loading the model); starting anyway, its calls retry`])
    } finally {
      for (const response of held) response.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })

  it('holds an agent CLI\'s model only to reachability and its key: it may speak another of the provider\'s protocols', async () => {
    endpoint = await answering(404, { error: { message: 'no such route' } })
    expect(await check(false)).toHaveLength(1)
    await endpoint.close()
    endpoint = await answering(401, { error: { message: 'bad key' } })
    await expect(check(false)).rejects.toThrow(`${endpoint.url} refused the API key for local:m (worker): HTTP 401: bad key`)
  })
})
