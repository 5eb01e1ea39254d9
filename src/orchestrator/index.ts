export { createControls, approvalKindOf, RunStateError, NotAwaitingApprovalError, type Controls, type ApprovalKind } from './controls.ts'
