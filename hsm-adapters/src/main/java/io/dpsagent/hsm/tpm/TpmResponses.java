package io.dpsagent.hsm.tpm;

import java.io.IOException;

/** Framing checks shared by the devices: every TPM response starts with tag, size, code. */
final class TpmResponses {

  static final int HEADER_SIZE = 10;

  /** Far above any TPM's TPM_PT_MAX_RESPONSE_SIZE (4 KiB in practice): guards against garbage. */
  static final int MAX_SIZE = 64 * 1024;

  private TpmResponses() {}

  /** The total response size announced by a header, checked for sanity. */
  static int announcedSize(byte[] header) throws IOException {
    int size =
        ((header[2] & 0xff) << 24)
            | ((header[3] & 0xff) << 16)
            | ((header[4] & 0xff) << 8)
            | (header[5] & 0xff);
    if (size < HEADER_SIZE || size > MAX_SIZE) {
      throw new IOException("malformed TPM response: header announces " + size + " bytes");
    }
    return size;
  }
}
