package io.dpsagent.agent.cli;

import io.dpsagent.agent.Version;
import io.dpsagent.agent.daemon.StopSignal;
import io.dpsagent.agent.dps.RegistrationClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dps-agent}: the command line of the CLI contract. */
@Command(
    name = "dps-agent",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Device-side provisioning agent for the Azure IoT Hub Device Provisioning Service.",
    subcommands = {ProvisionCommand.class, RunCommand.class, DeriveKeyCommand.class, TokenCommand.class,
        TpmCommand.class, Pkcs11Command.class, CheckCommand.class})
public final class Main implements Runnable {

  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /** What commands share: streams, environment, time, and how to wait. Tests substitute them. */
  public record Context(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
      Clock clock, RegistrationClient.Sleeper sleeper, StopSignal stop) {

    /** A context that is never asked to stop (one-shot commands). */
    public Context(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment, Clock clock,
        RegistrationClient.Sleeper sleeper) {
      this(in, out, err, environment, clock, sleeper, new StopSignal());
    }
  }

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    StopSignal stop = new StopSignal();
    CountDownLatch finished = new CountDownLatch(1);
    // SIGTERM: ask the running command to stop and give it time to finish (the daemon stops at once).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.stop();
      try {
        finished.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "dps-agent-shutdown"));
    int code = run(args, new Context(System.in, System.out, System.err, System.getenv(), Clock.systemUTC(),
        d -> Thread.sleep(d.toMillis()), stop));
    finished.countDown();
    System.exit(code);
  }

  /** Runs one command and returns its exit code; never calls {@code System.exit}. */
  public static int run(String[] args, Context context) {
    Logging.configure(context.err(), false);
    Failures failures = new Failures(context, Arrays.asList(args).contains("--json"));
    CommandLine cli = new CommandLine(new Main(), new ContextFactory(context))
        .setOut(new PrintWriter(context.out(), true))
        .setErr(new PrintWriter(context.err(), true))
        .setParameterExceptionHandler(failures::usage)
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> failures.failed(e));
    return cli.execute(args);
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
      try {
        return cls.getDeclaredConstructor(Context.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dps-agent " + Version.VERSION};
    }
  }
}
