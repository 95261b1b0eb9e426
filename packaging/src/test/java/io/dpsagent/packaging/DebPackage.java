package io.dpsagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The built {@code .deb}, read with dpkg-deb as an operator's dpkg would read it. */
final class DebPackage {

  /** One archive member as {@code dpkg-deb -c} lists it. */
  record Entry(String mode, String owner, String path) {}

  private static final Pattern LISTING =
      Pattern.compile("^(\\S{10}) (\\S+)\\s+\\d+ \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\.(/\\S*)$");

  private final Path file;

  private DebPackage(Path file) {
    this.file = file;
  }

  /** The one package in {@code buildDirectory} (the packaging module's target/). */
  static DebPackage in(Path buildDirectory) throws IOException {
    try (Stream<Path> files = Files.list(buildDirectory)) {
      List<Path> debs = files.filter(f -> f.getFileName().toString().endsWith(".deb")).toList();
      assertEquals(
          1,
          debs.size(),
          () -> "expected exactly one .deb in " + buildDirectory + ", found " + debs);
      return new DebPackage(debs.get(0));
    }
  }

  Path file() {
    return file;
  }

  String field(String name) {
    return Command.succeed("dpkg-deb", "--field", file.toString(), name).strip();
  }

  /** Archive members by path (directories end in "/"), in archive order. */
  Map<String, Entry> entries() {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (String line : Command.succeed("dpkg-deb", "--contents", file.toString()).split("\n")) {
      Matcher m = LISTING.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("unexpected dpkg-deb --contents line: " + line);
      }
      entries.put(m.group(3), new Entry(m.group(1), m.group(2), m.group(3)));
    }
    return entries;
  }

  /** Unpacks the files into {@code root}, as dpkg would before running the postinst. */
  void extractTo(Path root) {
    Command.succeed("dpkg-deb", "--extract", file.toString(), root.toString());
  }

  /** Unpacks the control archive (control, conffiles, maintainer scripts) into {@code dir}. */
  void extractControlTo(Path dir) {
    Command.succeed("dpkg-deb", "--control", file.toString(), dir.toString());
  }
}
