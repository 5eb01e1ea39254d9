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
  override get httpStatus() {
    return 404 as const
  }
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

  it('answers the API with the status its class declares, 500 unless it says otherwise, kept out of its JSON', () => {
    expect(new WidgetMissingError('gear').httpStatus).toBe(404)
    expect(new StoreGoneError('the store is gone').httpStatus).toBe(500)
    expect(Object.keys(new WidgetMissingError('gear').toJSON())).not.toContain('httpStatus')
  })
})
