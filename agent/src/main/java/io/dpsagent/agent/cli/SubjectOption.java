package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.HsmException;
import picocli.CommandLine.Option;

/**
 * {@code --subject DN} of the commands that print a PKCS#10 request signed inside the device's key
 * store ({@code pkcs11 csr}, {@code tpm csr}).
 */
final class SubjectOption {

  @Option(
      names = "--subject",
      required = true,
      paramLabel = "DN",
      description = "e.g. CN=<registration id>")
  String subject;

  /** Makes the PEM request for a subject DN inside the key store. */
  @FunctionalInterface
  interface CsrSigner {
    String csr(String subjectDn) throws HsmException;
  }

  /**
   * Prints the request {@code signer} makes for {@code --subject}; a DN the signer cannot parse is
   * a usage error on {@code --subject}, not a defect.
   */
  void printCsr(Main.Context context, CsrSigner signer) throws AgentException, HsmException {
    String pem;
    try {
      pem = signer.csr(subject);
    } catch (IllegalArgumentException e) {
      throw AgentException.config("--subject: " + e.getMessage());
    }
    context.out().print(pem);
  }
}
