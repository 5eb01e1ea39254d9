export { startNotifier, notifyDuring, type Notifier, type NotifierOptions } from './notifier.ts'
export type { Notification } from './notification.ts'
export type { RetryPolicy } from './webhook.ts'
