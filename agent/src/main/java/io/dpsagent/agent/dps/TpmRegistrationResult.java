package io.dpsagent.agent.dps;

/**
 * DPS's {@code tpm} result: an activation blob for the device's TPM. It comes twice in a TPM
 * registration, with the same shape: in the 401 nonce challenge, and in the assigned {@code
 * registrationState}, where it holds the hub key.
 *
 * @param authenticationKey base64 of the blob, as DPS sent it
 */
public record TpmRegistrationResult(String authenticationKey) {}
