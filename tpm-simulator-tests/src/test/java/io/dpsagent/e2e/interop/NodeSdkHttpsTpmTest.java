package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.tpm.TpmAttestor;
import io.dpsagent.hsm.tpm.TpmSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * azure-iot-provisioning-device + -http + azure-iot-security-tpm (tss.js) on swtpm against the
 * emulator's TPM nonce challenge.
 */
class NodeSdkHttpsTpmTest extends DeviceSdkContract {

  private Swtpm tpm;

  @Override
  NodeDeviceSdk sdk() {
    return NodeDeviceSdk.http();
  }

  @BeforeAll
  void startTpm() {
    tpm = Swtpm.start();
  }

  @AfterAll
  void stopTpm() {
    if (tpm != null) {
      tpm.close();
    }
  }

  /**
   * The EK and its registration ID as a factory reads them (creating and persisting the EK and SRK
   * with the standard templates). The connection is closed before the SDK connects: swtpm serves
   * one client at a time.
   */
  private static TpmIdentity identity(Swtpm tpm) throws Exception {
    try (TpmAttestor attestor = TpmAttestor.open(tpm.tcti(), TpmSettings.defaults())) {
      return new TpmIdentity(attestor.registrationId(), attestor.endorsementKey());
    }
  }

  private record TpmIdentity(String registrationId, byte[] endorsementKey) {}

  @Test
  void enrolledEndorsementKeyIsAssignedAndReceivesADeviceKey() throws Exception {
    TpmIdentity id = identity(tpm);
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id.registrationId(), id.endorsementKey()));

    Outcome outcome = sdk().registerWithTpm(emulator, tpm.port());

    RegistrationRecord record = assertAssigned(id.registrationId(), id.registrationId(), outcome);
    assertTrue(record.tpmDeviceKey().isPresent(), "DPS sent the device a key in the second blob");
  }
}
