package io.dpsagent.emulator.registry;

/**
 * How devices of an enrollment prove who they are: symmetric keys, X.509 certificates or (for
 * individual enrollments) a TPM endorsement key. DPS's service API calls each an attestation
 * mechanism, hence the names of the implementations.
 */
public sealed interface Attestation permits SymmetricKeyMechanism, X509Mechanism, TpmMechanism {}
