package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.Attestor;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.NV_ReadPublicResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPM2B_PRIVATE;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPMA_NV;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_PT;
import tss.tpm.TPM_RH;
import tss.tpm.TPM_SE;

/**
 * The {@link Attestor} of a TPM 2.0 reached through TSS.Java.
 *
 * <p>On open, the EK and SRK are taken from their persistent handles; a missing one is created from
 * the standard template and persisted there. An existing key is never evicted or replaced: a vendor
 * EK is what the EK certificate and the DPS enrollment refer to.
 */
public final class TpmAttestor implements Attestor {

  /** TCG EK Credential Profile: NV index of the RSA 2048 EK certificate. */
  public static final int EK_CERTIFICATE_NV_INDEX = 0x01C00002;

  private static final int DEFAULT_INPUT_BUFFER = 1024;
  private static final int DEFAULT_NV_BUFFER = 512;
  private static final SecureRandom RANDOM = new SecureRandom();

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
      TPMT_PUBLIC ek =
          ensurePrimary(
              connection,
              settings,
              "endorsement key",
              settings.endorsementKeyHandle(),
              endorsementHierarchy(settings),
              KeyTemplates.endorsementKey());
      TPMT_PUBLIC srk =
          ensurePrimary(
              connection,
              settings,
              "storage root key",
              settings.storageRootKeyHandle(),
              ownerHierarchy(settings),
              KeyTemplates.storageRootKey());
      int maxInput = connection.property(TPM_PT.INPUT_BUFFER, DEFAULT_INPUT_BUFFER);
      return new TpmAttestor(connection, settings, ek, srk, maxInput);
    } catch (HsmException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** The key at {@code handle}, or a new primary key from {@code template} persisted there. */
  private static TPMT_PUBLIC ensurePrimary(
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
          t -> t.EvictControl(ownerHierarchy(settings), created.handle, TPM_HANDLE.from(handle)));
      return created.outPublic;
    }
  }

  private static TPM_HANDLE ownerHierarchy(TpmSettings settings) {
    TPM_HANDLE owner = TPM_HANDLE.from(TPM_RH.OWNER);
    owner.AuthValue = settings.ownerAuth();
    return owner;
  }

  private static TPM_HANDLE endorsementHierarchy(TpmSettings settings) {
    TPM_HANDLE endorsement = TPM_HANDLE.from(TPM_RH.ENDORSEMENT);
    endorsement.AuthValue = settings.endorsementAuth();
    return endorsement;
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
    return withConnection(this::readEndorsementCertificate);
  }

  private Optional<byte[]> readEndorsementCertificate(TpmConnection c) throws HsmException {
    TPM_HANDLE index = TPM_HANDLE.from(EK_CERTIFICATE_NV_INDEX);
    String what = "EK certificate " + TpmConnection.hex(EK_CERTIFICATE_NV_INDEX);
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
      authorization = TPM_HANDLE.from(EK_CERTIFICATE_NV_INDEX);
      authorization.AuthValue = new byte[0];
    } else if (nv.nvPublic.attributes.hasAttr(TPMA_NV.OWNERREAD)) {
      authorization = ownerHierarchy(settings);
    } else {
      throw new HsmException(
          "the "
              + what
              + " can be read neither with its own nor with the owner"
              + " authorization");
    }
    int chunk = Math.min(c.property(TPM_PT.NV_BUFFER_MAX, DEFAULT_NV_BUFFER), DEFAULT_INPUT_BUFFER);
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

  @Override
  public SasSigner activate(byte[] authenticationKeyBlob) throws HsmException {
    ActivationBlob blob = ActivationBlob.parse(authenticationKeyBlob);
    return withConnection(
        c -> {
          importIdentityKey(c, blob);
          return new TpmHmacSigner(this, settings.identityKeyHandle(), maxInput);
        });
  }

  /**
   * The device half of DPS TPM attestation: recover the inner wrapper key with the EK (whose policy
   * needs PolicySecret(endorsement)), import the identity key under the SRK with it, and persist
   * it.
   */
  private void importIdentityKey(TpmConnection c, ActivationBlob blob) throws HsmException {
    TPM_HANDLE srk = TPM_HANDLE.from(settings.storageRootKeyHandle());
    srk.AuthValue = new byte[0];
    TPM_HANDLE ek = TPM_HANDLE.from(settings.endorsementKeyHandle());
    String srkName = "SRK " + TpmConnection.hex(settings.storageRootKeyHandle());
    String ekName = "EK " + TpmConnection.hex(settings.endorsementKeyHandle());
    String identity = TpmConnection.hex(settings.identityKeyHandle());
    byte[] innerKey = null;
    try (Transients transients = new Transients(c)) {
      byte[] nonce = new byte[32];
      RANDOM.nextBytes(nonce);
      TPM_HANDLE session =
          transients.track(
              c.run(
                      "StartAuthSession(policy, SHA-256)",
                      t ->
                          t.StartAuthSession(
                              TPM_HANDLE.NULL,
                              TPM_HANDLE.NULL,
                              nonce,
                              new byte[0],
                              TPM_SE.POLICY,
                              new TPMT_SYM_DEF(),
                              TPM_ALG_ID.SHA256))
                  .handle);
      c.runVoid(
          "PolicySecret(endorsement hierarchy)",
          t ->
              t.PolicySecret(
                  endorsementHierarchy(settings),
                  session,
                  new byte[0],
                  new byte[0],
                  new byte[0],
                  0));
      byte[] recovered =
          c.run(
              "ActivateCredential(" + srkName + ", " + ekName + ")",
              t ->
                  t._withSessions(TPM_HANDLE.pwSession(new byte[0]), session)
                      .ActivateCredential(srk, ek, blob.credentialBlob(), blob.credentialSeed()));
      innerKey = recovered;
      transients.flush(session);
      if (recovered.length != 16 && recovered.length != 24 && recovered.length != 32) {
        throw new HsmException(
            "TPM activation blob: the credential holds a "
                + recovered.length
                + "-byte key; expected an AES key of 16, 24 or 32 bytes");
      }
      TPMT_SYM_DEF_OBJECT innerWrapper =
          new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, recovered.length * 8, TPM_ALG_ID.CFB);
      TPM2B_PRIVATE imported =
          c.run(
              "Import(identity key under " + srkName + ")",
              t ->
                  t.Import(
                      srk,
                      recovered,
                      blob.identityKey(),
                      new TPM2B_PRIVATE(blob.duplicate()),
                      blob.importSeed(),
                      innerWrapper));
      TPM_HANDLE loaded =
          transients.track(
              c.run(
                  "Load(identity key under " + srkName + ")",
                  t -> t.Load(srk, imported, blob.identityKey())));
      TPM_HANDLE persistent = TPM_HANDLE.from(settings.identityKeyHandle());
      if (c.readPublic(settings.identityKeyHandle(), "identity key").isPresent()) {
        c.runVoid(
            "EvictControl(remove old identity key at " + identity + ")",
            t -> t.EvictControl(ownerHierarchy(settings), persistent, persistent));
      }
      c.runVoid(
          "EvictControl(persist identity key at " + identity + ")",
          t -> t.EvictControl(ownerHierarchy(settings), loaded, persistent));
    } finally {
      if (innerKey != null) {
        Arrays.fill(innerKey, (byte) 0);
      }
    }
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
