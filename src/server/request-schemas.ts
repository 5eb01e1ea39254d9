import { z } from 'zod'
import { messageLimits, scopeProblem, textProblem } from '../board/index.ts'
import { memoryKinds, taskStatuses } from '../store/index.ts'

/** The largest request body the API reads (docs/api.md): controls carry a sentence or two, not files. */
export const maxBodyBytes = 64 * 1024
/** Ids are PostgreSQL `integer`s: anything larger names nothing. */
const maxId = 2_147_483_647
export const defaultEventLimit = 1_000
export const maxEventLimit = 5_000
export const defaultMemoryLimit = 50
const maxMemoryLimit = 500
/** What one memory may be about: enough for a module, not a whole tree file by file (a directory ends in `/`). */
const maxMemoryFiles = 50
/** A search is a few words, not a document. */
const maxSearchLength = 1_000
/** A task's patch in GET /api/tasks/ID/diff: beyond this a page cannot show it usefully (`colony diff` prints it whole). */
export const maxPatchCharacters = 1_000_000

/** An input echoed back in an error, cut short: the person needs to recognise it, not to read it all again. */
function quoted(input: unknown): string {
  const text = typeof input === 'string' ? input : JSON.stringify(input) ?? String(input)
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)
}

/** A whole number written in plain decimal digits, from `minimum` to `maximum`: not "1e3", "1.5", "-1", "07" or " 7". */
function wholeNumber(what: string, minimum: number, maximum: number) {
  return z
    .string({ error: (issue) => `${what} must be given once, got ${quoted(issue.input)}` })
    .refine((text) => /^(0|[1-9]\d{0,9})$/.test(text) && Number(text) >= minimum && Number(text) <= maximum, {
      error: (issue) => `${what} must be a whole number from ${minimum} to ${maximum}, got ${quoted(issue.input)}`,
    })
    .transform(Number)
}

export const idParam = (what: string) => z.object({ id: wholeNumber(`the ${what} id`, 1, maxId) })

/** Query strings: a parameter this API does not know is a mistake worth naming (a typo'd `limt` would otherwise be ignored). */
function query<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown query parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quoted).join(', ')}` : undefined),
  })
}

export const noQuery = query({})
export const tasksQuery = query({
  status: z.enum(taskStatuses, { error: (issue) => `status must be one of ${taskStatuses.join(', ')}, got ${quoted(issue.input)}` }).optional(),
})
const afterId = wholeNumber('after (an event id)', 0, maxId)
export const eventsQuery = query({
  after: afterId.optional(),
  limit: wholeNumber('limit', 1, maxEventLimit).optional(),
})
export const eventStreamQuery = query({
  after: afterId.optional(),
  // Read by the token check: a browser's EventSource cannot send headers.
  token: z.string({ error: 'token must be given once' }).optional(),
})
/** Headers are many and free-form: only the one this API reads is checked. */
export const eventStreamHeaders = z.object({ 'last-event-id': wholeNumber('Last-Event-ID (an event id)', 0, maxId).optional() })

/**
 * A path a memory is about, as a task's scope names one (relative, inside the
 * repository, not `.git`), but no glob: memory matches files and the
 * directories holding them, so a `*` would match nothing.
 */
function memoryPath(field: string) {
  return z.string({ error: (issue) => `${field} must hold paths (strings), got ${jsonType(issue.input)}` }).check((context) => {
    const problem = scopeProblem(context.value) ?? (/[*?[{]/.test(context.value) ? 'is a glob (name a file, or a directory ending in /)' : undefined)
    if (problem) context.issues.push({ code: 'custom', message: `${field}: ${quoted(context.value)} ${problem}`, input: context.value })
  })
}

const memoryPathList = (field: string) =>
  z.array(memoryPath(field), { error: (issue) => `${field} must be a list of paths, got ${jsonType(issue.input)}` }).max(maxMemoryFiles, { error: `${field} names more than ${maxMemoryFiles} paths` })

export const memoryQuery = query({
  q: z
    .string({ error: (issue) => `q must be given once, got ${quoted(issue.input)}` })
    .check((context) => {
      const problem = textProblem(context.value, { maxLength: maxSearchLength, multiline: false })
      if (problem) context.issues.push({ code: 'custom', message: `q ${problem}`, input: context.value })
    })
    // `?q=` is no search: the newest memories, as without it.
    .transform((value) => (value.trim() === '' ? undefined : value.trim()))
    .optional(),
  kind: z.enum(memoryKinds, { error: (issue) => `kind must be one of ${memoryKinds.join(', ')}, got ${quoted(issue.input)}` }).optional(),
  task: wholeNumber('task (a task id)', 1, maxId).optional(),
  // Given once it is one path; given again, several (?file=src/a.ts&file=docs/).
  file: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (typeof value === 'string' ? [value] : value))
    .pipe(memoryPathList('file'))
    .optional(),
  limit: wholeNumber('limit', 1, maxMemoryLimit).optional(),
  all: z
    .enum(['true', 'false'], { error: (issue) => `all must be true or false, got ${quoted(issue.input)}` })
    .transform((value) => value === 'true')
    .optional(),
})

/**
 * A person's words, held to the same rules as the CLI's (src/board/task-fields.ts):
 * at most `maxLength` characters, newlines and tabs but no other control
 * characters (an escape sequence would repaint the terminal that shows it), trimmed.
 */
function words(field: string, maxLength: number, required: boolean) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `"${field}" is required` : `"${field}" must be a string, got ${jsonType(issue.input)}`) })
    .check((context) => {
      const problem = textProblem(context.value, { maxLength, multiline: true, required })
      if (problem) context.issues.push({ code: 'custom', message: `"${field}" ${problem}`, input: context.value })
    })
    .transform((value) => value.trim())
}

const requiredWords = (field: string, maxLength: number) => words(field, maxLength, true)
// An empty reason is no reason: the control records its default one.
const optionalWords = (field: string, maxLength: number) =>
  words(field, maxLength, false)
    .transform((value) => (value === '' ? undefined : value))
    .optional()

/** A JSON body: an object with exactly the fields a control takes. */
function body<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quoted).join(', ')}`
      if (issue.code === 'invalid_type') return `the body must be a JSON object, got ${jsonType(issue.input)}`
      return undefined
    },
  })
}

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

export interface BodySchema<Schema extends z.ZodType = z.ZodType> {
  schema: Schema
  /** A body this endpoint takes, for the hint of an error. */
  example: string
}

export const emptyBody = { schema: body({}), example: 'no body (or {})' } satisfies BodySchema
export const steerBody = { schema: body({ text: requiredWords('text', messageLimits.steeringLength) }), example: '{"text": "keep the public API unchanged"}' } satisfies BodySchema
export const memoryBody = {
  schema: body({ text: requiredWords('text', messageLimits.steeringLength), files: memoryPathList('"files"').optional() }),
  example: '{"text": "never change the public API of src/parse/"} or {"text": "...", "files": ["src/parse/"]}',
} satisfies BodySchema
export const requiredReasonBody = { schema: body({ reason: requiredWords('reason', messageLimits.reasonLength) }), example: '{"reason": "handle tabs too"}' } satisfies BodySchema
export const optionalReasonBody = {
  schema: body({ reason: optionalWords('reason', messageLimits.reasonLength) }),
  example: '{} or {"reason": "not needed any more"}',
} satisfies BodySchema
