import { environmentWithSecrets } from './held-secrets.ts'
import { isSecretName } from './secret-names.ts'

/** Shapes of credentials common enough to recognise without knowing their value. */
const keyShapes: RegExp[] = [
  /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\bnpm_[A-Za-z0-9]{36}\b/g, // npm
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
]

const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g
const urlPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi

/** Values shorter than this are too likely to occur by chance ("true", "1234") to redact. */
const minimumSecretLength = 8

export type Redactor = (text: string) => string

/**
 * Builds a redactor that replaces the values of the environment's secret
 * variables (by name: `*_KEY`, `*_TOKEN`, `SSH_AUTH_SOCK`, ...) and anything
 * shaped like a common API key, bearer token, private key or URL password.
 * Used on everything that leaves a process: events, transcripts, command
 * output shown to a model, logs.
 */
export function createRedactor(environment: NodeJS.ProcessEnv = environmentWithSecrets()): Redactor {
  const values = Object.entries(environment)
    .filter((entry): entry is [string, string] => isSecretName(entry[0]) && typeof entry[1] === 'string' && entry[1].length >= minimumSecretLength)
    .sort((a, b) => b[1].length - a[1].length)
  return (text) => {
    let result = text
    for (const [name, value] of values) {
      if (result.includes(value)) result = result.replaceAll(value, `[redacted:${name}]`)
    }
    for (const shape of keyShapes) result = result.replace(shape, '[redacted]')
    return result.replace(bearer, '$1 [redacted]').replace(urlPassword, '$1:[redacted]@')
  }
}

let processRedactor: Redactor | undefined

/** Redacts with this process's environment (built once, on first use). */
export function redactSecrets(text: string): string {
  processRedactor ??= createRedactor()
  return processRedactor(text)
}

/** Redacts every string inside a JSON-compatible value. */
export function redactValue<T>(value: T, redact: Redactor = redactSecrets): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, redact)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, redact)])) as T
  }
  return value
}
