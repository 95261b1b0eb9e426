package io.dpsagent.hsm.tpm;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A TPM on one TCP command connection (swtpm, the Microsoft simulator): one command out, then its
 * answer back, each read bounded by {@link TpmTimeouts}. Subclasses say only how a command and its
 * answer are framed on the wire.
 */
abstract class TcpTpmDevice extends BoundedTpmDevice {

  private final String scheme;
  private final String peer;
  final String host;
  final int port;
  private TpmSocket commands;
  private boolean pending;

  /**
   * @param scheme the TCTI name, for {@link #toString()}
   * @param peer how messages name the other end, e.g. {@code "the simulator"}
   */
  TcpTpmDevice(String scheme, String peer, String host, int port, TpmTimeouts timeouts) {
    super(timeouts);
    this.scheme = scheme;
    this.peer = peer;
    this.host = host;
    this.port = port;
  }

  /** The bytes that carry {@code command} to the TPM. */
  abstract byte[] frame(byte[] command);

  /** Reads one framed answer: the TPM response inside it. */
  abstract byte[] readAnswer(TpmSocket commands, TpmTimeouts.Wait wait) throws IOException;

  /** Called just before the connection is closed; does nothing unless the protocol says goodbye. */
  void beforeClose(TpmSocket commands) {}

  /**
   * @throws TpmNoAnswerException if the connection is not made within the connect timeout
   */
  @Override
  void open() throws IOException {
    if (commands == null) {
      commands = TpmSocket.connect(toString(), host, port, timeouts);
    }
  }

  @Override
  public void close() {
    if (commands != null) {
      beforeClose(commands);
      commands.close();
      commands = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    requireOpen();
    try {
      commands.write(frame(command));
      pending = true;
    } catch (IOException e) {
      throw new UncheckedIOException("sending a command to " + where() + " failed", e);
    }
  }

  /**
   * @throws TpmNoAnswerException when the TPM does not answer in time or a stop is requested
   */
  @Override
  public byte[] getResponse() {
    requireOpen();
    if (!pending) {
      throw new IllegalStateException("no TPM command is pending");
    }
    pending = false;
    try {
      return readAnswer(commands, timeouts.forAnswer(toString()));
    } catch (TpmNoAnswerException e) {
      close(); // a late answer would be taken for the answer to the next command
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading a response from " + where() + " failed", e);
    }
  }

  @Override
  public boolean responseReady() {
    requireOpen();
    try {
      return commands.hasInput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String where() {
    return peer + " at " + host + ":" + port;
  }

  private void requireOpen() {
    if (commands == null) {
      throw new IllegalStateException(this + " is not open");
    }
  }

  @Override
  public String toString() {
    return scheme + ":host=" + host + ",port=" + port;
  }
}
