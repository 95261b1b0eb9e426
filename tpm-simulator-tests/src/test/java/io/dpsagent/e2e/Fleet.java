package io.dpsagent.e2e;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Devices of every non-TPM attestation kind, enrolled in one emulator: individual and group
 * symmetric keys, an individual X.509 leaf and leaves under an enrolled CA. Closing the fleet
 * closes its emulator.
 */
final class Fleet implements AutoCloseable {

  static final String SAS_GROUP = "fleet-sas-group";
  static final String CA_GROUP = "fleet-ca-group";

  private static final AtomicInteger DEVICES = new AtomicInteger();

  private final DpsEmulator emulator;
  private final TestPki.Issuer intermediate;
  private final String groupKey = Device.newKey();

  Fleet(DpsEmulator emulator) {
    this.emulator = emulator;
    TestPki.Issuer root = TestPki.rootCa("Fleet Root CA");
    this.intermediate = root.intermediate("Fleet Intermediate CA");
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.symmetricKey(SAS_GROUP, groupKey));
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.x509(CA_GROUP, root.certificate()));
  }

  /** A fleet in a new emulator with every device transport on. */
  static Fleet onAllTransports() throws Exception {
    return new Fleet(Emulators.startAllTransports());
  }

  DpsEmulator emulator() {
    return emulator;
  }

  /** The emulator's endpoint for a transport's config name. */
  URI endpoint(String transport) {
    return Emulators.endpointOf(emulator, transport);
  }

  /**
   * A new device of {@code attestation} kind ({@code symmetric-individual}, {@code
   * symmetric-group}, {@code x509-individual}, {@code x509-group}) using {@code transport},
   * enrolled where it must be.
   */
  Device enrolled(Path home, String attestation, String transport) throws Exception {
    String id = "fleet-" + DEVICES.incrementAndGet();
    Device device = new Device(home).registrationId(id).endpoint(emulator, transport);
    switch (attestation) {
      case "symmetric-individual":
        {
          String key = Device.newKey();
          emulator
              .registry()
              .addIndividualEnrollment(
                  IndividualEnrollment.symmetricKey(id, key).withDeviceId(id + "-dev"));
          return device.deviceKey(key);
        }
      case "symmetric-group":
        return device.groupKey(groupKey);
      case "x509-individual":
        {
          TestPki.Leaf leaf = TestPki.rootCa(id + " self CA").leaf(id, KeyType.EC_P256);
          emulator
              .registry()
              .addIndividualEnrollment(IndividualEnrollment.x509(id, leaf.certificate()));
          return device.x509(leaf);
        }
      case "x509-group":
        return device.x509(intermediate.leaf(id, KeyType.RSA_2048));
      default:
        throw new IllegalArgumentException(attestation);
    }
  }

  @Override
  public void close() {
    emulator.close();
  }
}
