package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code dps-agent check}: the checks relevant to a config, in the order that lets each build on
 * the ones before it (local files first, then the TPM or token, then the network).
 */
public final class Diagnostics {

  /** What a check run is asked to do besides the config. */
  public record Options(Clock clock, boolean offline, Duration timeout, Optional<String> user) {}

  private Diagnostics() {}

  /** The report for a config file that did not load: one failed {@code config} check. */
  public static CheckReport configFailed(Path file, AgentException e) {
    return new CheckReport(List.of(ConfigCheck.failed(file, e)));
  }

  /** Runs every check relevant to {@code config}. */
  public static CheckReport run(
      AgentConfig config, Options options, UserDatabase users, ServiceUser current) {
    ServiceUserCheck serviceUser = ServiceUserCheck.resolve(options.user(), current, users);
    return new CheckReport(
        CheckRunner.run(
            List.of(ConfigCheck.loaded(config)), checks(config, options, serviceUser, users)));
  }

  static List<Check> checks(
      AgentConfig config, Options options, ServiceUserCheck serviceUser, UserDatabase users) {
    List<Check> checks = new ArrayList<>();
    checks.add(serviceUser);
    if (KeyFilesCheck.relevant(config)) {
      checks.add(new KeyFilesCheck(config, serviceUser.user()));
    }
    if (CertificatesCheck.relevant(config)) {
      checks.add(new CertificatesCheck(config, options.clock()));
    }
    IssuedCertificateCheck.of(config, options.clock()).ifPresent(checks::add);
    serviceUser
        .user()
        .ifPresent(
            user -> {
              checks.add(new OutputDirCheck(config, user));
              checks.add(new GroupsCheck(config, user, users));
            });
    if (TpmCheck.relevant(config)) {
      checks.add(new TpmCheck(config, options.timeout()));
    }
    TpmKeyCheck.of(config, options.timeout()).ifPresent(checks::add);
    Pkcs11Check.of(config).ifPresent(checks::add);
    Endpoint endpoint = new Endpoint(config.provisioning(), options.timeout());
    List<Check> network =
        List.of(
            new EndpointDnsCheck(endpoint),
            new EndpointTcpCheck(endpoint),
            new EndpointTlsCheck(endpoint),
            new ClockCheck(endpoint, options.clock()));
    network.forEach(check -> checks.add(options.offline() ? offline(check.id()) : check));
    return checks;
  }

  private static Check offline(String id) {
    return new NamedCheck(id) {
      @Override
      public Verdict run() {
        return Verdict.skipped("not run (--offline)");
      }
    };
  }
}
