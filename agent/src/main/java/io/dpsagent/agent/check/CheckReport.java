package io.dpsagent.agent.check;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dpsagent.agent.AgentException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The results of one {@code dps-agent check} run, as text lines or one JSON document. */
public record CheckReport(List<CheckResult> results) {

  private static final JsonFactory JSON = new JsonFactory();

  public CheckReport {
    results = List.copyOf(results);
  }

  public long errors() {
    return count(Status.ERROR);
  }

  public long warnings() {
    return count(Status.WARNING);
  }

  /** The kind of the first error, which decides the exit code; empty when nothing failed. */
  public Optional<AgentException.Kind> failure() {
    return results.stream().flatMap(r -> r.verdict().kind().stream()).findFirst();
  }

  /** One line per check, {@code [error] id: message — fix: ...}, then a summary line. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    for (CheckResult r : results) {
      text.append('[')
          .append(r.status().label())
          .append("] ")
          .append(r.id())
          .append(": ")
          .append(r.verdict().message());
      r.verdict().fix().ifPresent(fix -> text.append(" \u2014 fix: ").append(fix));
      text.append('\n');
    }
    return text.append(summary()).append('\n').toString();
  }

  private String summary() {
    long errors = errors();
    long warnings = warnings();
    return (errors == 0 ? "all checks passed" : "checks failed")
        + ": "
        + errors
        + (errors == 1 ? " error, " : " errors, ")
        + warnings
        + (warnings == 1 ? " warning" : " warnings");
  }

  /** {@code {"checks":[{"id","status","message","fix"}...],"errors":N,"warnings":N}}. */
  public String toJson() {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JSON.createGenerator(text)) {
      out.writeStartObject();
      out.writeArrayFieldStart("checks");
      for (CheckResult r : results) {
        out.writeStartObject();
        out.writeStringField("id", r.id());
        out.writeStringField("status", r.status().label());
        out.writeStringField("message", r.verdict().message());
        out.writeStringField("fix", r.verdict().fix().orElse(null));
        out.writeEndObject();
      }
      out.writeEndArray();
      out.writeNumberField("errors", errors());
      out.writeNumberField("warnings", warnings());
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  private long count(Status status) {
    return results.stream().filter(r -> r.status() == status).count();
  }
}
