import { redactValue } from '../../secrets/index.ts'

/** What the store keeps is what people and models read later: secrets never get in. */
export function storedJson(value: unknown): string {
  return JSON.stringify(redactValue(value))
}
