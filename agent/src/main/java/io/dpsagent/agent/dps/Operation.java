package io.dpsagent.agent.dps;

/**
 * A registration DPS accepted and is still working on: the request that started it and the
 * operation ID of DPS's answer, which together name what a poll asks about.
 *
 * @param request the registration it belongs to (its ID scope and registration ID address it)
 * @param id the {@code operationId} DPS returned
 */
public record Operation(RegistrationRequest request, String id) {}
