package io.dpsagent.emulator.tpm;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A parsed {@code TPM2B_PUBLIC} of the kind DPS devices send for their endorsement key (EK) and
 * storage root key (SRK): an RSA-2048 key with SHA-256 as name algorithm and AES-128-CFB as its
 * symmetric algorithm, which every DPS client's EK and SRK template uses.
 *
 * <p>Anything else is refused with a message naming the field, since the activation blob is
 * encrypted to these keys and would be useless to a TPM with other parameters.
 */
public final class TpmPublic {

  private static final int RSA_BITS = 2048;
  private static final int AES_BITS = 128;
  private static final int DEFAULT_EXPONENT = 65537;

  private final byte[] marshalled;
  private final byte[] publicArea;
  private final RSAPublicKey rsaKey;

  private TpmPublic(byte[] marshalled, byte[] publicArea, RSAPublicKey rsaKey) {
    this.marshalled = marshalled;
    this.publicArea = publicArea;
    this.rsaKey = rsaKey;
  }

  /**
   * Parses a marshalled {@code TPM2B_PUBLIC}: the 16-bit size, then exactly that many bytes of
   * {@code TPMT_PUBLIC}.
   */
  public static TpmPublic parse(byte[] tpm2bPublic) throws InvalidTpmPublicException {
    byte[] marshalled = tpm2bPublic.clone();
    try {
      ByteBuffer in = ByteBuffer.wrap(marshalled);
      int size = u16(in);
      if (size != in.remaining()) {
        throw new InvalidTpmPublicException(
            "the size prefix says " + size + " bytes but " + in.remaining() + " follow");
      }
      byte[] publicArea = Arrays.copyOfRange(marshalled, 2, marshalled.length);
      return new TpmPublic(marshalled, publicArea, readRsaPublicArea(in));
    } catch (BufferUnderflowException e) {
      throw new InvalidTpmPublicException("truncated TPMT_PUBLIC");
    }
  }

  private static RSAPublicKey readRsaPublicArea(ByteBuffer in) throws InvalidTpmPublicException {
    expect(u16(in), TpmAlgorithms.RSA, "type must be RSA (0x0001)");
    expect(u16(in), TpmAlgorithms.SHA256, "nameAlg must be SHA-256 (0x000B)");
    in.getInt(); // objectAttributes: the TPM enforces them, the blob does not depend on them
    skip(in, u16(in)); // authPolicy
    expect(u16(in), TpmAlgorithms.AES, "symmetric algorithm must be AES (0x0006)");
    expect(u16(in), AES_BITS, "symmetric key size must be 128 bits");
    expect(u16(in), TpmAlgorithms.CFB, "symmetric mode must be CFB (0x0043)");
    int scheme = u16(in);
    if (scheme != TpmAlgorithms.NULL) {
      u16(in); // every RSA scheme's details are one hash algorithm
    }
    expect(u16(in), RSA_BITS, "key size must be 2048 bits");
    long exponent = Integer.toUnsignedLong(in.getInt());
    byte[] modulus = new byte[u16(in)];
    in.get(modulus);
    if (in.hasRemaining()) {
      throw new InvalidTpmPublicException(in.remaining() + " bytes follow the RSA modulus");
    }
    if (modulus.length != RSA_BITS / 8) {
      throw new InvalidTpmPublicException("the RSA modulus must be 256 bytes");
    }
    return rsaKey(new BigInteger(1, modulus), exponent == 0 ? DEFAULT_EXPONENT : exponent);
  }

  private static RSAPublicKey rsaKey(BigInteger modulus, long exponent)
      throws InvalidTpmPublicException {
    if (!modulus.testBit(RSA_BITS - 1) || !modulus.testBit(0)) {
      throw new InvalidTpmPublicException("the RSA modulus is not a 2048-bit odd number");
    }
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(exponent)));
    } catch (GeneralSecurityException e) {
      throw new InvalidTpmPublicException("not a usable RSA public key");
    }
  }

  private static int u16(ByteBuffer in) {
    return Short.toUnsignedInt(in.getShort());
  }

  private static void skip(ByteBuffer in, int bytes) {
    if (bytes > in.remaining()) {
      throw new BufferUnderflowException();
    }
    in.position(in.position() + bytes);
  }

  private static void expect(int actual, int expected, String rule)
      throws InvalidTpmPublicException {
    if (actual != expected) {
      throw new InvalidTpmPublicException(rule + String.format(" (got 0x%04X)", actual));
    }
  }

  /** The bytes as received: size prefix and {@code TPMT_PUBLIC}. */
  public byte[] marshalled() {
    return marshalled.clone();
  }

  /** The {@code TPMT_PUBLIC} without its size prefix. */
  public byte[] publicArea() {
    return publicArea.clone();
  }

  /** {@code 000B ‖ SHA-256(TPMT_PUBLIC)}. */
  public byte[] name() {
    return TpmCrypto.name(publicArea);
  }

  public RSAPublicKey rsaKey() {
    return rsaKey;
  }

  /** True if {@code tpm2bPublic} are exactly the bytes this key was parsed from. */
  public boolean hasBytes(byte[] tpm2bPublic) {
    return MessageDigest.isEqual(marshalled, tpm2bPublic);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TpmPublic that && Arrays.equals(marshalled, that.marshalled);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(marshalled);
  }

  @Override
  public String toString() {
    return "TpmPublic[RSA-2048, name=" + HexFormat.of().formatHex(name()) + "]";
  }
}
