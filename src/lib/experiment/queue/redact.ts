/**
 * The queue URL carries Redis's password (`redis://:password@host:port`). Whatever this project
 * prints, logs or puts in an error goes through these helpers first, so the password never reaches
 * a terminal, a report page, a notebook output or a CI log.
 */

/** What a password (and an ACL user's password) is replaced with. */
export const REDACTED = '***';

/**
 * `scheme://[user][:password]@` of a redis URL, anywhere in a text. The password runs to the last
 * `@` of the URL (a password with an unencoded `@` in it is still hidden whole); where that
 * swallows more than the password, more is hidden, never less.
 */
const CREDENTIALS = /\b(rediss?:\/\/)([^\s:@/"'<>]*)(?::([^\s"'<>]*))?@/gi;

/**
 * Every redis:// or rediss:// URL in `text` with its password replaced by ***. A user name stays
 * (it is not a secret and tells which ACL user connects); `redis://:secret@host:6379` becomes
 * `redis://:***@host:6379`, `redis://worker:secret@host` becomes `redis://worker:***@host`.
 */
export function redactSecrets(text: string): string {
  return text.replace(CREDENTIALS, (_match, scheme: string, user: string, password: string | undefined) =>
    password === undefined ? `${scheme}${user}@` : `${scheme}${user}:${REDACTED}@`,
  );
}

/** A queue URL fit to print: its password replaced by ***. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** An error's message, redacted, for printing or for wrapping in another error. */
export function redactedMessage(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
