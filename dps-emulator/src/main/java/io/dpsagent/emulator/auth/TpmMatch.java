package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.tpm.TpmPublic;

/**
 * How a TPM device was authenticated: by a SAS token signed with the key of its newest challenge.
 *
 * @param endorsementKey the EK the device presented with that challenge (the enrolled one)
 * @param storageRootKey the SRK it presented then, to which later blobs are encrypted
 */
public record TpmMatch(
    IndividualEnrollment enrollment, TpmPublic endorsementKey, TpmPublic storageRootKey) {}
