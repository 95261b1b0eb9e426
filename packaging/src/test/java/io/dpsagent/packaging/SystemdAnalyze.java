package io.dpsagent.packaging;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code systemd-analyze} on units installed under a root directory; needs no running systemd. */
final class SystemdAnalyze {

  private static final Pattern EXPOSURE =
      Pattern.compile("Overall exposure level for (\\S+): (\\d+\\.\\d+)");
  private static final Path HOST_UNITS = Path.of("/usr/lib/systemd/system");

  private final Path root;

  private SystemdAnalyze(Path root) {
    this.root = root;
  }

  /**
   * Analyzes the units under {@code root}. verify resolves every unit a unit names (sysinit.target,
   * network-online.target, ...) and every command it runs inside the root, so the host's systemd
   * units and the commands the units use from other packages ({@code /bin/kill}) are added to it.
   */
  static SystemdAnalyze ofRoot(Path root, String... foreignCommands) throws IOException {
    copyTreeWithoutReplacing(HOST_UNITS, root.resolve(HOST_UNITS.toString().substring(1)));
    for (String command : foreignCommands) {
      Path target = root.resolve(command.substring(1));
      Files.createDirectories(target.getParent());
      Files.copy(Path.of(command), target, StandardCopyOption.REPLACE_EXISTING);
    }
    return new SystemdAnalyze(root);
  }

  /** The output of {@code verify}: empty when the units load without a warning. */
  Command verify(String... units) {
    String[] argv = new String[3 + units.length];
    argv[0] = "systemd-analyze";
    argv[1] = "verify";
    argv[2] = "--root=" + root;
    System.arraycopy(units, 0, argv, 3, units.length);
    return Command.run(argv);
  }

  /**
   * The overall exposure that {@code security --offline=true} gives {@code unit} (0.0 best, 10.0
   * worst).
   */
  double exposure(String unit) {
    String output =
        Command.succeed(
            "systemd-analyze", "security", "--offline=true", "--no-pager", "--root=" + root, unit);
    Matcher m = EXPOSURE.matcher(output);
    if (!m.find() || !m.group(1).equals(unit)) {
      throw new AssertionError("no overall exposure level for " + unit + " in:\n" + output);
    }
    return Double.parseDouble(m.group(2));
  }

  /** The exit code of {@code security --offline=true --threshold=T}: non-zero when above T/10. */
  int securityThreshold(String unit, int threshold) {
    return Command.run(
            "systemd-analyze",
            "security",
            "--offline=true",
            "--no-pager",
            "--root=" + root,
            "--threshold=" + threshold,
            unit)
        .exitCode();
  }

  private static void copyTreeWithoutReplacing(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file).toString());
            // Masked units (links to /dev/null) are left out: nothing of ours names them.
            boolean masked = attrs.isSymbolicLink() && Files.readSymbolicLink(file).isAbsolute();
            if (!masked && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
              Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
