package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.util.Optional;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_HANDLE;

/**
 * The EK and the SRK: taken from their persistent handles, or created from the standard template
 * and persisted there when missing. An existing key is never evicted or replaced: a vendor EK is
 * what the EK certificate and the DPS enrollment refer to.
 */
final class PrimaryKeys {

  private PrimaryKeys() {}

  static TPMT_PUBLIC endorsementKey(TpmConnection connection, TpmSettings settings)
      throws HsmException {
    return ensure(
        connection,
        settings,
        "endorsement key",
        settings.endorsementKeyHandle(),
        Hierarchies.endorsement(settings),
        KeyTemplates.endorsementKey());
  }

  static TPMT_PUBLIC storageRootKey(TpmConnection connection, TpmSettings settings)
      throws HsmException {
    return ensure(
        connection,
        settings,
        "storage root key",
        settings.storageRootKeyHandle(),
        Hierarchies.owner(settings),
        KeyTemplates.storageRootKey());
  }

  /** The key at {@code handle}, or a new primary key from {@code template} persisted there. */
  private static TPMT_PUBLIC ensure(
      TpmConnection connection,
      TpmSettings settings,
      String what,
      int handle,
      TPM_HANDLE hierarchy,
      TPMT_PUBLIC template)
      throws HsmException {
    Optional<ReadPublicResponse> existing = connection.readPublic(handle, what);
    if (existing.isPresent()) {
      return existing.get().outPublic;
    }
    try (Transients transients = new Transients(connection)) {
      CreatePrimaryResponse created =
          connection.run(
              "CreatePrimary(" + what + ")",
              t ->
                  t.CreatePrimary(
                      hierarchy,
                      new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]),
                      template,
                      new byte[0],
                      new TPMS_PCR_SELECTION[0]));
      transients.track(created.handle);
      connection.runVoid(
          "EvictControl(persist " + what + " at " + TpmConnection.hex(handle) + ")",
          t ->
              t.EvictControl(Hierarchies.owner(settings), created.handle, TPM_HANDLE.from(handle)));
      return created.outPublic;
    }
  }
}
