package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.AttestationConfig;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.agent.tls.TrustStores;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.software.KeyFiles;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code key-files}: every file the config names (keys, certificates, PKCS#12 bundles and their
 * password files, PIN files, the trust bundle) exists, secrets are owner-only, the service user can
 * read each one, and each holds what it should.
 */
final class KeyFilesCheck extends NamedCheck {

  static final String ID = "key-files";

  /** A file the config names: where, under which key, whether it is secret, how to verify it. */
  record ConfiguredFile(String key, Path path, boolean secret, Content content) {}

  /** Reads the file as the agent would; fails with the agent's own one-line message. */
  interface Content {
    void verify() throws HsmException, AgentException;
  }

  private final AgentConfig config;
  private final Optional<ServiceUser> user;

  KeyFilesCheck(AgentConfig config, Optional<ServiceUser> user) {
    super(ID);
    this.config = config;
    this.user = user;
  }

  /** Whether the config names any file; without one, the check is not relevant. */
  static boolean relevant(AgentConfig config) {
    return !files(config).isEmpty();
  }

  @Override
  public Verdict run() {
    List<ConfiguredFile> files = files(config);
    Verdict worst =
        Verdict.ok(
            files.size()
                + (files.size() == 1 ? " file" : " files")
                + " present"
                + user.map(u -> " and readable by " + u.name()).orElse("")
                + ", secrets owner-only: "
                + files.stream().map(f -> f.path().toString()).collect(Collectors.joining(", ")));
    for (ConfiguredFile file : files) {
      worst = worst.worst(inspect(file));
      if (worst.status() == Status.ERROR) {
        return worst;
      }
    }
    return worst;
  }

  private Verdict inspect(ConfiguredFile file) {
    Path path = file.path();
    String named = path + " (" + file.key() + ")";
    if (!Files.exists(path)) {
      return error(
          named + " does not exist",
          "create it, or correct " + file.key() + " in " + config.source());
    }
    if (!Files.isRegularFile(path)) {
      return error(named + " is not a regular file", "point " + file.key() + " at the file itself");
    }
    try {
      int mode = FileAccess.owner(path).mode();
      if (file.secret() && (mode & 077) != 0) {
        return error(
            named + " is accessible by group or others (mode " + octal(mode) + ")",
            "chmod 600 " + path);
      }
      Optional<Verdict> unreadable = unreadable(file, named);
      if (unreadable.isPresent()) {
        return unreadable.get();
      }
      file.content().verify();
      if (!file.secret() && (mode & 022) != 0) {
        return Verdict.warning(
            named + " can be changed by group or others (mode " + octal(mode) + ")",
            "chmod go-w " + path);
      }
      return Verdict.ok(named);
    } catch (HsmException | AgentException e) {
      return error(
          e.getMessage(),
          "write a valid "
              + what(file)
              + " into "
              + path
              + ", or correct "
              + file.key()
              + " in "
              + config.source());
    } catch (IOException e) {
      return error(
          "cannot inspect " + named + ": " + e.getClass().getSimpleName(),
          "check the permissions of " + path + " and its directories");
    }
  }

  private Optional<Verdict> unreadable(ConfiguredFile file, String named) throws IOException {
    if (user.isEmpty()) {
      return Optional.empty();
    }
    ServiceUser u = user.get();
    Optional<Path> blocked = FileAccess.blockingDirectory(u, file.path());
    if (blocked.isPresent()) {
      return Optional.of(
          error(
              u.name() + " cannot reach " + named + ": no search permission on " + blocked.get(),
              "let "
                  + u.name()
                  + " traverse "
                  + blocked.get()
                  + " (chmod o+x, or chgrp a group of "
                  + u.name()
                  + " and chmod g+x)"));
    }
    if (!FileAccess.allows(u, file.path(), FileAccess.READ)) {
      return Optional.of(
          error(
              u.name() + " cannot read " + named,
              file.secret()
                  ? "chown "
                      + u.name()
                      + " "
                      + file.path()
                      + " (a secret stays mode 600, so its owner must be the service user)"
                  : "chmod 644 " + file.path() + ", or chown " + u.name() + " " + file.path()));
    }
    return Optional.empty();
  }

  private static Verdict error(String message, String fix) {
    return Verdict.error(AgentException.Kind.CONFIG, message, fix);
  }

  private static String octal(int mode) {
    return String.format("%04o", mode);
  }

  private static String what(ConfiguredFile file) {
    String key = file.key();
    if (key.endsWith("pin-source")) {
      return "PIN";
    }
    if (key.endsWith("password_uri")) {
      return "PKCS#12 password";
    }
    if (key.endsWith("trust_bundle")) {
      return "PEM CA bundle";
    }
    return key.endsWith("identity_cert")
        ? "PEM certificate chain"
        : key.endsWith("identity_pk")
            ? "PEM private key matching the certificate"
            : key.endsWith("uri") ? "PKCS#12 bundle" : "base64 symmetric key";
  }

  /** Every file the config names, in config order. */
  static List<ConfiguredFile> files(AgentConfig config) {
    List<ConfiguredFile> files = new ArrayList<>();
    String at = "provisioning.attestation.";
    AttestationConfig attestation = config.provisioning().attestation();
    if (attestation instanceof SymmetricKeyAttestation s) {
      String key = at + (s.deriveFromGroupKey() ? "group_key" : "symmetric_key");
      keyFile(files, key, s.key(), () -> KeyFiles.readSymmetricKey(s.key().path()));
    } else if (attestation instanceof X509Attestation x) {
      x509Files(files, at, x.identity());
    }
    config
        .provisioning()
        .trustBundle()
        .ifPresent(
            bundle ->
                files.add(
                    new ConfiguredFile(
                        "provisioning.trust_bundle",
                        bundle,
                        false,
                        () -> TrustStores.readBundle(bundle, "trust_bundle"))));
    return files;
  }

  private static void x509Files(
      List<ConfiguredFile> files, String at, X509Attestation.Identity identity) {
    if (identity instanceof X509Attestation.PemFiles pem) {
      Path chain = pem.certificateChain().path();
      files.add(
          new ConfiguredFile(
              at + "identity_cert", chain, false, () -> SoftwareTlsIdentity.readChain(chain)));
      keyFile(
          files,
          at + "identity_pk",
          pem.privateKey(),
          () -> SoftwareTlsIdentity.fromPem(chain, pem.privateKey().path()));
    } else if (identity instanceof X509Attestation.Pkcs12File p12) {
      Path password = p12.passwordFile().path();
      files.add(
          new ConfiguredFile(
              at + "identity_pkcs12.password_uri",
              password,
              true,
              () -> KeyFiles.readSecretText(password)));
      files.add(
          new ConfiguredFile(
              at + "identity_pkcs12.uri",
              p12.bundle().path(),
              true,
              () -> SoftwareTlsIdentity.fromPkcs12(p12.bundle().path(), password)));
    } else if (identity instanceof X509Attestation.TokenKey token) {
      token
          .certificateChain()
          .filter(c -> c.scheme() == KeyUri.Scheme.FILE)
          .ifPresent(
              c ->
                  files.add(
                      new ConfiguredFile(
                          at + "identity_cert",
                          c.path(),
                          false,
                          () -> SoftwareTlsIdentity.readChain(c.path()))));
      keyFile(files, at + "identity_pk", token.privateKey(), () -> {});
    }
  }

  /** A key file, or for a token key the PIN file its URI names; a TPM key has no file. */
  private static void keyFile(List<ConfiguredFile> files, String key, KeyUri uri, Content content) {
    if (uri.scheme() == KeyUri.Scheme.FILE) {
      files.add(new ConfiguredFile(key, uri.path(), true, content));
    } else if (uri.scheme() == KeyUri.Scheme.PKCS11 && uri.pkcs11().pinSource() != null) {
      Path pin = uri.pkcs11().pinSource();
      files.add(new ConfiguredFile(key + " pin-source", pin, true, () -> requirePin(pin)));
    }
  }

  private static void requirePin(Path pin) throws HsmException {
    if (KeyFiles.readSecretText(pin).isBlank()) {
      throw new HsmException(HsmException.Kind.KEY_SOURCE, "PIN file " + pin + " is empty");
    }
  }
}
