package io.dpsagent.hsm.tpm;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * A TCP connection to a TPM (swtpm or the Microsoft simulator) whose connect and reads are bounded
 * by {@link TpmTimeouts}: reads block in short slices (SO_TIMEOUT) so that a deadline or a stop
 * request ends them, and a TPM held by another client cannot keep the agent waiting.
 */
final class TpmSocket implements Closeable {

  private final String name;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private TpmSocket(String name, Socket socket) throws IOException {
    this.name = name;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code host:port}; {@code name} is how messages call the TPM.
   *
   * @throws TpmNoAnswerException if the connection is not made in time
   */
  static TpmSocket connect(String name, String host, int port, TpmTimeouts timeouts)
      throws IOException {
    Socket socket = new Socket();
    int millis = timeouts.connectMillis();
    try {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setTcpNoDelay(true);
      return new TpmSocket(name, socket);
    } catch (SocketTimeoutException e) {
      socket.close();
      throw TpmTimeouts.noAnswer(name, Duration.ofMillis(millis));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Sends in one write: swtpm reads a control message with a single recv(). */
  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void writeInt(int value) throws IOException {
    write(ByteBuffer.allocate(4).putInt(value).array());
  }

  /**
   * Reads exactly {@code length} bytes into {@code buffer} at {@code offset} within {@code wait}.
   */
  void readFully(byte[] buffer, int offset, int length, TpmTimeouts.Wait wait) throws IOException {
    int end = offset + length;
    while (offset < end) {
      socket.setSoTimeout(wait.nextSliceMillis());
      try {
        int n = in.read(buffer, offset, end - offset);
        if (n < 0) {
          throw new EOFException(name + " closed the connection");
        }
        offset += n;
      } catch (SocketTimeoutException e) {
        // a slice passed without data: look at the deadline and the stop request again
      }
    }
  }

  int readInt(TpmTimeouts.Wait wait) throws IOException {
    byte[] bytes = new byte[4];
    readFully(bytes, 0, 4, wait);
    return ByteBuffer.wrap(bytes).getInt();
  }

  /** A complete TPM response (header, then as many bytes as it announces). */
  byte[] readResponse(TpmTimeouts.Wait wait) throws IOException {
    byte[] header = new byte[TpmResponses.HEADER_SIZE];
    readFully(header, 0, header.length, wait);
    byte[] response = Arrays.copyOf(header, TpmResponses.announcedSize(header));
    readFully(response, header.length, response.length - header.length, wait);
    return response;
  }

  boolean hasInput() throws IOException {
    return in.available() > 0;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket we are done with: nothing to recover
    }
  }
}
