/** An expected failure with its HTTP status and a message safe to show the user. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** The session cookies written before the error expire a refused session: keep them. */
    readonly options: { keepSessionCookies?: boolean } = {},
  ) {
    super(message);
    this.name = 'RouteError';
  }
}
