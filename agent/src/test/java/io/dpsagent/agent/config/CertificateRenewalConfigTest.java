package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The renewal keys of {@code [provisioning.certificate_issuance]}: defaults and each mistake. */
class CertificateRenewalConfigTest {

  private static final String TABLE =
      "[provisioning.certificate_issuance]\nenabled = true\n"
          + "key = { uri = \"file:///var/lib/dps-agent/device-key.pem\" }\n";

  @RegisterExtension final ConfigFile config = new ConfigFile();

  private CertificateIssuance issuance(String lines) throws Exception {
    return config
        .load(ConfigFile.MINIMAL + TABLE + lines)
        .provisioning()
        .certificateIssuance()
        .orElseThrow();
  }

  private String error(String lines) {
    return config.keyError(ConfigFile.MINIMAL + TABLE + lines);
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

  @Test
  void aTpmKeyRotatesWithTheHandleReservedForIt() throws Exception {
    CertificateIssuance issuance =
        issuanceWithKey("tpm:handle=0x81000101", "rotate_key = true\nrotate_handle = 0x81000102\n");

    assertTrue(issuance.rotateKey());
    assertEquals(Optional.of(0x81000102), issuance.rotateHandle());
  }

  @Test
  void aTokenKeyNamedByItsLabelRotates() throws Exception {
    CertificateIssuance issuance =
        issuanceWithKey(
            "pkcs11:token=gw;object=op;type=private?pin-source=file:/etc/pin",
            "rotate_key = true\n");

    assertTrue(issuance.rotateKey());
    assertEquals(Optional.empty(), issuance.rotateHandle());
  }

  @Test
  void aTpmKeyWithoutRotateHandleCannotRotate() {
    assertEquals(
        "provisioning.certificate_issuance.rotate_handle: is missing; rotate_key with a tpm: key"
            + " needs a second persistent handle reserved for the agent, e.g. rotate_handle ="
            + " 0x81000102",
        errorWithKey("tpm:handle=0x81000101", "rotate_key = true\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"pkcs11:token=gw;id=%01;type=private", "pkcs11:token=gw;object=op;id=%01"})
  void aTokenKeyNotNamedByItsLabelAloneCannotRotate(String uri) {
    assertEquals(
        "provisioning.certificate_issuance.rotate_key: needs a pkcs11: key named by"
            + " object=<label> alone (no id=): the new pair is labelled <label>.alt",
        errorWithKey(uri + "?pin-source=file:/etc/pin", "rotate_key = true\n"));
  }

  @Test
  void rotateHandleIsForTpmKeysOnly() {
    assertEquals(
        "provisioning.certificate_issuance.rotate_handle: is for a tpm: key only; a file: or"
            + " pkcs11: key rotates into <name>.alt (remove rotate_handle)",
        error("rotate_key = true\nrotate_handle = 0x81000102\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x81000101", "0x80000001", "0x01000102"})
  void rotateHandleIsAnotherPersistentHandle(String handle) {
    String message =
        errorWithKey(
            "tpm:handle=0x81000101", "rotate_key = true\nrotate_handle = " + handle + "\n");

    assertEquals(
        handle.equals("0x81000101")
            ? "provisioning.certificate_issuance.rotate_handle: is the key's own handle; reserve a"
                + " second, free persistent handle for rotation"
            : "provisioning.certificate_issuance.rotate_handle: 0x"
                + handle.substring(2).replaceFirst("^0+", "").toUpperCase(java.util.Locale.ROOT)
                + " is not a persistent handle; use a free one in 0x81000000-0x81FFFFFF, e.g."
                + " 0x81000102",
        message);
  }

  @Test
  void rotateHandleIsNoneOfTheAttestationHandles() {
    assertEquals(
        "provisioning.certificate_issuance.rotate_handle: 0x81000100 is the DPS identity key's"
            + " handle; reserve another, free persistent handle",
        errorWithKey("tpm:handle=0x81000101", "rotate_key = true\nrotate_handle = 0x81000100\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "key = { uri = \"tpm:handle=0x81000101\" }\nrotate_key = true\nrotate_handle = 0x81000102",
        "key = { uri = \"tpm:handle=0x81000102\" }\nrotate_key = true\nrotate_handle = 0x81000101"
      })
  void theAttestationKeyIsNeverRotatedAway(String issuanceLines) {
    String message =
        config.keyError(
            ConfigFile.X509
                + "identity_cert = { uri = \"file:///etc/dps-agent/device.pem\" }\n"
                + "identity_pk = { uri = \"tpm:handle=0x81000101\" }\n"
                + "[provisioning.certificate_issuance]\nenabled = true\n"
                + issuanceLines
                + "\n");

    assertEquals(
        "provisioning.certificate_issuance.rotate_key: the issuance key (or its rotate_handle) is"
            + " the X.509 attestation's identity_pk, which a rotation would destroy; give"
            + " certificate issuance a key of its own or set rotate_key = false",
        message);
  }

  private CertificateIssuance issuanceWithKey(String uri, String lines) throws Exception {
    return config
        .load(ConfigFile.MINIMAL + table(uri) + lines)
        .provisioning()
        .certificateIssuance()
        .orElseThrow();
  }

  private String errorWithKey(String uri, String lines) {
    return config.keyError(ConfigFile.MINIMAL + table(uri) + lines);
  }

  private static String table(String uri) {
    return "[provisioning.certificate_issuance]\nenabled = true\nkey = { uri = \"" + uri + "\" }\n";
  }
}
