package io.dpsagent.emulator.device;

import io.dpsagent.emulator.auth.X509Match;
import io.dpsagent.emulator.registry.Enrollment;
import java.util.Optional;

/**
 * A device whose credentials checked out.
 *
 * @param x509 how its certificate matched; empty for a symmetric-key device
 */
record AuthenticatedDevice(Enrollment enrollment, Optional<X509Match> x509) {}
