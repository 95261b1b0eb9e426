package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The renewal keys of {@code [provisioning.certificate_issuance]}: defaults and each mistake. */
class CertificateRenewalConfigTest {

  private static final String TABLE =
      "[provisioning.certificate_issuance]\nenabled = true\n"
          + "key = { uri = \"file:///var/lib/dps-agent/device-key.pem\" }\n";

  @TempDir Path dir;

  private CertificateIssuance issuance(String lines) throws Exception {
    return new ConfigFile(dir)
        .load(ConfigFile.MINIMAL + TABLE + lines)
        .provisioning()
        .certificateIssuance()
        .orElseThrow();
  }

  private String error(String lines) {
    ConfigFile file = new ConfigFile(dir);
    return file.error(ConfigFile.MINIMAL + TABLE + lines)
        .replace("config " + file.path() + ": ", "");
  }

  @Test
  void renewsAtFourFifthsOfTheLifetimeForTheSameKeyByDefault() throws Exception {
    CertificateIssuance issuance = issuance("");

    assertEquals(0.8, issuance.renewAtFraction());
    assertFalse(issuance.rotateKey());
  }

  @Test
  void theFractionAndKeyRotationMayBeChosen() throws Exception {
    CertificateIssuance issuance = issuance("renew_at_fraction = 0.5\nrotate_key = true\n");

    assertEquals(0.5, issuance.renewAtFraction());
    assertTrue(issuance.rotateKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "1.5", "-0.2", "0.0"})
  void aFractionOutsideZeroToOneIsOneLineNamingTheKey(String value) {
    String message = error("renew_at_fraction = " + value + "\n");

    assertEquals(
        "provisioning.certificate_issuance.renew_at_fraction: "
            + Double.parseDouble(value)
            + " is out of range; use a share of the certificate's lifetime between 0 and 1"
            + " (exclusive), e.g. 0.8",
        message);
  }

  @Test
  void aFractionThatIsNoNumberIsRefused() {
    assertEquals(
        "provisioning.certificate_issuance.renew_at_fraction: must be a number",
        error("renew_at_fraction = \"80%\"\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"tpm:handle=0x81000101", "pkcs11:token=gw;object=op;type=private?pin-value=1234"})
  void keyRotationIsForFileKeysOnly(String uri) {
    ConfigFile file = new ConfigFile(dir);
    String message =
        file.error(
                ConfigFile.MINIMAL
                    + "[provisioning.certificate_issuance]\nenabled = true\nkey = { uri = \""
                    + uri
                    + "\" }\nrotate_key = true\n")
            .replace("config " + file.path() + ": ", "");

    assertEquals(
        "provisioning.certificate_issuance.rotate_key: needs a file: key; a pkcs11: or tpm: key"
            + " never leaves its chip and is renewed in place (set rotate_key = false)",
        message);
  }
}
