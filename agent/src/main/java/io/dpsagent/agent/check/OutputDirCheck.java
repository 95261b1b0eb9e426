package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code output-dir}: the service user can write the output directory ({@code output.dir}) and the
 * daemon's token directory ({@code output.token_dir}), or create them where they are missing.
 */
final class OutputDirCheck extends NamedCheck {

  static final String ID = "output-dir";

  private final AgentConfig config;
  private final ServiceUser user;

  OutputDirCheck(AgentConfig config, ServiceUser user) {
    super(ID, List.of(ServiceUserCheck.ID));
    this.config = config;
    this.user = user;
  }

  @Override
  public Verdict run() {
    List<String> fine = new ArrayList<>();
    for (Dir dir :
        List.of(
            new Dir("output.dir", config.output().dir()),
            new Dir("output.token_dir", config.output().tokenDir()))) {
      try {
        Optional<Verdict> problem = problem(dir);
        if (problem.isPresent()) {
          return problem.get();
        }
        fine.add(dir.path() + (Files.isDirectory(dir.path()) ? "" : " (created on first use)"));
      } catch (IOException e) {
        return Verdict.error(
            AgentException.Kind.CONFIG,
            "cannot inspect "
                + dir.path()
                + " ("
                + dir.key()
                + "): "
                + e.getClass().getSimpleName(),
            "check the permissions of " + dir.path() + " and its parents");
      }
    }
    return Verdict.ok(user.name() + " can write " + String.join(" and ", fine));
  }

  private record Dir(String key, Path path) {}

  private Optional<Verdict> problem(Dir dir) throws IOException {
    Path path = dir.path();
    if (Files.exists(path) && !Files.isDirectory(path)) {
      return Optional.of(
          Verdict.error(
              AgentException.Kind.CONFIG,
              path + " (" + dir.key() + ") is not a directory",
              "remove it, or point " + dir.key() + " at a directory"));
    }
    Path existing = path;
    while (!Files.exists(existing)) {
      existing = existing.getParent();
    }
    int want = FileAccess.WRITE | FileAccess.SEARCH;
    if (FileAccess.allows(user, existing, want)) {
      return Optional.empty();
    }
    String fix =
        existing.equals(path)
            ? "chown "
                + user.name()
                + " "
                + path
                + " (systemd's StateDirectory=/RuntimeDirectory= do this for the"
                + " default directories)"
            : "create it: install -d -m 0750 -o " + user.name() + " " + path;
    return Optional.of(
        Verdict.error(
            AgentException.Kind.CONFIG,
            user.name()
                + " cannot write "
                + existing
                + (existing.equals(path) ? "" : ", so cannot create " + path)
                + " ("
                + dir.key()
                + ")",
            fix));
  }
}
