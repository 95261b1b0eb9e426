package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.registry.Enrollment;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * How an X.509 device was authenticated.
 *
 * @param enrollment the individual enrollment pinning the device certificate, or the group whose
 *     signing certificate the chain leads to
 * @param deviceCertificate the leaf certificate the device presented
 * @param signingCertificate the group's certificate that anchored the chain; empty for an
 *     individual enrollment
 */
public record X509Match(
    Enrollment enrollment,
    X509Certificate deviceCertificate,
    Optional<X509Certificate> signingCertificate) {}
