package io.dpsagent.hsm.software;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.HsmException.Kind;
import io.dpsagent.hsm.KeyAlgorithm;
import io.dpsagent.hsm.pem.Pem;
import io.dpsagent.hsm.tls.SingleKeyTlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A TLS client identity from files: a PEM certificate chain with an unencrypted private key (PKCS#8
 * or the traditional RSA/EC forms), or a PKCS#12 bundle whose password is read from a file.
 *
 * <p>Loading proves that the key belongs to the leaf certificate (a signature made with the key
 * must verify with the certificate), so a mismatched pair fails here, with the file names, rather
 * than as an opaque handshake failure at DPS.
 */
public final class SoftwareTlsIdentity extends SingleKeyTlsIdentity {

  private SoftwareTlsIdentity(PrivateKey key, List<X509Certificate> chain) {
    super(key, chain);
  }

  /** Loads a PEM chain (leaf first) and its private key; the key file must be owner-only. */
  public static SoftwareTlsIdentity fromPem(Path chainFile, Path keyFile) throws HsmException {
    List<X509Certificate> chain = readChain(chainFile);
    PrivateKey key = readPemKey(keyFile, KeyFiles.readSecretText(keyFile));
    requireMatchingPair(key, chain.get(0), chainFile.toString(), keyFile);
    return new SoftwareTlsIdentity(key, chain);
  }

  /**
   * Pairs a chain held in memory (leaf first, e.g. one just issued) with the private key in {@code
   * keyFile}; the key file must be owner-only.
   *
   * @param chainSource names the chain in messages
   */
  public static SoftwareTlsIdentity fromKeyFile(
      List<X509Certificate> chain, String chainSource, Path keyFile) throws HsmException {
    PrivateKey key = readPemKey(keyFile, KeyFiles.readSecretText(keyFile));
    requireMatchingPair(key, chain.get(0), chainSource, keyFile);
    return new SoftwareTlsIdentity(key, chain);
  }

  /**
   * Loads the first key entry of a PKCS#12 file, with the password read from an owner-only file.
   */
  public static SoftwareTlsIdentity fromPkcs12(Path p12File, Path passwordFile)
      throws HsmException {
    char[] password = KeyFiles.readSecretText(passwordFile).strip().toCharArray();
    KeyFiles.requireOwnerOnly(p12File);
    try (InputStream in = Files.newInputStream(p12File)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          PrivateKey key = (PrivateKey) store.getKey(alias, password);
          List<X509Certificate> chain = new ArrayList<>();
          for (Certificate c : store.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
          }
          requireMatchingPair(key, chain.get(0), p12File.toString(), p12File);
          return new SoftwareTlsIdentity(key, chain);
        }
      }
      throw new HsmException(
          Kind.KEY_SOURCE, "PKCS#12 file " + p12File + " holds no private key entry");
    } catch (NoSuchFileException e) {
      throw new HsmException(Kind.KEY_SOURCE, "PKCS#12 file " + p12File + " does not exist");
    } catch (IOException e) {
      // KeyStore.load reports a wrong password as an IOException whose cause is unrecoverable.
      throw new HsmException(
          Kind.KEY_SOURCE,
          "cannot open PKCS#12 file "
              + p12File
              + ": wrong password in "
              + passwordFile
              + " or not a PKCS#12 file");
    } catch (GeneralSecurityException e) {
      throw new HsmException(
          Kind.KEY_SOURCE,
          "cannot read PKCS#12 file " + p12File + ": " + e.getClass().getSimpleName());
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  /** Reads every certificate of a PEM file, in file order. */
  public static List<X509Certificate> readChain(Path file) throws HsmException {
    try {
      List<X509Certificate> chain = Pem.readCertificates(file);
      if (chain.isEmpty()) {
        throw new HsmException(
            Kind.KEY_SOURCE, "certificate file " + file + " holds no PEM certificate");
      }
      return chain;
    } catch (NoSuchFileException e) {
      throw new HsmException(Kind.KEY_SOURCE, "certificate file " + file + " does not exist");
    } catch (IOException | GeneralSecurityException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "certificate file " + file + " is not a PEM certificate chain");
    }
  }

  private static PrivateKey readPemKey(Path file, String pem) throws HsmException {
    try {
      return Pem.privateKey(pem)
          .orElseThrow(
              () ->
                  new HsmException(
                      Kind.KEY_SOURCE, "private key file " + file + " holds no PEM private key"));
    } catch (Pem.EncryptedKeyException e) {
      throw new HsmException(
          Kind.KEY_SOURCE,
          "private key file "
              + file
              + " is encrypted; use an unencrypted PKCS#8 key or a PKCS#12 file with a password file");
    } catch (IOException | GeneralSecurityException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "private key file " + file + " is not a valid PEM private key");
    }
  }

  private static void requireMatchingPair(
      PrivateKey key, X509Certificate leaf, String certSource, Path keyFile) throws HsmException {
    try {
      String algorithm = KeyAlgorithm.certificateSignatureFor(key);
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(challenge);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's: reported below
    }
    throw new HsmException(
        Kind.KEY_SOURCE,
        "private key in " + keyFile + " does not belong to the first certificate in " + certSource);
  }
}
