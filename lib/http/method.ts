/** The HTTP methods the app's API routes answer (`defineRoute`) and its client sends (`send`). */
export type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
