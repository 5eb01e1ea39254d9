import { describe, expect, it } from 'vitest'
import { ColonyError, isFatalError } from './index.ts'

class StoreGoneError extends ColonyError {
  override readonly name = 'StoreGoneError'
  override get kind() {
    return 'fatal' as const
  }
}

class WidgetMissingError extends ColonyError {
  override readonly name = 'WidgetMissingError'
  readonly widget: string
  constructor(widget: string) {
    super(`no widget named ${widget}`, { hint: 'create it first' })
    this.widget = widget
  }
}

describe('ColonyError', () => {
  it('serializes its name, message, hint and fields for the event log', () => {
    const error = new WidgetMissingError('gear')
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'WidgetMissingError',
      message: 'no widget named gear',
      hint: 'create it first',
      widget: 'gear',
    })
    expect(error).toBeInstanceOf(Error)
  })

  it('is recoverable unless its class says fatal, and keeps the kind out of its JSON', () => {
    const missing = new WidgetMissingError('gear')
    const gone = new StoreGoneError('the store is gone')
    expect([missing.kind, isFatalError(missing)]).toEqual(['recoverable', false])
    expect([gone.kind, isFatalError(gone)]).toEqual(['fatal', true])
    expect(isFatalError(new Error('plain'))).toBe(false)
    expect(JSON.parse(JSON.stringify(gone))).toEqual({ name: 'StoreGoneError', message: 'the store is gone' })
  })
})
