/**
 * An approved change (integrating, approval.merge) is landed by a lander, not
 * worked on by a worker. Its owner name says so, so that when the lander's
 * process goes the change stays approved and waits for the next lander instead
 * of going back to a worker and to a person for approval again.
 */
export function landingOwner(instanceId: string, slot: number): string {
  return `${instanceId}/landing-${slot}`
}

export function isLandingOwner(owner: string | null): boolean {
  return owner !== null && /\/landing-\d+$/.test(owner)
}
