package io.dpsagent.emulator.registry;

/**
 * How devices of an enrollment prove who they are: symmetric keys or X.509 certificates; TPM
 * attestation joins this hierarchy when it is implemented.
 */
public sealed interface Attestation permits SymmetricKeyAttestation, X509Attestation {}
