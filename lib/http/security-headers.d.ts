export interface SecurityHeader {
  key: string;
  value: string;
}

/** Every answer's security headers (security-headers.js, shared with next.config.js). */
export function securityHeaders(mode: { dev: boolean; secure: boolean }): SecurityHeader[];
