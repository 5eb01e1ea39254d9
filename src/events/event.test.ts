import { describe, expect, it } from 'vitest'
import { eventProblem, eventTypes, InvalidEventError, parseEvent } from './index.ts'

describe('events', () => {
  it('accepts an event as its emitter writes it', () => {
    expect(eventProblem('verdict', { cycle: 1, decision: 'done', reason: 'tests pass' })).toBeUndefined()
    expect(eventProblem('task-claimed', { owner: 'w/1', attempt: 1, leaseUntil: 5 })).toBeUndefined()
    expect(eventProblem('task-claimed', { from: 'ready', owner: 'w/1' })).toBeUndefined()
  })

  it('refuses an unknown type and data outside its type\'s schema, naming the type and the key', () => {
    expect(eventProblem('task-edited', {})).toBe('unknown event type "task-edited"')
    expect(eventProblem('toString', {})).toBe('unknown event type "toString"')
    expect(eventProblem('verdict', { cycle: 1, decision: 'maybe', reason: 'r' })).toMatch(/^verdict: decision: /)
    expect(eventProblem('run-created', {})).toMatch(/^run-created: target: /)
    expect(() => parseEvent({ type: 'judge-started', data: { cycle: '1' } })).toThrow(InvalidEventError)
  })

  it('declares every type once', () => {
    expect(new Set(eventTypes).size).toBe(eventTypes.length)
    expect(eventTypes.length).toBeGreaterThan(55)
  })
})
