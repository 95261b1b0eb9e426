package io.dpsagent.emulator.tpm;

import java.io.ByteArrayOutputStream;

/** Big-endian TPM marshalling of the few shapes the activation blob needs. */
final class TpmWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TpmWriter u16(int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException("not a 16-bit value: " + value);
    }
    out.write(value >>> 8);
    out.write(value);
    return this;
  }

  TpmWriter u32(int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
    return this;
  }

  TpmWriter raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** A TPM2B: 16-bit length, then the bytes. */
  TpmWriter sized(byte[] bytes) {
    return u16(bytes.length).raw(bytes);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  /** {@code bytes} as a TPM2B. */
  static byte[] tpm2b(byte[] bytes) {
    return new TpmWriter().sized(bytes).toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    TpmWriter writer = new TpmWriter();
    for (byte[] part : parts) {
      writer.raw(part);
    }
    return writer.toByteArray();
  }
}
