import { setTimeout as delay } from 'node:timers/promises'
import { environmentReference, type NotifySettings } from '../config/index.ts'

/** Where notifications are posted, with every `${NAME}` read from the environment. */
export interface Webhook {
  url: string
  headers: Record<string, string>
  /** The values read from the environment: never written to an event, a log or an error. */
  secrets: string[]
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number
  /** The wait after the first failure; it doubles after each further one. */
  firstDelayMs: number
  /** One try's time limit. */
  timeoutMs: number
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, firstDelayMs: 500, timeoutMs: 5_000 }

export type Delivery = { ok: true; attempts: number } | { ok: false; attempts: number; error: string }

/**
 * The webhook colony.json's notify names, its `${NAME}`s read from
 * `environment`; a problem instead when a variable is not set.
 *
 * @example
 * resolveWebhook({ webhook: 'https://hooks.example.com/x', headers: { Authorization: 'Bearer ${HOOK_TOKEN}' }, ... }, process.env)
 */
export function resolveWebhook(settings: Pick<NotifySettings, 'webhook' | 'headers'>, environment: NodeJS.ProcessEnv): { webhook: Webhook } | { problem: string } | undefined {
  if (settings.webhook === undefined) return undefined
  const secrets: string[] = []
  const missing: string[] = []
  const resolve = (text: string) =>
    text.replace(environmentReference, (_reference, name: string) => {
      const value = environment[name]
      if (value === undefined || value === '') {
        missing.push(name)
        return ''
      }
      secrets.push(value)
      return value
    })
  const url = resolve(settings.webhook)
  const headers = Object.fromEntries(Object.entries(settings.headers).map(([name, value]) => [name, resolve(value)]))
  if (missing.length > 0) return { problem: `notify in colony.json names ${[...new Set(missing)].map((name) => `\${${name}}`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set in the environment: webhook notifications are off for this run` }
  return { webhook: { url, headers, secrets } }
}

/** Rate limits and server trouble pass; any other refusal (a wrong address, a bad token) will not. */
function worthRetrying(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/** `text` with every secret replaced by `***`: an error may quote the address it failed to reach. */
function withoutSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length > 0).reduce((result, secret) => result.split(secret).join('***'), text)
}

/**
 * POSTs `body` as JSON, trying again after network errors, time-outs, 408,
 * 429 and 5xx answers with exponential back-off, at most `policy.attempts`
 * times in all. Never throws: the outcome says how many tries it took or
 * why it gave up, with no secret in it.
 */
export async function postWithRetries(webhook: Webhook, body: unknown, policy: RetryPolicy = defaultRetryPolicy): Promise<Delivery> {
  let error = ''
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await delay(policy.firstDelayMs * 2 ** (attempt - 2))
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'colony', ...webhook.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(policy.timeoutMs),
        redirect: 'error',
      })
      // Read to the end so the connection can be reused; what it says is not needed.
      await response.arrayBuffer().catch(() => undefined)
      if (response.ok) return { ok: true, attempts: attempt }
      error = `the webhook answered ${response.status} ${response.statusText}`.trim()
      if (!worthRetrying(response.status)) return { ok: false, attempts: attempt, error: withoutSecrets(error, webhook.secrets) }
    } catch (failure) {
      const cause = failure instanceof Error && failure.cause instanceof Error ? `: ${failure.cause.message}` : ''
      error = `${failure instanceof Error ? failure.message : String(failure)}${cause}`
    }
  }
  return { ok: false, attempts: policy.attempts, error: withoutSecrets(error, webhook.secrets) }
}
