package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.testing.TpmChallengeBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tss.Tpm;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/** Hierarchies with passwords: the right ones work, wrong ones fail naming the TPM's answer. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TpmAuthorizationTest {

  private static final byte[] OWNER = "owner-secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ENDORSEMENT = "endorsement-secret".getBytes(StandardCharsets.UTF_8);

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  @BeforeAll
  static void start() throws Exception {
    try (Tpm tpm = Tpms.open(TPM.get().tcti())) {
      tpm.HierarchyChangeAuth(TPM_HANDLE.from(TPM_RH.OWNER), OWNER);
      tpm.HierarchyChangeAuth(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), ENDORSEMENT);
    }
  }

  private static List<Integer> loadedHandles() throws Exception {
    try (TpmConnection connection = TpmConnection.open(TPM.get().tcti(), TpmTimeouts.defaults())) {
      List<Integer> all = new ArrayList<>(connection.handles(TpmConnection.FIRST_TRANSIENT));
      all.addAll(connection.handles(TpmConnection.FIRST_HMAC_SESSION));
      all.addAll(connection.handles(TpmConnection.FIRST_POLICY_SESSION));
      return all;
    }
  }

  @Test
  @Order(1)
  void wrongEndorsementPasswordFailsCreatingTheEk() throws Exception {
    TpmException e =
        assertThrows(
            TpmException.class,
            () -> TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults().withOwnerAuth(OWNER)));
    assertEquals(
        "TPM CreatePrimary(endorsement key) failed: TPM_RC_BAD_AUTH (0x9A2, session 1):"
            + " authorization failed: the hierarchy or object password is wrong",
        e.getMessage());
    assertEquals(TpmResponseCode.Category.AUTH, e.category());
    assertEquals(List.of(), loadedHandles());
  }

  @Test
  @Order(2)
  void wrongOwnerPasswordFailsPersistingTheEkAndTheTransientKeyIsFlushed() throws Exception {
    TpmException e =
        assertThrows(
            TpmException.class,
            () ->
                TpmAttestor.open(
                    TPM.get().tcti(), TpmSettings.defaults().withEndorsementAuth(ENDORSEMENT)));
    assertEquals(
        "TPM EvictControl(persist endorsement key at 0x81010001) failed: TPM_RC_BAD_AUTH"
            + " (0x9A2, session 1): authorization failed: the hierarchy or object password is wrong",
        e.getMessage());
    assertEquals(List.of(), loadedHandles());
  }

  @Test
  @Order(3)
  void rightPasswordsProvisionAndActivate() throws Exception {
    TpmSettings settings =
        TpmSettings.defaults().withOwnerAuth(OWNER).withEndorsementAuth(ENDORSEMENT);
    byte[] key = TpmChallengeBuilder.randomKey();
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), settings)) {
      byte[] blob = TpmChallengeBuilder.forDevice(attestor).build(key);
      byte[] data = {1, 2, 3};
      assertArrayEquals(TpmAttestorTest.hmac(key, data), attestor.activate(blob).sign(data));
    }
    assertEquals(
        "TpmSettings[ek=0x81010001, srk=0x81000001, identityKey=0x81000100,"
            + " ownerAuth=set, endorsementAuth=set]",
        settings.toString());
  }

  @Test
  @Order(4)
  void wrongEndorsementPasswordFailsThePolicyAndLeavesNoSession() throws Exception {
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults())) {
      byte[] blob = TpmChallengeBuilder.forDevice(attestor).build(TpmChallengeBuilder.randomKey());
      TpmAttestorTest.assertActivationRefused(
          attestor,
          blob,
          "TPM PolicySecret(endorsement hierarchy) failed: TPM_RC_BAD_AUTH (0x9A2,"
              + " session 1): authorization failed: the hierarchy or object password is wrong");
    }
  }
}
