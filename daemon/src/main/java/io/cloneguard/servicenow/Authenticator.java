package io.cloneguard.servicenow;

/** Supplies the Authorization header for Table API calls. */
interface Authenticator {
  /** The header value to send now (may fetch a token). */
  String header();

  /**
   * The instance answered 401 to {@code rejectedHeader}. Returns true when a fresh credential may
   * cure it (OAuth: the token was revoked or expired early), so the call is sent once more.
   */
  boolean invalidate(String rejectedHeader);
}
