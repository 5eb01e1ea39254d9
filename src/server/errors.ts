import { ColonyError } from '../errors/index.ts'

/** A request's path parameter, query or body is not what the endpoint takes. */
export class InvalidRequestError extends ColonyError {
  override readonly name = 'InvalidRequestError'
  override get httpStatus() {
    return 400 as const
  }
  readonly part: 'path' | 'query' | 'body' | 'header'

  constructor(part: InvalidRequestError['part'], message: string, hint: string) {
    super(message, { hint })
    this.part = part
  }
}

/** No token, or not the one `colony serve` printed. */
export class MissingTokenError extends ColonyError {
  override readonly name = 'MissingTokenError'
  override get httpStatus() {
    return 401 as const
  }

  constructor(hint: string) {
    super('missing or wrong token', { hint })
  }
}

export class BodyTooLargeError extends ColonyError {
  override readonly name = 'BodyTooLargeError'
  override get httpStatus() {
    return 413 as const
  }
  readonly limitBytes: number

  constructor(limitBytes: number) {
    super(`the request body is larger than ${limitBytes / 1024} KB`, {
      hint: 'the API takes small JSON bodies: a steering message or a reason of at most a few thousand characters (docs/api.md)',
    })
    this.limitBytes = limitBytes
  }
}

export class UnsupportedMediaTypeError extends ColonyError {
  override readonly name = 'UnsupportedMediaTypeError'
  override get httpStatus() {
    return 415 as const
  }
  readonly contentType: string

  constructor(contentType: string) {
    super(`the body is sent as ${contentType === '' ? 'no Content-Type' : JSON.stringify(contentType.slice(0, 80))}, not JSON`, {
      hint: 'send it with Content-Type: application/json (curl: -H "content-type: application/json")',
    })
    this.contentType = contentType
  }
}

export class EndpointNotFoundError extends ColonyError {
  override readonly name = 'EndpointNotFoundError'
  override get httpStatus() {
    return 404 as const
  }
  readonly method: string
  readonly path: string

  constructor(method: string, path: string) {
    super(`no such endpoint: ${method} ${path.slice(0, 200)}`, { hint: 'the endpoints are listed in docs/api.md' })
    this.method = method
    this.path = path
  }
}

/** The endpoint exists, for other methods. */
export class MethodNotAllowedError extends ColonyError {
  override readonly name = 'MethodNotAllowedError'
  override get httpStatus() {
    return 405 as const
  }
  readonly method: string
  readonly allowed: readonly string[]

  constructor(method: string, path: string, allowed: readonly string[]) {
    super(`${path} does not take ${method}`, { hint: `use ${allowed.map((other) => `${other} ${path}`).join(' or ')} (docs/api.md)` })
    this.method = method
    this.allowed = allowed
  }
}

export class NoRunYetError extends ColonyError {
  override readonly name = 'NoRunYetError'
  override get httpStatus() {
    return 404 as const
  }

  constructor() {
    super('there is no run in this store yet', { hint: 'start one with `colony init` and `colony run --goal "..."`' })
  }
}

/** Listening failed: the address or port cannot be used here. */
export class ListenError extends ColonyError {
  override readonly name = 'ListenError'
  readonly host: string
  readonly port: number
  readonly code: string | undefined

  constructor(host: string, port: number, code: string | undefined, detail: string) {
    const { message, hint } = describeListenFailure(host, port, code, detail)
    super(message, { hint })
    this.host = host
    this.port = port
    this.code = code
  }
}

function describeListenFailure(host: string, port: number, code: string | undefined, detail: string): { message: string; hint: string } {
  const loopbackHint = 'leave out --host to listen on 127.0.0.1 (this machine only), or give an address of one of its network interfaces (0.0.0.0 for all of them)'
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { message: `cannot listen on --host ${host}: no such host name`, hint: loopbackHint }
    case 'EADDRNOTAVAIL':
      return { message: `cannot listen on --host ${host}: the address is not one of this machine's`, hint: loopbackHint }
    case 'EADDRINUSE':
      return { message: `cannot listen on ${host}:${port}: the port is already in use`, hint: 'stop what uses it, or choose another port with --port (--port 0 picks a free one)' }
    case 'EACCES':
      return { message: `cannot listen on ${host}:${port}: permission denied`, hint: 'ports below 1024 need privileges: choose a higher one with --port (the default is 4317)' }
    default:
      return { message: `cannot listen on ${host}:${port}: ${detail}`, hint: loopbackHint }
  }
}
