export { HttpError, NetworkError } from './errors';
export { fetcher, send } from './fetch-json';
export type { Method } from './method';
