/**
 * The JSON lines a load process writes on stdout for the runner: one event per line, each with a
 * `type` from a known set. Lines that are not such an event (a stray log line) decode to `null`.
 */

export function encodeJsonLine(event: { readonly type: string }): string {
  return `${JSON.stringify(event)}\n`;
}

/** A decoder of the events whose `type` is one of `types`. */
export function jsonLineDecoder<E extends { readonly type: string }>(types: readonly E['type'][]): (line: string) => E | null {
  const known = new Set<string>(types);
  return (line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return null;
    }
    if (typeof parsed !== 'object' || parsed === null || !('type' in parsed)) return null;
    const { type } = parsed;
    if (typeof type !== 'string' || !known.has(type)) return null;
    return parsed as E;
  };
}
