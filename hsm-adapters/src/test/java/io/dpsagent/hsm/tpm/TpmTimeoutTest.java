package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.testing.SilentCharacterDevice;
import io.dpsagent.hsm.testing.SilentTpm;
import io.dpsagent.hsm.testing.Swtpm;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import tss.Tpm;

/**
 * A TPM that does not answer holds the agent no longer than its timeouts, and a stop ends the wait.
 */
class TpmTimeoutTest {

  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  /** One second to connect, one for each answer. */
  private static final TpmTimeouts ONE_SECOND_EACH = TpmTimeouts.of(ONE_SECOND, ONE_SECOND);

  /** Start-up of a TSS.Java Tpm and the thread hand-offs: far below any timeout under test. */
  private static final Duration SLACK = Duration.ofMillis(900);

  /** TPM2_GetRandom(8), as TSS.Java would marshal it. */
  private static final byte[] GET_RANDOM_8 = {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7B, 0, 8};

  @Test
  void silentSwtpmEndsAtTheCommandTimeout() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      TctiSpec tcti = TctiSpec.swtpm("127.0.0.1", silent.port());
      HsmException e =
          failsWithin(
              ONE_SECOND, () -> TpmAttestor.open(tcti, TpmSettings.defaults(), ONE_SECOND_EACH));
      assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
      assertEquals(
          tcti + ": TPM did not answer in 1 s (is another program using it?)", e.getMessage());
    }
  }

  /** swtpm serves one client at a time: a second one waits until the first lets go. */
  @Test
  void realSwtpmHeldByAnotherClient() throws Exception {
    try (Swtpm swtpm = Swtpm.start();
        Tpm holder = Tpms.open(swtpm.tcti())) {
      HsmException e =
          failsWithin(
              ONE_SECOND,
              () -> TpmAttestor.open(swtpm.tcti(), TpmSettings.defaults(), ONE_SECOND_EACH));
      assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
      assertEquals(
          swtpm.tcti() + ": TPM did not answer in 1 s (is another program using it?)",
          e.getMessage());
      assertEquals(8, holder.GetRandom(8).length, "the first client still has the TPM");
    }
  }

  @Test
  void deadlineCutsTheCommandTimeoutShort() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      TctiSpec tcti = TctiSpec.swtpm("127.0.0.1", silent.port());
      TpmTimeouts timeouts =
          TpmTimeouts.of(Duration.ofSeconds(30), Duration.ofSeconds(30)).within(ONE_SECOND);
      HsmException e = failsWithin(ONE_SECOND, () -> Tpms.open(tcti, timeouts));
      assertEquals(
          tcti + ": TPM did not answer in 1 s (is another program using it?)", e.getMessage());
    }
  }

  @Test
  void stopRequestEndsTheWait() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      assertAStopRequestEndsTheWait(TctiSpec.swtpm("127.0.0.1", silent.port()));
    }
  }

  @Test
  void silentSimulatorPlatformPort() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      TctiSpec tcti = TctiSpec.mssim("127.0.0.1", silent.port());
      HsmException e = failsWithin(ONE_SECOND, () -> Tpms.open(tcti, ONE_SECOND_EACH));
      assertEquals(
          tcti
              + " (platform port "
              + (silent.port() + 1)
              + "): TPM did not answer in 1 s"
              + " (is another program using it?)",
          e.getMessage());
    }
  }

  /**
   * swtpm's data port also takes the simulator's framing, so the simulator device can be run on it.
   */
  @Test
  void simulatorFramingWorksAndTimesOut() throws Exception {
    try (Swtpm swtpm = Swtpm.start()) {
      MssimTcpDevice device = new MssimTcpDevice("127.0.0.1", swtpm.port(), ONE_SECOND_EACH);
      device.open();
      try (Tpm tpm = new Tpm()) {
        tpm._setDevice(device);
        byte[] random = tpm.GetRandom(16);
        assertEquals(16, random.length);
        try (SilentTpm silent = SilentTpm.start()) {
          MssimTcpDevice silentDevice =
              new MssimTcpDevice("127.0.0.1", silent.port(), ONE_SECOND_EACH);
          silentDevice.open();
          silentDevice.dispatchCommand(GET_RANDOM_8);
          TpmNoAnswerException e =
              assertThrows(TpmNoAnswerException.class, silentDevice::getResponse);
          assertEquals(
              "mssim:host=127.0.0.1,port="
                  + silent.port()
                  + ": TPM did not answer in 1 s (is another program using it?)",
              e.getMessage());
          assertGivenUp(
              silentDevice, "mssim:host=127.0.0.1,port=" + silent.port() + " is not open");
        }
      }
    }
  }

  /** A character device that takes the command and never answers: the wait ends all the same. */
  @Test
  void silentCharacterDeviceEndsAtTheCommandTimeout() throws Exception {
    try (SilentCharacterDevice device = SilentCharacterDevice.start()) {
      TctiSpec tcti = TctiSpec.device(device.path().toString());
      HsmException e = failsWithin(ONE_SECOND, () -> Tpms.open(tcti, ONE_SECOND_EACH));
      assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
      assertEquals(
          tcti + ": TPM did not answer in 1 s (is another program using it?)", e.getMessage());
    }
  }

  @Test
  void stopRequestEndsAWaitOnACharacterDevice() throws Exception {
    try (SilentCharacterDevice device = SilentCharacterDevice.start()) {
      assertAStopRequestEndsTheWait(TctiSpec.device(device.path().toString()));
    }
  }

  /** A late answer must never be taken for the answer to the next command: the device is closed. */
  @Test
  void devicesGiveUpOnTheirConnectionAfterATimeout() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      SwtpmTcpDevice device = new SwtpmTcpDevice("127.0.0.1", silent.port(), ONE_SECOND_EACH);
      device.open();
      device.dispatchCommand(GET_RANDOM_8);
      assertThrows(TpmNoAnswerException.class, device::getResponse);
      assertGivenUp(device, "swtpm:host=127.0.0.1,port=" + silent.port() + " is not open");
    }
    try (SilentCharacterDevice pty = SilentCharacterDevice.start()) {
      TpmCharacterDevice device = new TpmCharacterDevice(pty.path().toString(), ONE_SECOND_EACH);
      device.open();
      assertThrows(TpmNoAnswerException.class, () -> device.dispatchCommand(GET_RANDOM_8));
      assertGivenUp(device, "TPM device " + pty.path() + " is not open");
    }
  }

  private static void assertGivenUp(tss.TpmDevice device, String message) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> device.dispatchCommand(GET_RANDOM_8));
    assertEquals(message, e.getMessage());
  }

  @Test
  void timeoutsMustBePositive() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TpmTimeouts.of(Duration.ZERO, ONE_SECOND));
    assertEquals("connect timeout must be positive, not PT0S", e.getMessage());
  }

  /**
   * Runs {@code action}, which must fail after about {@code expected}: not sooner, not much later.
   */
  private static HsmException failsWithin(Duration expected, Executable action) {
    long start = System.nanoTime();
    HsmException e = assertThrows(HsmException.class, action);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(expected.minusMillis(50)) >= 0, "gave up too early, after " + took);
    assertTrue(
        took.compareTo(expected.plus(SLACK)) <= 0, "took " + took + ", expected about " + expected);
    return e;
  }

  /** A TPM that never answers, long timeouts, and a stop request after 300 ms. */
  private static void assertAStopRequestEndsTheWait(TctiSpec tcti) {
    AtomicBoolean stop = new AtomicBoolean();
    TpmTimeouts timeouts =
        TpmTimeouts.of(Duration.ofSeconds(30), Duration.ofSeconds(30)).stoppingWhen(stop::get);
    stopAfter(stop, Duration.ofMillis(300));
    HsmException e = failsWithin(Duration.ofMillis(300), () -> Tpms.open(tcti, timeouts));
    assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
    assertEquals(
        tcti + ": stopped waiting for the TPM (the agent was asked to stop)", e.getMessage());
  }

  private static void stopAfter(AtomicBoolean stop, Duration delay) {
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(delay.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              stop.set(true);
            },
            "stopper");
    stopper.setDaemon(true);
    stopper.start();
  }
}
