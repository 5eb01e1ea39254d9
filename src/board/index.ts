export { createBoard, type Board, type BoardOptions, type ClaimOptions, type LandingGate } from './board.ts'
export { AlreadyLandedError, IllegalTransitionError, LeaseLostError } from './errors.ts'
export { legalTransitions, leasedStatuses, settledStatuses, canTransition, eventTypeFor } from './transitions.ts'
export { isLandingOwner, landingOwner } from './landing-owner.ts'
