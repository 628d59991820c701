/** Limits the client checks before sending and the server enforces. */
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
