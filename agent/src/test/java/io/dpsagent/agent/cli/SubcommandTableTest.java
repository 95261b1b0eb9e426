package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Main} builds only the subcommand a command line names; its table must not drift. */
class SubcommandTableTest {

  /** What {@code args} print as help, exiting 0. */
  private static String help(String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(0, run.exitCode(), run.toString());
    return run.stdout();
  }

  /** What {@code args} print as a usage error, on stderr alone, exiting 2. */
  private static String usageError(String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(2, run.exitCode(), run.toString());
    assertEquals("", run.stdout());
    return run.stderr();
  }

  @Test
  void everySubcommandIsListedUnderTheNameItIsBuiltWith() {
    for (String name : Main.SUBCOMMANDS.keySet()) {
      String help = help(name, "--help");
      assertTrue(help.startsWith("Usage: dps-agent " + name + " "), help);
    }
    assertEquals(
        List.of(
            "provision",
            "run",
            "status",
            "check",
            "reprovision",
            "derive-key",
            "token",
            "tpm",
            "pkcs11"),
        List.copyOf(Main.SUBCOMMANDS.keySet()));
  }

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertEquals(List.of(StatusCommand.class), List.copyOf(Main.needed(new String[] {"status"})));
    assertEquals(
        List.of(TpmCommand.class), List.copyOf(Main.needed(new String[] {"tpm", "identity"})));
  }

  @Test
  void withoutASubcommandNameEveryOneIsBuilt() {
    for (String[] args :
        List.of(new String[0], new String[] {"--help"}, new String[] {"stauts", "--json"})) {
      assertEquals(List.copyOf(Main.SUBCOMMANDS.values()), List.copyOf(Main.needed(args)));
    }
  }

  /** The models built by code ({@link Specs}) print what their annotations printed. */
  @Test
  void provisionHelpIsTheAnnotatedCommandsHelp() {
    assertEquals(
        """
        Usage: dps-agent provision [-hvV] [--json] [--config=FILE]
        Register with DPS once, write connection.json, and exit with the contract's
        code.
              --config=FILE   config file (default: /etc/dps-agent/config.toml)
          -h, --help          Show this help message and exit.
              --json          print the result (or the error) as one JSON document on
                                stdout
          -v, --verbose       log each protocol step
          -V, --version       Print version information and exit.
        """,
        help("provision", "--help"));
    assertTrue(
        usageError("provision", "--bogus")
            .startsWith(
                "dps-agent: error: Unknown option: '--bogus'\n"
                    + "Usage: dps-agent provision [-hvV] [--json] [--config=FILE]\n"));
  }

  @Test
  void statusHelpIsTheAnnotatedCommandsHelp() {
    assertEquals(
        """
        Usage: dps-agent status [-hV] [--json] [--config=FILE]
        Show the cached assignment, the daemon's state, its last error, next retry and
        token expiry.
              --config=FILE   config file (default: /etc/dps-agent/config.toml)
          -h, --help          Show this help message and exit.
              --json          print one JSON document
          -V, --version       Print version information and exit.
        """,
        help("status", "--help"));
  }

  @Test
  void checkHelpIsTheAnnotatedCommandsHelp() {
    assertEquals(
        """
        Usage: dps-agent check [-hV] [--json] [--offline] [--config=FILE]
                               [--timeout=SECONDS] [--user=NAME]
        Check the config, clock, endpoint, TPM/HSM, files and service user; print a fix
        for each problem.
              --config=FILE       config file (default: /etc/dps-agent/config.toml)
          -h, --help              Show this help message and exit.
              --json              print one JSON document {checks, errors, warnings}
              --offline           skip the network checks (DNS, TCP, TLS, clock)
              --timeout=SECONDS   bound of each network check, 1..60 (default: 5)
              --user=NAME         the service's account, judged when run as root
                                    (default: dps-agent; else the current user)
          -V, --version           Print version information and exit.
        """,
        help("check", "--help"));
  }

  @Test
  void checkOptionValuesAreTypedAsTheAnnotationsTypedThem() {
    String error = usageError("check", "--timeout", "x", "--offline");

    assertTrue(
        error.startsWith(
            "dps-agent: error: Invalid value for option '--timeout': 'x' is not an int\n"),
        error);
  }

  @Test
  void topLevelHelpIsTheAnnotatedCommandsHelp() {
    String help = help("--help");

    assertTrue(
        help.startsWith(
            """
                Usage: dps-agent [-hV] [COMMAND]
                Device-side provisioning agent for the Azure IoT Hub Device Provisioning
                Service.
                  -h, --help      Show this help message and exit.
                  -V, --version   Print version information and exit.
                Commands:
                """),
        help);
    assertTrue(
        help.contains(
            """
                  status       Show the cached assignment, the daemon's state, its last error,
                                 next retry and token expiry.
                """),
        help);
  }

  @Test
  void statusUsageErrorsAreTheAnnotatedCommandsErrors() {
    String error = usageError("status", "--jso");

    assertTrue(
        error.startsWith("dps-agent: error: Unknown option: '--jso'\nPossible solutions: --json\n"),
        error);
  }

  @Test
  void aMistypedCommandStillGetsPicocliSuggestions() {
    String error = usageError("stauts");

    assertEquals(
        "dps-agent: error: Unmatched argument at index 0: 'stauts'\nDid you mean: dps-agent status?\n",
        error);
  }
}
