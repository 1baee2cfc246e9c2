/** An expected failure with its HTTP status and a message safe to show the user. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RouteError';
  }
}
