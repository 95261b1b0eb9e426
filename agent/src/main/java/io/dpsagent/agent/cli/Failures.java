package io.dpsagent.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.log.Log.Level;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * How every command reports a failure: one line on stderr, the contract's exit code and, when the
 * command line asked for {@code --json}, one {@code {"error": {...}}} document on stdout, so that a
 * script reading stdout gets an answer for usage and internal errors too.
 */
final class Failures {

  private static final JsonFactory JSON = new JsonFactory();

  private final Main.Context context;
  private final boolean json;
  private final Logging.Style style;

  Failures(Main.Context context, boolean json) {
    this.context = context;
    this.json = json;
    this.style = Logging.Style.of(context.environment());
  }

  /** A command line picocli could not parse, or a group command without its subcommand. */
  int usage(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    cli.getErr().println(style.line(Level.ERROR, e.getMessage()));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, cli.getErr())) {
      cli.usage(cli.getErr());
    }
    cli.getErr().flush();
    report(ExitCode.CONFIG.code(), "usage", e.getMessage());
    return ExitCode.CONFIG.code();
  }

  int failed(Exception e) {
    if (e instanceof AgentException failure) {
      ExitCode code = ExitCode.of(failure);
      context.err().println(style.line(Level.ERROR, failure.getMessage()));
      report(code.code(), failure.kind().name().toLowerCase(Locale.ROOT), failure.getMessage());
      return code.code();
    }
    // A defect: the class name helps the bug report; the stack trace would only scare operators.
    String message = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    context.err().println(style.line(Level.ERROR, "internal error: " + message));
    report(ExitCode.INTERNAL_ERROR, "internal", message);
    return ExitCode.INTERNAL_ERROR;
  }

  private void report(int exitCode, String kind, String message) {
    if (!json) {
      return;
    }
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JSON.createGenerator(text)) {
      out.writeStartObject();
      out.writeObjectFieldStart("error");
      out.writeNumberField("exitCode", exitCode);
      out.writeStringField("kind", kind);
      out.writeStringField("message", message);
      out.writeEndObject();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    context.out().println(text);
    context.out().flush();
  }
}
