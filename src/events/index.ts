export { eventSchemas, taskStatuses, runStatuses } from './schemas.ts'
export { eventTypes, newEvent, isEventType, eventProblem, parseEvent, InvalidEventError } from './event.ts'
export type { SurvivedFailureType, EventType, EventData, ColonyEventOf, ColonyEvent, NewColonyEventOf, NewColonyEvent, EmitEvent, ProcessDescription } from './event.ts'
export { describeEvent } from './describe-event.ts'
