package io.dpsagent.emulator.registry;

/**
 * How devices of an enrollment prove who they are: symmetric keys, X.509 certificates or (for
 * individual enrollments) a TPM endorsement key.
 */
public sealed interface Attestation
    permits SymmetricKeyAttestation, X509Attestation, TpmAttestation {}
