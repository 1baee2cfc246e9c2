/** A header rule's `source` for every path but those the API routes in pages/api serve (api-route-paths.js). */
export function pathsOtherThanApiRoutes(apiEntries: readonly string[]): string;
