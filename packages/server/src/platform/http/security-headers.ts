/**
 * The headers every page the hub serves carries (the back-office app at /, the API docs at
 * /docs): pages load only their own scripts and styles and talk only to this hub, no page may be
 * framed (clickjacking), no content type is guessed, and no referrer leaks. Neither page needs
 * an inline script, so no 'unsafe-inline' is allowed.
 */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;
