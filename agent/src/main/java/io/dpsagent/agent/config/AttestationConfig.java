package io.dpsagent.agent.config;

/** The {@code [provisioning.attestation]} section: how the device proves who it is. */
public sealed interface AttestationConfig
    permits SymmetricKeyAttestation, X509Attestation, TpmAttestation {

  /** The config name of the method, as written in {@code method}. */
  String method();
}
