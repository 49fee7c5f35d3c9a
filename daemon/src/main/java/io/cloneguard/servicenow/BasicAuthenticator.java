package io.cloneguard.servicenow;

import io.cloneguard.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Preemptive HTTP Basic: one request per call instead of a 401 challenge round trip. */
final class BasicAuthenticator implements Authenticator {
  private final Secret header;

  BasicAuthenticator(String username, Secret password) {
    String token = Base64.getEncoder().encodeToString((username + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
    // A Secret, so SecretMask scrubs the encoded form too should it ever reach a message.
    this.header = Secret.of("Basic " + token);
  }

  @Override
  public String header() {
    return header.reveal();
  }

  @Override
  public boolean invalidate(String rejectedHeader) {
    return false; // the same password will be refused again
  }
}
