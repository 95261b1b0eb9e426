package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** {@link Main} builds only the subcommand a command line names; its table must not drift. */
class SubcommandTableTest {

  @Test
  void everySubcommandIsListedUnderTheNameItsAnnotationGives() {
    for (Map.Entry<String, Class<?>> entry : Main.SUBCOMMANDS.entrySet()) {
      assertEquals(entry.getKey(), entry.getValue().getAnnotation(Command.class).name());
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

  @Test
  void aMistypedCommandStillGetsPicocliSuggestions() {
    CliRun run = CliRun.of("stauts");

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "dps-agent: error: Unmatched argument at index 0: 'stauts'\nDid you mean: dps-agent status?\n",
        run.stderr());
  }
}
