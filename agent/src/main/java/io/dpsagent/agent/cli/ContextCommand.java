package io.dpsagent.agent.cli;

import java.util.concurrent.Callable;

/**
 * A command that runs in the shared {@link Main.Context}. {@link Main}'s factory hands the context
 * in as it makes the command, so that no command needs a constructor of its own.
 */
abstract class ContextCommand implements Callable<Integer> {

  Main.Context context;

  /** Flushes what the command printed; the exit code of success. */
  final int succeeded() {
    context.out().flush();
    return ExitCode.SUCCESS.code();
  }
}
