package io.dpsagent.agent.cli;

import io.dpsagent.agent.Version;
import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.agent.dps.RegistrationClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dps-agent}: the command line of the CLI contract. */
public final class Main implements Runnable {

  /**
   * The subcommands by name, in the order help lists them. Only the one a command line names is
   * built: picocli reads each command's annotations reflectively and makes its instance, which for
   * all of them cost more than the whole of {@code status} (docs/benchmarks.md).
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put("provision", ProvisionCommand.class);
    commands.put("run", RunCommand.class);
    commands.put("status", StatusCommand.class);
    commands.put("check", CheckCommand.class);
    commands.put("reprovision", ReprovisionCommand.class);
    commands.put("derive-key", DeriveKeyCommand.class);
    commands.put("token", TokenCommand.class);
    commands.put("tpm", TpmCommand.class);
    commands.put("pkcs11", Pkcs11Command.class);
    return commands;
  }

  /**
   * How long a stopped command may take to finish before the process exits anyway: within systemd's
   * expectations, and long enough for an atomic rename in progress (outputs are never torn).
   */
  static final Duration STOP_GRACE = Duration.ofMillis(1500);

  /** 128 + SIGTERM, what a shell reports for a command ended by the signal. */
  static final int SIGNALLED_BY_TERM = 128 + 15;

  /** What commands share: streams, environment, time, and how to wait. Tests substitute them. */
  public record Context(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> environment,
      Clock clock,
      RegistrationClient.Sleeper sleeper,
      Signals signals) {

    /** A context that is never signalled (one-shot commands in tests). */
    public Context(
        InputStream in,
        PrintStream out,
        PrintStream err,
        Map<String, String> environment,
        Clock clock,
        RegistrationClient.Sleeper sleeper) {
      this(in, out, err, environment, clock, sleeper, new Signals());
    }
  }

  private CommandSpec spec;

  public static void main(String[] args) {
    Signals signals = new Signals();
    boolean daemon = args.length > 0 && args[0].equals("run");
    OsSignals.install(
        signals,
        () -> {
          // A command stuck in I/O past the grace ends here: the daemon's stop is a success
          // (systemctl
          // stop must not leave the unit failed); any other command ends as signalled commands do.
          sleepQuietly(STOP_GRACE);
          System.exit(daemon ? ExitCode.SUCCESS.code() : SIGNALLED_BY_TERM);
        });
    int code =
        run(
            args,
            new Context(
                System.in,
                System.out,
                System.err,
                System.getenv(),
                Clock.systemUTC(),
                signals::sleepUnlessStopped,
                signals));
    // A one-shot command cut short by SIGTERM ends as signalled commands do, whatever it was doing.
    System.exit(signals.isStopped() && !daemon ? SIGNALLED_BY_TERM : code);
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs one command and returns its exit code; never calls {@code System.exit}. */
  public static int run(String[] args, Context context) {
    Logging.configure(context.err(), context.environment(), false);
    Failures failures = new Failures(context, Arrays.asList(args).contains("--json"));
    Optional<ContextCommand> plain = PlainCommandLine.parse(args, context);
    if (plain.isPresent()) {
      return call(plain.get(), failures);
    }
    return parseAndRun(args, context, failures);
  }

  /** Runs {@code args} as picocli parses them. */
  static int parseAndRun(String[] args, Context context, Failures failures) {
    CommandLine cli = new CommandLine(new Main().spec(), new ContextFactory(context));
    // Before the settings below, which picocli copies only to the subcommands it already has.
    for (Class<?> command : needed(args)) {
      cli.addSubcommand(coded(command, context).orElse(command));
    }
    cli.setOut(new PrintWriter(context.out(), true))
        .setErr(new PrintWriter(context.err(), true))
        .setParameterExceptionHandler(failures::usage)
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> failures.failed(e));
    return cli.execute(args);
  }

  /**
   * The model of a subcommand built by code ({@link Specs}), not read from annotations. A method,
   * not a table of method references: linking those at class initialisation would load picocli's
   * model from the jar on every run, plain ones included (the class-data archive cannot serve a
   * class resolved that way here; docs/benchmarks.md).
   */
  private static Optional<Object> coded(Class<?> command, Context context) {
    if (command == ProvisionCommand.class) {
      return Optional.of(ProvisionCommand.spec(context));
    } else if (command == StatusCommand.class) {
      return Optional.of(StatusCommand.spec(context));
    } else if (command == CheckCommand.class) {
      return Optional.of(CheckCommand.spec(context));
    }
    return Optional.empty();
  }

  /** Runs a command made without picocli as picocli would: its failures go to {@code failures}. */
  private static int call(ContextCommand command, Failures failures) {
    try {
      return command.call();
    } catch (Exception e) {
      return failures.failed(e);
    }
  }

  /**
   * The subcommand the first argument names, or all of them when it names none: then picocli prints
   * the top-level help, the list of commands in a usage error, or its suggestions.
   */
  static Collection<Class<?>> needed(String[] args) {
    Class<?> named = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
    return named == null ? SUBCOMMANDS.values() : List.of(named);
  }

  /** The top-level command's model, built by code as the subcommand's may be. */
  private CommandSpec spec() {
    spec =
        Specs.command(
                this,
                "dps-agent",
                "Device-side provisioning agent for the Azure IoT Hub Device Provisioning Service.")
            .versionProvider(new VersionProvider());
    return spec;
  }

  @Override
  public void run() {
    throw GroupCommand.missingSubcommand(spec);
  }

  /** Hands the shared {@link Context} to subcommands that take one. */
  private static final class ContextFactory implements CommandLine.IFactory {
    private final Context context;

    ContextFactory(Context context) {
      this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      K made = CommandLine.defaultFactory().create(cls);
      if (made instanceof ContextCommand command) {
        command.context = context;
      }
      return made;
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dps-agent " + Version.VERSION};
    }
  }
}
