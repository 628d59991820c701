/** Types of build.mjs (plain JavaScript, so that starting needs no TypeScript loader). */
export const ROOT_DIR: string;
export const SERVER_BUILD_DIR: string;
export function serverIsStale(): boolean;
export function clientIsStale(): boolean;
export function buildServer(): Promise<void>;
export function buildClient(): void;
export function ensureBuilt(opts?: { client?: boolean; quiet?: boolean; force?: boolean }): Promise<void>;
export function sourcesFingerprint(sources: string[], root?: string): string;
