package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.log.Log;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.pkcs11.KeyPairType;
import io.dpsagent.hsm.pkcs11.Pkcs11FactorySteps;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dps-agent pkcs11}: the factory steps that put a device's secrets into its token once, so
 * that they never sit on disk: import a symmetric key, generate a key pair, sign a CSR with it, and
 * import the issued certificate.
 */
@Command(
    name = "pkcs11",
    mixinStandardHelpOptions = true,
    description = "PKCS#11 token commands (factory).",
    subcommands = {
      Pkcs11Command.ImportKey.class,
      Pkcs11Command.KeyGen.class,
      Pkcs11Command.Csr.class,
      Pkcs11Command.ImportCert.class
    })
final class Pkcs11Command implements Runnable {

  private static final Log LOG = Log.of(Pkcs11Command.class);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw GroupCommand.missingSubcommand(spec);
  }

  /** The token key URI and the module, shared by the subcommands. */
  static final class Target {
    @Option(
        names = "--uri",
        required = true,
        paramLabel = "URI",
        description = "pkcs11: URI of the key (RFC 7512)")
    String uri;

    @Option(
        names = "--module",
        paramLabel = "PATH",
        description =
            "PKCS#11 module, when the URI has no module-path (default: pkcs11.module of --config)")
    Path module;

    @Mixin ConfigOption config;

    KeyUri keyUri() throws AgentException {
      try {
        KeyUri parsed = KeyUri.parse(uri);
        if (parsed.scheme() != KeyUri.Scheme.PKCS11) {
          throw AgentException.config("--uri: '" + uri + "' is not a pkcs11: URI");
        }
        return parsed;
      } catch (IllegalArgumentException e) {
        throw AgentException.config("--uri: " + e.getMessage());
      }
    }

    /** Logs in to the token (once: a wrong PIN is never retried). */
    Pkcs11FactorySteps open(Main.Context context) throws AgentException, HsmException {
      Optional<String> fromConfig = Optional.empty();
      if (module == null && Files.isRegularFile(config.file)) {
        fromConfig = config.load(context.environment()).pkcs11Module();
      }
      KeyUri uri = keyUri();
      uri.warnings().forEach(LOG::warning);
      return Pkcs11FactorySteps.open(
          uri.pkcs11(), module != null ? module.toString() : fromConfig.orElse(null));
    }
  }

  /**
   * A subcommand that does one step in the token named by {@code --uri}, mapping token failures to
   * the contract's exit codes.
   */
  abstract static class TokenStep extends ContextCommand {
    @Mixin Target target;

    abstract void run(Pkcs11FactorySteps token, KeyUri uri)
        throws HsmException, AgentException, IOException;

    @Override
    public final Integer call() throws AgentException {
      try {
        run(target.open(context), target.keyUri());
        return succeeded();
      } catch (HsmException e) {
        throw AgentException.hsm(e);
      } catch (IOException e) {
        throw AgentException.config(e.getMessage());
      }
    }
  }

  @Command(
      name = "import-key",
      mixinStandardHelpOptions = true,
      description =
          "Store a base64 symmetric key read from standard input as a sensitive, non-extractable secret key.")
  static final class ImportKey extends TokenStep {
    @Override
    void run(Pkcs11FactorySteps token, KeyUri uri)
        throws HsmException, AgentException, IOException {
      byte[] key;
      try {
        key =
            Base64.getDecoder()
                .decode(new String(context.in().readNBytes(4096), StandardCharsets.UTF_8).strip());
      } catch (IllegalArgumentException e) {
        throw AgentException.config("standard input does not hold a base64 key");
      }
      if (key.length == 0) {
        throw AgentException.config("no key on standard input; pipe the base64 key in");
      }
      token.importSecretKey(uri.pkcs11(), key);
      context.out().println("stored " + uri);
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = "Generate a key pair inside the token.")
  static final class KeyGen extends TokenStep {

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "EC_P256 or RSA_2048 (default: ${DEFAULT-VALUE})")
    KeyPairType type = KeyPairType.EC_P256;

    @Override
    void run(Pkcs11FactorySteps token, KeyUri uri)
        throws HsmException, AgentException, IOException {
      token.generateKeyPair(uri.pkcs11(), type);
      context.out().println("generated " + type + " key pair " + uri);
    }
  }

  @Command(
      name = "csr",
      mixinStandardHelpOptions = true,
      description = "Print a PKCS#10 certificate request (PEM) signed inside the token.")
  static final class Csr extends TokenStep {

    @Mixin SubjectOption subject;

    @Override
    void run(Pkcs11FactorySteps token, KeyUri uri) throws HsmException, AgentException {
      subject.printCsr(context, dn -> token.csr(uri.pkcs11(), dn));
    }
  }

  @Command(
      name = "import-cert",
      mixinStandardHelpOptions = true,
      description =
          "Store the issued certificate chain (PEM, leaf first) next to its key in the token.")
  static final class ImportCert extends TokenStep {

    @Option(
        names = "--chain",
        required = true,
        paramLabel = "FILE",
        description = "PEM certificate chain, leaf first")
    Path chain;

    @Override
    void run(Pkcs11FactorySteps token, KeyUri uri)
        throws HsmException, AgentException, IOException {
      token.importCertificate(uri.pkcs11(), SoftwareTlsIdentity.readChain(chain));
      context.out().println("stored the certificate of " + uri);
    }
  }
}
