export { HttpError, NetworkError } from './errors';
export { fetcher, fetchJson, send, type Method } from './fetch-json';
export { REVALIDATE_HEADER, registerSessionHandlers, reportSignedOut, requestSessionRevalidation } from './session-events';
export { createSingleFlight, type SingleFlight } from './single-flight';
