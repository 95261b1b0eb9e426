package io.dpsagent.agent.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * libc through JNA, by glibc's file name first. JNA's own search for a library named {@code c}
 * starts {@code ldconfig -p} in a child process, once per JVM, to learn the system's library
 * directories; the dynamic linker finds {@code libc.so.6} without them.
 */
final class NativeLibc {

  private static final String PLATFORM_PATH = "jna.platform.library.path";
  private static final String GLIBC = "libc.so.6";

  private NativeLibc() {}

  static <T extends Library> T load(Class<T> calls) {
    if (System.getProperty(PLATFORM_PATH) == null) {
      System.setProperty(PLATFORM_PATH, ""); // read once, when JNA first loads a library
    }
    try {
      return Native.load(GLIBC, calls);
    } catch (UnsatisfiedLinkError e) {
      return Native.load(Platform.C_LIBRARY_NAME, calls); // another libc, such as musl
    }
  }
}
