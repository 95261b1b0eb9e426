package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.testing.TpmChallengeBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A TPM that is not there, or goes away: one clear HsmException naming the TCTI. */
class TpmConnectionFailureTest {

  @Test
  void swtpmThatIsNotRunning() throws Exception {
    int port = unusedPort();
    TctiSpec tcti = TctiSpec.swtpm("127.0.0.1", port);
    HsmException e =
        assertThrows(HsmException.class, () -> TpmAttestor.open(tcti, TpmSettings.defaults()));
    assertEquals(HsmException.class, e.getClass());
    assertEquals(
        "cannot reach the TPM at swtpm:host=127.0.0.1,port=" + port + ": Connection refused",
        e.getMessage());
  }

  @Test
  void simulatorThatIsNotRunning() throws Exception {
    int port = unusedPort();
    HsmException e =
        assertThrows(HsmException.class, () -> Tpms.open(TctiSpec.parse("mssim:port=" + port)));
    assertEquals(
        "cannot reach the TPM at mssim:host=127.0.0.1,port=" + port + ": Connection refused",
        e.getMessage());
  }

  @Test
  void deviceThatDoesNotExist() {
    HsmException e =
        assertThrows(
            HsmException.class,
            () ->
                TpmAttestor.open(
                    TctiSpec.parse("device:/nonexistent/tpmrm9"), TpmSettings.defaults()));
    assertEquals(
        "no TPM at /nonexistent/tpmrm9 (not a character device); is the TPM driver loaded?"
            + " (ls -l /dev/tpm*)",
        e.getMessage());
    assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
  }

  @Test
  void tpmThatGoesAwayWhileOpen() throws Exception {
    Swtpm swtpm = Swtpm.start();
    TpmAttestor attestor;
    SasSigner signer;
    try {
      attestor = TpmAttestor.open(swtpm.tcti(), TpmSettings.defaults());
      signer =
          attestor.activate(
              TpmChallengeBuilder.forDevice(attestor).build(TpmChallengeBuilder.randomKey()));
    } finally {
      swtpm.close();
    }
    try (attestor) {
      HsmException e = assertThrows(HsmException.class, () -> signer.sign(new byte[] {1}));
      assertEquals(HsmException.class, e.getClass());
      assertTrue(
          e.getMessage().startsWith("TPM HMAC(0x81000100) at " + swtpm.tcti() + " failed: "),
          e.getMessage());
    }
    HsmException closed = assertThrows(HsmException.class, () -> signer.sign(new byte[] {1}));
    assertEquals("the TPM attestor for " + swtpm.tcti() + " is closed", closed.getMessage());
  }

  private static int unusedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
