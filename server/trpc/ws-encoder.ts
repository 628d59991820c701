/**
 * The WebSocket encoder: JSON as tRPC's default, except that a shared event envelope (one object
 * sent to every subscriber at an access level, see routers/events.ts) is stringified once and
 * spliced into each subscriber's message, instead of once per subscriber.
 */
const SHARED = new WeakMap<object, string | null>();

/** Marks an object that will never change again as sendable from one cached JSON text. */
export function shareForEncoding<T extends object>(value: T): T {
  if (!SHARED.has(value)) SHARED.set(value, null);
  return value;
}

function sharedJson(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !SHARED.has(value)) return null;
  let text = SHARED.get(value) ?? null;
  if (text === null) {
    text = JSON.stringify(value);
    SHARED.set(value, text);
  }
  return text;
}

/** `{...rest, [key]: <raw JSON>}` as text, with `raw` already serialised. */
function withRaw(rest: Record<string, unknown>, key: string, raw: string): string {
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${JSON.stringify(key)}:${raw}}`;
}

interface TrackedMessage {
  result: { type: 'data'; data: { id: string; data: unknown } };
}

function isTrackedData(msg: unknown): msg is TrackedMessage {
  const result = (msg as { result?: { type?: unknown; data?: unknown } } | null)?.result;
  return result?.type === 'data' && typeof result.data === 'object' && result.data !== null && 'data' in result.data;
}

export const wsEncoder = {
  encode(msg: unknown): string {
    if (isTrackedData(msg)) {
      const raw = sharedJson(msg.result.data.data);
      if (raw !== null) {
        const { result, ...top } = msg as TrackedMessage & Record<string, unknown>;
        const { data: tracked, ...resultRest } = result;
        const { data: _shared, ...trackedRest } = tracked;
        return withRaw(top, 'result', withRaw(resultRest, 'data', withRaw(trackedRest, 'data', raw)));
      }
    }
    return JSON.stringify(msg);
  },
  decode(data: string | ArrayBuffer | Uint8Array): unknown {
    if (typeof data !== 'string') throw new Error('Only JSON text frames are accepted.');
    return JSON.parse(data);
  },
};
