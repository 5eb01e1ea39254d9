import type { Store } from '../store/index.ts'

type WarningLogger = false | ((options: { warnings: unknown[]; provider: string; model: string }) => void) | undefined
const sdkGlobals = globalThis as { AI_SDK_LOG_WARNINGS?: WarningLogger }

/**
 * The AI SDK prints provider warnings (an unsupported setting, say) to the
 * console on every call; during a run each distinct one becomes a single
 * `model-warning` event instead of noise across the live view. Returns the
 * function that puts the SDK's own logger back.
 */
export function recordModelWarnings(store: Store, runId: number): () => void {
  const previous = sdkGlobals.AI_SDK_LOG_WARNINGS
  const seen = new Set<string>()
  sdkGlobals.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => {
    for (const warning of warnings) {
      const key = JSON.stringify([provider, model, warning])
      if (seen.has(key)) continue
      seen.add(key)
      // Nothing the run needs is lost: a warning is advice about a setting, not
      // the run's state, and a store that cannot take it fails the supervisor's
      // next read of it, which ends the run with that error.
      void store.appendEvents([{ runId, type: 'model-warning', data: { provider, model, warning: warning as Record<string, unknown> } }]).catch(() => undefined)
    }
  }
  return () => {
    sdkGlobals.AI_SDK_LOG_WARNINGS = previous
  }
}
