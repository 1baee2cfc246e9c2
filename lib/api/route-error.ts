/** An expected failure with its HTTP status and a message safe to show the user. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Response headers of the error answer, e.g. `Connection: close` after a body left unread. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RouteError';
  }
}
