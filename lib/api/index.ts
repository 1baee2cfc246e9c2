export { defineRoute } from './define-route';
export { RouteError } from './route-error';
export { readJsonBody, MAX_BODY_BYTES } from './read-json-body';
export { readFormBody } from './read-form-body';
export { assertSameOrigin } from './same-origin';
export {
  refuseEndedSession,
  requireAdmin,
  requireAdminForWrite,
  requireSessionForWrite,
  requireUserId,
  sessionOrThrow,
  NOT_SIGNED_IN,
  type SessionWriter,
} from './require-session';
export { assertNoMutationBody, readMutationBody } from './read-mutation';
export { answerMutation, type MutationAnswer } from './idempotency';
export { setApiHeaders } from './api-headers';
