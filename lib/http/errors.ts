/** The server answered with a non-2xx status; `body` is its `{ error, ... }` JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; [key: string]: unknown } | undefined,
  ) {
    super(body?.error ?? `Request failed with status ${status}`);
    this.name = 'HttpError';
  }
}

/** No answer at all (offline, DNS, connection reset): retrying may help. */
export class NetworkError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('Network error: the server could not be reached', options);
    this.name = 'NetworkError';
  }
}
