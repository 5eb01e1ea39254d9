import type { BlankEnv, MiddlewareHandler } from 'hono/types'
import { validator } from 'hono/validator'
import type { z } from 'zod'
import { InvalidRequestError, UnsupportedMediaTypeError } from './errors.ts'
import type { BodySchema } from './request-schemas.ts'

/** Path parameters checked against a zod schema: `context.req.valid('param')` is then typed and parsed. */
export function validParams<Schema extends z.ZodType>(schema: Schema, hint: string) {
  return validator('param', (value) => parsed(schema, value, 'path', hint))
}

/** The query string checked against a zod schema: `context.req.valid('query')`. */
export function validQuery<Schema extends z.ZodType>(schema: Schema, hint: string) {
  return validator('query', (value) => parsed(schema, value, 'query', hint))
}

/** Request headers checked against a zod schema over their lower-case names: `context.req.valid('header')`. */
export function validHeaders<Schema extends z.ZodType>(schema: Schema, hint: string) {
  return validator('header', (value) => parsed(schema, value, 'header', hint))
}

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
