export { HttpError, NetworkError } from './errors';
export { fetcher, fetchJson, send, type Method } from './fetch-json';
