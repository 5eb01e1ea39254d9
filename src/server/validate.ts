import type { BlankEnv, MiddlewareHandler } from 'hono/types'
import { validator, type InferInput } from 'hono/validator'
import type { z } from 'zod'
import { InvalidRequestError, UnsupportedMediaTypeError } from './errors.ts'
import { noQuery, type BodySchema } from './request-schemas.ts'

/**
 * What a checked part of the request is to the route's types: `in` is what a
 * client sends (zod's input: the strings of a path or query), `out` what the
 * handler reads. A part with no required field may be left out by the client
 * (`hc`'s `$get()` with no arguments), and a schema with no fields at all
 * (noQuery) takes none.
 */
type Checked<Target extends 'param' | 'query' | 'header', Schema extends z.ZodType> = {
  in: [RequiredKeys<Sent<Target, Schema>>] extends [never] ? { [Part in Target]?: Sent<Target, Schema> } : { [Part in Target]: Sent<Target, Schema> }
  out: { [Part in Target]: z.output<Schema> }
}
type Sent<Target extends 'param' | 'query' | 'header', Schema extends z.ZodType> = string extends keyof z.input<Schema> ? Record<string, never> : InferInput<z.input<Schema>, Target>
type RequiredKeys<Part> = { [Key in keyof Part]-?: Record<never, never> extends Pick<Part, Key> ? never : Key }[keyof Part]
type CheckedPart<Target extends 'param' | 'query' | 'header', Schema extends z.ZodType> = MiddlewareHandler<BlankEnv, string, Checked<Target, Schema>>

// `validator` alone would type what a client sends from what the handler reads (`?after=` as a number);
// the casts below say it with zod's input instead, which is what goes over the wire.

/** Path parameters checked against a zod schema: `context.req.valid('param')` is then typed and parsed. */
export function validParams<Schema extends z.ZodType>(schema: Schema, hint: string) {
  return validator('param', (value) => parsed(schema, value, 'path', hint)) as CheckedPart<'param', Schema>
}

/** The query string checked against a zod schema: `context.req.valid('query')`. */
export function validQuery<Schema extends z.ZodType>(schema: Schema, hint: string) {
  return validator('query', (value) => parsed(schema, value, 'query', hint)) as CheckedPart<'query', Schema>
}

/** Request headers checked against a zod schema over their lower-case names: `context.req.valid('header')`. */
export function validHeaders<Schema extends z.ZodType>(schema: Schema, hint: string) {
  return validator('header', (value) => parsed(schema, value, 'header', hint)) as CheckedPart<'header', Schema>
}

/** For the endpoints that take no query: a typo'd parameter is refused rather than ignored. */
export const noQueryHere = validQuery(noQuery, 'this endpoint takes no query parameters (docs/api.md)')

const jsonMediaType = /^application\/([\w.-]+\+)?json$/i

/**
 * The JSON body checked against a zod schema: `context.req.valid('json')`.
 *
 * Not Hono's `validator('json')`, which reads a body sent with another
 * Content-Type as `{}` (a steer sent as text/plain would be refused as
 * "text is required", hiding the real mistake) and refuses an empty body
 * sent as JSON (`curl -X POST -H 'content-type: application/json' .../pause`).
 * Here an empty body is `{}`, and a non-empty one must be declared JSON.
 * The body-limit middleware has bounded what `text()` reads.
 */
export function validJson<Schema extends z.ZodType>(body: BodySchema<Schema>): MiddlewareHandler<BlankEnv, string, { in: { json: z.input<Schema> }; out: { json: z.output<Schema> } }> {
  const hint = `send ${body.example} (docs/api.md)`
  return async (context, next) => {
    const text = await context.req.text()
    let value: unknown = {}
    if (text.trim() !== '') {
      const contentType = context.req.header('content-type') ?? ''
      if (!jsonMediaType.test(contentType.split(';')[0]!.trim())) throw new UnsupportedMediaTypeError(contentType)
      try {
        value = JSON.parse(text)
      } catch {
        throw new InvalidRequestError('body', 'the body is not valid JSON', hint)
      }
    }
    context.req.addValidatedData('json', parsed(body.schema, value, 'body', hint) as object)
    await next()
  }
}

function parsed<Schema extends z.ZodType>(schema: Schema, value: unknown, part: InvalidRequestError['part'], hint: string): z.output<Schema> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new InvalidRequestError(part, result.error.issues.map((issue) => issue.message).join('; '), hint)
}
