package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The operational certificate DPS issued at provisioning, as {@code connection.json} records it:
 * {@code certificate: {file, sha256Fingerprint, notBefore, notAfter}}.
 *
 * @param file the PEM chain, leaf first
 * @param sha256Fingerprint the leaf's SHA-256 over its DER encoding, lower-case hex
 */
public record IssuedCertificate(
    Path file, String sha256Fingerprint, Instant notBefore, Instant notAfter) {

  /** The instant {@code fraction} (0..1) of the lifetime has passed. */
  public Instant atFractionOfLifetime(double fraction) {
    long lifetimeMillis = notAfter.toEpochMilli() - notBefore.toEpochMilli();
    return notBefore.plusMillis((long) (lifetimeMillis * fraction));
  }

  /**
   * {@code {file, sha256Fingerprint, notBefore, notAfter}}, as {@code connection.json} holds it.
   */
  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("file", file.toString())
        .put("sha256Fingerprint", sha256Fingerprint)
        .put("notBefore", notBefore.toString())
        .put("notAfter", notAfter.toString());
  }
}
