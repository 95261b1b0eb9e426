package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.Attestor;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_PT;

/**
 * The {@link Attestor} of a TPM 2.0 reached through TSS.Java.
 *
 * <p>On open, the EK and SRK are taken from their persistent handles; a missing one is created from
 * the standard template and persisted there. An existing key is never evicted or replaced: a vendor
 * EK is what the EK certificate and the DPS enrollment refer to.
 */
public final class TpmAttestor implements Attestor {

  /** TCG EK Credential Profile: NV index of the RSA 2048 EK certificate. */
  public static final int EK_CERTIFICATE_NV_INDEX = EndorsementCertificate.NV_INDEX;

  private final TctiSpec tcti;
  private final TpmSettings settings;
  private final byte[] endorsementKey;
  private final byte[] storageRootKey;
  private final int maxInput;
  private TpmConnection connection; // null once closed

  private TpmAttestor(
      TpmConnection connection,
      TpmSettings settings,
      TPMT_PUBLIC ek,
      TPMT_PUBLIC srk,
      int maxInput) {
    this.tcti = connection.tcti();
    this.connection = connection;
    this.settings = settings;
    this.endorsementKey = new TPM2B_PUBLIC(ek).toBytes();
    this.storageRootKey = new TPM2B_PUBLIC(srk).toBytes();
    this.maxInput = maxInput;
  }

  /** {@link #open(TctiSpec, TpmSettings, TpmTimeouts)} with {@link TpmTimeouts#defaults()}. */
  public static TpmAttestor open(TctiSpec tcti, TpmSettings settings) throws HsmException {
    return open(tcti, settings, TpmTimeouts.defaults());
  }

  /**
   * Connects to the TPM and makes sure the EK and SRK exist at their handles. Every TPM command of
   * the attestor, now and later, waits at most as long as {@code timeouts} allows.
   *
   * @throws HsmException naming the TCTI if the TPM cannot be reached or does not answer in time; a
   *     {@link TpmException} if it refuses to read or create a key (e.g. a wrong hierarchy
   *     password)
   */
  public static TpmAttestor open(TctiSpec tcti, TpmSettings settings, TpmTimeouts timeouts)
      throws HsmException {
    TpmConnection connection = TpmConnection.open(tcti, timeouts);
    try {
      TPMT_PUBLIC ek = PrimaryKeys.endorsementKey(connection, settings);
      TPMT_PUBLIC srk = PrimaryKeys.storageRootKey(connection, settings);
      int maxInput = connection.property(TPM_PT.INPUT_BUFFER, TpmConnection.DEFAULT_INPUT_BUFFER);
      return new TpmAttestor(connection, settings, ek, srk, maxInput);
    } catch (HsmException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Where this attestor's TPM is. */
  public TctiSpec tcti() {
    return tcti;
  }

  public TpmSettings settings() {
    return settings;
  }

  @Override
  public byte[] endorsementKey() {
    return endorsementKey.clone();
  }

  @Override
  public byte[] storageRootKey() {
    return storageRootKey.clone();
  }

  @Override
  public String registrationId() {
    return RegistrationIds.fromEndorsementKey(endorsementKey);
  }

  @Override
  public Optional<byte[]> endorsementCertificate() throws HsmException {
    return withConnection(c -> EndorsementCertificate.read(c, settings));
  }

  @Override
  public SasSigner activate(byte[] authenticationKeyBlob) throws HsmException {
    ActivationBlob blob = ActivationBlob.parse(authenticationKeyBlob);
    return withConnection(
        c -> {
          IdentityKeyImport.importIdentityKey(c, settings, blob);
          return new TpmHmacSigner(this, settings.identityKeyHandle(), maxInput);
        });
  }

  @Override
  public SasSigner signer() throws HsmException {
    return withConnection(
        c -> {
          int handle = settings.identityKeyHandle();
          ReadPublicResponse key =
              c.readPublic(handle, "identity key")
                  .orElseThrow(
                      () ->
                          new HsmException(
                              "no identity key is persisted at "
                                  + TpmConnection.hex(handle)
                                  + "; it is stored there by a successful DPS TPM attestation"));
          if (key.outPublic.type() != TPM_ALG_ID.KEYEDHASH) {
            throw new HsmException(
                "the key at "
                    + TpmConnection.hex(handle)
                    + " is a "
                    + TpmConnection.name(key.outPublic.type())
                    + " key, not an HMAC identity key");
          }
          return new TpmHmacSigner(this, handle, maxInput);
        });
  }

  /** Transient objects and sessions currently loaded in the TPM (for diagnostics and tests). */
  List<Integer> loadedHandles() throws HsmException {
    return withConnection(
        c -> {
          List<Integer> all = new ArrayList<>(c.handles(TpmConnection.FIRST_TRANSIENT));
          all.addAll(c.handles(TpmConnection.FIRST_HMAC_SESSION));
          all.addAll(c.handles(TpmConnection.FIRST_POLICY_SESSION));
          return all;
        });
  }

  /** Work that needs the TPM. */
  interface TpmWork<T> {
    T run(TpmConnection connection) throws HsmException;
  }

  /** Runs TPM work with the connection held exclusively; the TPM takes one command at a time. */
  synchronized <T> T withConnection(TpmWork<T> work) throws HsmException {
    if (connection == null) {
      throw new HsmException("the TPM attestor for " + tcti + " is closed");
    }
    return work.run(connection);
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  @Override
  public String toString() {
    return "TpmAttestor[" + tcti + ", " + settings + "]";
  }
}
