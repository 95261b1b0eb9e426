package io.dpsagent.agent.config;

import java.nio.file.Path;

/**
 * The {@code [output]} section: where the provisioning result is written for the application.
 *
 * @param dir directory of {@code connection.json} and its renderings
 * @param connectionString whether to also write an Azure connection string (software keys only)
 * @param groupReadable whether outputs are readable by the directory's group (mode 0640 not 0600)
 */
public record OutputConfig(Path dir, boolean connectionString, boolean groupReadable) {}
