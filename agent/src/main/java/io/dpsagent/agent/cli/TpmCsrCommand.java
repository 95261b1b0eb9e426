package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dps-agent tpm csr}: a PKCS#10 CSR for the TPM key at --handle, signed inside the TPM. */
@Command(
    name = "csr",
    mixinStandardHelpOptions = true,
    description = "Print a PKCS#10 certificate request (PEM) signed inside the TPM.")
final class TpmCsrCommand extends ContextCommand {

  @Mixin TpmKeyTarget target;

  @Mixin SubjectOption subject;

  @Override
  public Integer call() throws AgentException {
    int handle = target.handle();
    TpmKeyTarget.Tpm tpm = target.tpm(context);
    try {
      subject.printCsr(
          context, dn -> TpmSigningKeys.csr(tpm.config().tcti(), tpm.timeouts(), handle, dn));
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
    return succeeded();
  }
}
