package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.IOException;

/**
 * A TSS.Java device whose every connect and wait is bounded by {@link TpmTimeouts}; TSS.Java's own
 * devices can wait for ever. {@link #open()} says why a device cannot be reached, where TSS.Java's
 * {@link #connect()} only answers yes or no.
 */
abstract class BoundedTpmDevice extends tss.TpmDevice {

  final TpmTimeouts timeouts;

  BoundedTpmDevice(TpmTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  /**
   * Opens the device if it is not open yet.
   *
   * @throws TpmNoAnswerException if the device does not answer within the connect timeout
   * @throws HsmException {@link HsmException.Kind#UNAVAILABLE} when there is no TPM where the
   *     device points
   */
  abstract void open() throws IOException, HsmException;

  @Override
  public final boolean connect() {
    try {
      open();
      return true;
    } catch (IOException | HsmException | TpmNoAnswerException e) {
      return false;
    }
  }
}
