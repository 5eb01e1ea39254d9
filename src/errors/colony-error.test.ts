import { describe, expect, it } from 'vitest'
import { ColonyError } from './index.ts'

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
})
