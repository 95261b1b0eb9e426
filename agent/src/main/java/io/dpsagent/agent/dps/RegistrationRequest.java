package io.dpsagent.agent.dps;

import java.util.Optional;

/**
 * What the device asks DPS for.
 *
 * @param idScope the DPS instance
 * @param registrationId the device's registration ID
 * @param payloadJson optional custom payload, a JSON object as text
 */
public record RegistrationRequest(String idScope, String registrationId, Optional<String> payloadJson) {}
