package io.dpsagent.emulator.registry;

/**
 * How devices of an enrollment prove who they are. Symmetric keys only for now; X.509 and TPM
 * attestations join this hierarchy as they are implemented.
 */
public sealed interface Attestation permits SymmetricKeyAttestation {}
