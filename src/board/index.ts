export { createBoard, type Board, type BoardOptions, type ClaimOptions } from './board.ts'
export { IllegalTransitionError, LeaseLostError } from './errors.ts'
export { legalTransitions, leasedStatuses, settledStatuses, canTransition, eventTypeFor } from './transitions.ts'
export { isLandingOwner, landingOwner } from './landing-owner.ts'
