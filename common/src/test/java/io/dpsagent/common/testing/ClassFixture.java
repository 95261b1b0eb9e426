package io.dpsagent.common.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Something the tests of one class share (an emulator, a software TPM): started before the first
 * test, closed after the last. Register it on a static field with {@code @RegisterExtension}; a
 * test instance may read it into a field, since JUnit makes instances after the class has started.
 */
public final class ClassFixture<T extends AutoCloseable>
    implements BeforeAllCallback, AfterAllCallback {

  /** How the fixture starts; it may throw what starting a server or a process throws. */
  public interface Start<T> {
    T start() throws Exception;
  }

  private final Start<T> start;
  private T started;

  private ClassFixture(Start<T> start) {
    this.start = start;
  }

  public static <T extends AutoCloseable> ClassFixture<T> of(Start<T> start) {
    return new ClassFixture<>(start);
  }

  public T get() {
    if (started == null) {
      throw new IllegalStateException("used before the test class started it");
    }
    return started;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    started = start.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (started != null) {
      started.close();
      started = null;
    }
  }
}
