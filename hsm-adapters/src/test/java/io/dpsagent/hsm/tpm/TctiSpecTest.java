package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TctiSpecTest {

  @Test
  void deviceDefaultsToTheKernelResourceManager() {
    for (String text : new String[] {"", "  ", "device", "device:", null}) {
      TctiSpec spec = TctiSpec.parse(text);
      assertEquals(TctiSpec.Kind.DEVICE, spec.kind());
      assertEquals("/dev/tpmrm0", spec.path());
      assertEquals("device:/dev/tpmrm0", spec.toString());
    }
    assertEquals("/dev/tpm0", TctiSpec.parse("device:/dev/tpm0").path());
  }

  @Test
  void swtpmAndMssimTakeHostAndPortWithDefaults() {
    TctiSpec full = TctiSpec.parse("swtpm:host=10.1.2.3,port=4000");
    assertEquals(TctiSpec.Kind.SWTPM, full.kind());
    assertEquals("10.1.2.3", full.host());
    assertEquals(4000, full.port());
    assertEquals(4001, full.controlPort());
    assertEquals("swtpm:host=10.1.2.3,port=4000", full.toString());

    assertEquals(TctiSpec.swtpm("127.0.0.1", 2321), TctiSpec.parse("swtpm"));
    assertEquals(TctiSpec.swtpm("127.0.0.1", 2321), TctiSpec.parse("swtpm:"));
    assertEquals(TctiSpec.swtpm("127.0.0.1", 5555), TctiSpec.parse("swtpm:port=5555"));
    assertEquals(TctiSpec.swtpm("tpm.local", 2321), TctiSpec.parse("swtpm:host=tpm.local"));
    assertEquals(TctiSpec.swtpm("::1", 2321), TctiSpec.parse("swtpm:host=::1,port=2321"));

    TctiSpec sim = TctiSpec.parse("mssim:port=2331,host=localhost");
    assertEquals(TctiSpec.Kind.MSSIM, sim.kind());
    assertEquals("localhost", sim.host());
    assertEquals(2332, sim.controlPort());
    assertEquals("mssim:host=localhost,port=2331", sim.toString());
    assertEquals(sim, TctiSpec.parse(sim.toString()));
  }

  @Test
  void badStringsNameTheBadPart() {
    assertError(
        "tabrmd:bus_type=session",
        "TCTI 'tabrmd:bus_type=session': unsupported TCTI"
            + " 'tabrmd'; use device:/dev/tpmrm0, swtpm:host=127.0.0.1,port=2321 or mssim:host=...,port=...");
    assertError(
        "swtpm:port=abc",
        "TCTI 'swtpm:port=abc': port 'abc' is not a number between 1 and 65534 (the next port is"
            + " the control port)");
    assertError(
        "swtpm:port=65535",
        "TCTI 'swtpm:port=65535': port '65535' is not a number between 1 and 65534 (the next port"
            + " is the control port)");
    assertError(
        "mssim:port=0",
        "TCTI 'mssim:port=0': port '0' is not a number between 1 and 65534 (the next port is the"
            + " control port)");
    assertError(
        "swtpm:host=a,path=/x",
        "TCTI 'swtpm:host=a,path=/x': unknown option 'path' (only host and port are supported)");
    assertError(
        "swtpm:2321",
        "TCTI 'swtpm:2321': option '2321' is not key=value (expected host=..." + " or port=...)");
    assertError("swtpm:host=", "TCTI 'swtpm:host=': option 'host' is empty");
    assertError("swtpm:port=1,port=2", "TCTI 'swtpm:port=1,port=2': option 'port' is given twice");
    assertError(
        "swtpm:host=a,",
        "TCTI 'swtpm:host=a,': option '' is not key=value (expected" + " host=... or port=...)");
  }

  @Test
  void accessorsOfTheOtherKindAreRefused() {
    assertEquals(
        "device:/dev/tpmrm0 is not a socket TCTI",
        assertThrows(IllegalStateException.class, () -> TctiSpec.parse("").port()).getMessage());
    assertEquals(
        "swtpm:host=127.0.0.1,port=2321 is not a device TCTI",
        assertThrows(IllegalStateException.class, () -> TctiSpec.parse("swtpm").path())
            .getMessage());
  }

  private static void assertError(String text, String message) {
    assertEquals(
        message,
        assertThrows(IllegalArgumentException.class, () -> TctiSpec.parse(text)).getMessage());
  }
}
