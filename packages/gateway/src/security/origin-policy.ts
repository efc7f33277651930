/**
 * The browser Origin allow-list of the client listener (`security.allowedOrigins`): exact origins,
 * `https://*.example.com` for any subdomain, or `*`. Upgrades without an Origin header pass.
 */

export class OriginPolicy {
  readonly #exact = new Set<string>();
  /** `{scheme}://` and `.{domain}` of each wildcard entry. */
  readonly #wildcards: { readonly scheme: string; readonly suffix: string }[] = [];
  readonly #any: boolean;

  constructor(allowedOrigins: readonly string[]) {
    let any = allowedOrigins.length === 0;
    for (const entry of allowedOrigins) {
      const origin = entry.toLowerCase();
      if (origin === '*') any = true;
      const wildcard = /^(https?:\/\/)\*(\..+)$/.exec(origin);
      if (wildcard !== null) this.#wildcards.push({ scheme: wildcard[1] ?? '', suffix: wildcard[2] ?? '' });
      else this.#exact.add(origin);
    }
    this.#any = any;
  }

  /** True when an upgrade with this `Origin` header value (undefined: none sent) may proceed. */
  allows(origin: string | undefined): boolean {
    if (this.#any || origin === undefined) return true;
    const lower = origin.toLowerCase();
    if (this.#exact.has(lower)) return true;
    return this.#wildcards.some(({ scheme, suffix }) => lower.startsWith(scheme) && lower.endsWith(suffix) && lower.length > scheme.length + suffix.length && !lower.slice(scheme.length, -suffix.length).includes('/'));
  }
}
