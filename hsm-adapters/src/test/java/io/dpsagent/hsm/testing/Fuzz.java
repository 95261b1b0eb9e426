package io.dpsagent.hsm.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * What every fuzz target of the project shares: seed corpora from {@code
 * src/test/resources/fuzz/<target>/}, a mutator that derives hostile inputs from the seeds, a time
 * bound per input, and the checks that an error message is one printable line that does not repeat
 * a secret.
 *
 * <p>Budgets: each property runs {@code jqwik.tries.default} inputs (set in {@code
 * junit-platform.properties}; raise it with {@code -Djqwik.tries.default=N} for long runs).
 */
public final class Fuzz {

  /** No parser may spend longer than this on one input; a hang is a failure, not a slow test. */
  public static final Duration PER_INPUT =
      Duration.ofSeconds(Long.getLong("fuzz.perInputSeconds", 5));

  private static final ExecutorService WORKER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fuzz-target");
            t.setDaemon(true);
            return t;
          });

  /** Tokens that parsers treat specially, spliced into seeds by the mutator. */
  private static final List<String> HOSTILE_TOKENS =
      List.of(
          "\n",
          "\r\n",
          "\u001b[31m",
          "\u0000",
          "\u2028",
          "../",
          "%00",
          "%0a",
          "%",
          "\\",
          "\"",
          "'",
          "=",
          ";",
          "&",
          "?",
          "#",
          "/",
          ":",
          "{",
          "}",
          "[",
          "]",
          "[[",
          "]]",
          ",",
          "\t",
          "\uFEFF",
          "\uD800",
          "0x",
          "-1",
          "9999999999999999999999",
          "1e999",
          "null",
          "true",
          "\"\"\"",
          "'''",
          "pin-value=",
          "file:",
          "pkcs11:");

  private static final java.util.regex.Pattern CLASS_NAME =
      java.util.regex.Pattern.compile(
          "\\b(java|javax|sun|org\\.bouncycastle)\\.[a-z]+\\.|\\b[A-Z]\\w*(Exception|Error)\\b");

  private Fuzz() {}

  /** A failing or throwing step of a target. */
  @FunctionalInterface
  public interface Step<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code step} with the {@link #PER_INPUT} bound and returns what it returned or threw (an
   * {@link Exception}; an {@link Error} other than an assertion is rethrown as is).
   */
  public static <T> Outcome<T> bounded(Step<T> step) {
    Future<T> future = WORKER.submit(step::run);
    try {
      return new Outcome<>(future.get(PER_INPUT.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (TimeoutException e) {
      future.cancel(true);
      return fail(
          "no result within " + PER_INPUT.toSeconds() + " s: the parser hangs on this input");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception failure) {
        return new Outcome<>(null, failure);
      }
      throw (Error) e.getCause();
    }
  }

  /** What a bounded step produced: a value, or the exception it threw. */
  public record Outcome<T>(T value, Exception failure) {

    /**
     * Fails unless the step returned or threw one of the {@code allowed} types: anything else (a
     * NullPointerException, an ArrayIndexOutOfBoundsException) is a bug the fuzz target found.
     */
    @SafeVarargs
    public final Outcome<T> allowOnly(Class<? extends Exception>... allowed) {
      if (failure == null) {
        return this;
      }
      for (Class<? extends Exception> type : allowed) {
        if (type.isInstance(failure)) {
          return this;
        }
      }
      throw new AssertionError(
          "undocumented " + failure.getClass().getName() + " escaped", failure);
    }

    public boolean failed() {
      return failure != null;
    }
  }

  /**
   * An operator-facing message: present, one line, no control characters (no ESC, no NUL), and no
   * Java class name standing in for an explanation.
   */
  public static void assertPrintableLine(String message) {
    if (message == null || message.isBlank()) {
      fail("an error without a message");
    }
    if (CLASS_NAME.matcher(message).find()) {
      fail("a Java class name in: " + message);
    }
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        fail(
            "raw control character U+"
                + String.format("%04X", (int) c)
                + " at "
                + i
                + " in: "
                + message.replaceAll("\\p{Cntrl}", "?"));
      }
    }
  }

  /** The message must not repeat {@code secret}, nor any 8-character piece of it. */
  public static void assertNoSecret(String message, String secret) {
    assertNoSecret(message, secret, 8);
  }

  /** The message must not repeat any {@code piece}-character run of {@code secret}. */
  public static void assertNoSecret(String message, String secret, int piece) {
    if (message == null) {
      return;
    }
    for (int i = 0; i + piece <= secret.length(); i++) {
      String run = secret.substring(i, i + piece);
      assertFalse(
          message.contains(run), () -> "the message repeats the secret (" + run + "): " + message);
    }
  }

  /**
   * True when {@code uri} carries {@code pin} once, as the value of its {@code pin-value} query
   * attribute: then the PIN is a secret that no message or printed form may show.
   */
  public static boolean carriesPin(String uri, String pin) {
    int query = uri.indexOf('?');
    if (query < 0 || uri.indexOf(pin) != uri.lastIndexOf(pin)) {
      return false;
    }
    for (String attribute : uri.substring(query + 1).split("&")) {
      if (attribute.equalsIgnoreCase("pin-value=" + pin) && attribute.endsWith(pin)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every file of {@code fuzz/<target>/} on the test class path of {@code anchor}, in name order.
   */
  public static List<byte[]> seeds(Class<?> anchor, String target) {
    URL dir = anchor.getResource("/fuzz/" + target);
    if (dir == null) {
      throw new IllegalStateException("no seed corpus fuzz/" + target + " on the test class path");
    }
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      List<byte[]> seeds = new ArrayList<>();
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        seeds.add(Files.readAllBytes(file));
      }
      if (seeds.isEmpty()) {
        throw new IllegalStateException("seed corpus fuzz/" + target + " is empty");
      }
      return seeds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The seeds as UTF-8 text. */
  public static List<String> textSeeds(Class<?> anchor, String target) {
    return seeds(anchor, target).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  /** Byte inputs: the seeds, mutated by one to eight random edits each; sometimes pure noise. */
  public static Arbitrary<byte[]> mutationsOf(List<byte[]> seeds) {
    Arbitrary<byte[]> mutated =
        Arbitraries.randomValue(random -> mutate(pick(seeds, random), seeds, random));
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
    return Arbitraries.frequencyOf(
        List.of(Tuple.of(1, Arbitraries.of(seeds)), Tuple.of(16, mutated), Tuple.of(2, noise)));
  }

  /** Text inputs: mutated seeds (as text, so tokens splice in whole), plus random strings. */
  public static Arbitrary<String> textMutationsOf(List<String> seeds) {
    Arbitrary<String> mutated =
        Arbitraries.randomValue(random -> mutateText(pick(seeds, random), seeds, random));
    Arbitrary<String> noise = Arbitraries.strings().all().ofMaxLength(200);
    return Arbitraries.frequencyOf(
        List.of(Tuple.of(1, Arbitraries.of(seeds)), Tuple.of(16, mutated), Tuple.of(2, noise)));
  }

  private static <T> T pick(List<T> list, Random random) {
    return list.get(random.nextInt(list.size()));
  }

  private static byte[] mutate(byte[] seed, List<byte[]> seeds, Random random) {
    List<Byte> bytes = new ArrayList<>(seed.length + 16);
    for (byte b : seed) {
      bytes.add(b);
    }
    int edits = 1 + random.nextInt(8);
    for (int e = 0; e < edits; e++) {
      int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size() + 1);
      switch (random.nextInt(7)) {
        case 0 -> { // flip a bit
          if (at < bytes.size()) {
            bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
          }
        }
        case 1 -> { // interesting byte
          if (at < bytes.size()) {
            byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, 0x30, 0x02, 0x04};
            bytes.set(at, interesting[random.nextInt(interesting.length)]);
          }
        }
        case 2 -> { // delete a run
          int end = Math.min(bytes.size(), at + 1 + random.nextInt(16));
          bytes.subList(Math.min(at, end), end).clear();
        }
        case 3 -> { // duplicate a run
          int end = Math.min(bytes.size(), at + 1 + random.nextInt(32));
          bytes.addAll(at, new ArrayList<>(bytes.subList(Math.min(at, end), end)));
        }
        case 4 -> { // splice in a piece of another seed
          byte[] other = pick(seeds, random);
          int from = other.length == 0 ? 0 : random.nextInt(other.length);
          int to = Math.min(other.length, from + 1 + random.nextInt(64));
          for (int i = to - 1; i >= from; i--) {
            bytes.add(at, other[i]);
          }
        }
        case 5 -> { // a hostile token
          byte[] token = pick(HOSTILE_TOKENS, random).getBytes(StandardCharsets.UTF_8);
          for (int i = token.length - 1; i >= 0; i--) {
            bytes.add(at, token[i]);
          }
        }
        default -> { // truncate
          bytes.subList(at, bytes.size()).clear();
        }
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  private static String mutateText(String seed, List<String> seeds, Random random) {
    StringBuilder s = new StringBuilder(seed);
    int edits = 1 + random.nextInt(6);
    for (int e = 0; e < edits; e++) {
      int at = s.length() == 0 ? 0 : random.nextInt(s.length() + 1);
      switch (random.nextInt(5)) {
        case 0 -> s.insert(at, pick(HOSTILE_TOKENS, random));
        case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(12)));
        case 2 -> {
          String other = pick(seeds, random);
          int from = other.isEmpty() ? 0 : random.nextInt(other.length());
          s.insert(at, other, from, Math.min(other.length(), from + 1 + random.nextInt(40)));
        }
        case 3 -> {
          if (at < s.length()) {
            s.setCharAt(at, (char) random.nextInt(0x80));
          }
        }
        default -> s.setLength(at);
      }
    }
    return s.toString();
  }
}
