package io.dpsagent.hsm;

import java.util.Optional;

/**
 * A TPM as DPS sees it: the endorsement and storage root keys it presents, and the ability to take
 * in the identity key DPS sends (the activation blob) and sign with it without the key leaving the
 * TPM.
 *
 * <p>An attestor holds the TPM connection open; close it when done. Signers it returns work only
 * while it is open. Implementations are thread-safe (the TPM runs one command at a time).
 */
public interface Attestor extends AutoCloseable {

  /**
   * The EK's marshalled TPM2B_PUBLIC (u16 size + TPMT_PUBLIC): DPS's {@code tpm.endorsementKey}.
   */
  byte[] endorsementKey();

  /** The SRK's marshalled TPM2B_PUBLIC: DPS's {@code tpm.storageRootKey}. */
  byte[] storageRootKey();

  /**
   * The default registration ID derived from the EK: {@code lower(base32(SHA-256(ek)))}, as the
   * Azure SDKs do.
   */
  String registrationId();

  /** The EK certificate (DER) the vendor stored in NV, if there is one. */
  Optional<byte[]> endorsementCertificate() throws HsmException;

  /**
   * Imports the identity key from a DPS activation blob, persists it (replacing any key at the
   * identity handle) and returns a signer that uses it.
   *
   * @throws HsmException if the blob is malformed or not made for this TPM's EK and SRK; a {@code
   *     TpmException} when the TPM refuses a step
   */
  SasSigner activate(byte[] authenticationKeyBlob) throws HsmException;

  /** A signer for the identity key persisted by an earlier activation. */
  SasSigner signer() throws HsmException;

  @Override
  void close();
}
