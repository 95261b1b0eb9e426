package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.util.Arrays;
import tss.tpm.SequenceCompleteResponse;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/**
 * HMAC-SHA256 computed inside the TPM with a persistent keyed-hash key. Data longer than the TPM's
 * input buffer goes through an HMAC sequence.
 */
record TpmHmacSigner(TpmAttestor owner, int keyHandle, int maxInput) implements SasSigner {

  @Override
  public byte[] sign(byte[] data) throws HsmException {
    return owner.withConnection(
        connection ->
            data.length <= maxInput
                ? connection.run(
                    "HMAC(" + TpmConnection.hex(keyHandle) + ")",
                    t -> t.HMAC(key(), data, TPM_ALG_ID.SHA256))
                : sequence(connection, data));
  }

  private byte[] sequence(TpmConnection connection, byte[] data) throws HsmException {
    try (Transients transients = new Transients(connection)) {
      TPM_HANDLE sequence =
          transients.track(
              connection.run(
                  "HMAC_Start(" + TpmConnection.hex(keyHandle) + ")",
                  t -> t.HMAC_Start(key(), new byte[0], TPM_ALG_ID.SHA256)));
      sequence.AuthValue = new byte[0];
      int offset = 0;
      while (data.length - offset > maxInput) {
        byte[] chunk = Arrays.copyOfRange(data, offset, offset + maxInput);
        connection.runVoid("SequenceUpdate", t -> t.SequenceUpdate(sequence, chunk));
        offset += maxInput;
      }
      byte[] last = Arrays.copyOfRange(data, offset, data.length);
      SequenceCompleteResponse done =
          connection.run(
              "SequenceComplete",
              t -> t.SequenceComplete(sequence, last, TPM_HANDLE.from(TPM_RH.NULL)));
      transients.released(sequence);
      return done.result;
    }
  }

  private TPM_HANDLE key() {
    TPM_HANDLE key = TPM_HANDLE.from(keyHandle);
    key.AuthValue = new byte[0];
    return key;
  }

  @Override
  public String toString() {
    return "TpmHmacSigner[" + TpmConnection.hex(keyHandle) + "]";
  }
}
