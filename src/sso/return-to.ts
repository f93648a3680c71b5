/**
 * Where to send the browser after sign-in: a path on this site, or a URL of the same origin as
 * PUBLIC_URL. Anything else (other hosts, `//evil.example`, `javascript:`) goes to the fallback.
 */
export function safeReturnTo(value: unknown, publicUrl: string, fallback: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 2000) return fallback;
  if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) return value;
  try {
    const target = new URL(value);
    return target.origin === new URL(publicUrl).origin ? target.href : fallback;
  } catch {
    return fallback;
  }
}
