package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import tss.tpm.NV_ReadPublicResponse;
import tss.tpm.TPMA_NV;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_PT;

/** The EK certificate a vendor stored in NV, read in chunks the TPM accepts. */
final class EndorsementCertificate {

  /** TCG EK Credential Profile: NV index of the RSA 2048 EK certificate. */
  static final int NV_INDEX = 0x01C00002;

  private static final int DEFAULT_NV_BUFFER = 512;

  private EndorsementCertificate() {}

  /** The certificate, or empty when the index is not defined or not written. */
  static Optional<byte[]> read(TpmConnection c, TpmSettings settings) throws HsmException {
    TPM_HANDLE index = TPM_HANDLE.from(NV_INDEX);
    String what = "EK certificate " + TpmConnection.hex(NV_INDEX);
    NV_ReadPublicResponse nv;
    try {
      nv = c.run("NV_ReadPublic(" + what + ")", t -> t.NV_ReadPublic(index));
    } catch (TpmException e) {
      if (e.responseCode().base() == TpmResponseCode.HANDLE) {
        return Optional.empty();
      }
      throw e;
    }
    int size = nv.nvPublic.dataSize;
    if (size == 0 || !nv.nvPublic.attributes.hasAttr(TPMA_NV.WRITTEN)) {
      return Optional.empty();
    }
    TPM_HANDLE authorization;
    if (nv.nvPublic.attributes.hasAttr(TPMA_NV.AUTHREAD)) {
      authorization = TPM_HANDLE.from(NV_INDEX);
      authorization.AuthValue = new byte[0];
    } else if (nv.nvPublic.attributes.hasAttr(TPMA_NV.OWNERREAD)) {
      authorization = Hierarchies.owner(settings);
    } else {
      throw new HsmException(
          "the "
              + what
              + " can be read neither with its own nor with the owner"
              + " authorization");
    }
    int chunk =
        Math.min(
            c.property(TPM_PT.NV_BUFFER_MAX, DEFAULT_NV_BUFFER),
            TpmConnection.DEFAULT_INPUT_BUFFER);
    ByteArrayOutputStream der = new ByteArrayOutputStream(size);
    for (int offset = 0; offset < size; offset += chunk) {
      int length = Math.min(chunk, size - offset);
      int at = offset;
      der.writeBytes(
          c.run(
              "NV_Read(" + what + ", offset " + at + ")",
              t -> t.NV_Read(authorization, index, length, at)));
    }
    return Optional.of(trimDer(der.toByteArray()));
  }

  /** Vendors may pad the NV index; the certificate is the leading DER SEQUENCE. */
  static byte[] trimDer(byte[] data) {
    if (data.length < 2 || data[0] != 0x30) {
      return data;
    }
    int first = data[1] & 0xff;
    long total;
    if (first < 0x80) {
      total = 2 + first;
    } else {
      int lengthBytes = first & 0x7f;
      if (lengthBytes == 0 || lengthBytes > 4 || data.length < 2 + lengthBytes) {
        return data;
      }
      long length = 0;
      for (int i = 0; i < lengthBytes; i++) {
        length = (length << 8) | (data[2 + i] & 0xff);
      }
      total = 2 + lengthBytes + length;
    }
    return total < data.length ? Arrays.copyOf(data, (int) total) : data;
  }
}
