package io.dpsagent.hsm.tpm;

import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/** The TPM hierarchies the attestor authorizes with, carrying the passwords from its settings. */
final class Hierarchies {

  private Hierarchies() {}

  static TPM_HANDLE owner(TpmSettings settings) {
    TPM_HANDLE owner = TPM_HANDLE.from(TPM_RH.OWNER);
    owner.AuthValue = settings.ownerAuth();
    return owner;
  }

  static TPM_HANDLE endorsement(TpmSettings settings) {
    TPM_HANDLE endorsement = TPM_HANDLE.from(TPM_RH.ENDORSEMENT);
    endorsement.AuthValue = settings.endorsementAuth();
    return endorsement;
  }
}
