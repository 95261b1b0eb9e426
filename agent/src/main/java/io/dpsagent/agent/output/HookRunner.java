package io.dpsagent.agent.output;

import io.dpsagent.agent.config.PostProvisionHook;
import io.dpsagent.agent.log.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the post-provision hook: the program named by its argv (no shell), with a clean environment
 * holding only {@code PATH} and what identifies the assignment, output logged line by line, killed
 * at its timeout. A failing hook is reported but does not undo provisioning: the outputs are valid.
 */
public final class HookRunner {

  private static final Log LOG = Log.of(HookRunner.class);
  private static final int MAX_LOGGED_LINES = 50;

  private HookRunner() {}

  /** Runs the hook; returns its exit code, or -1 when it could not start or ran out of time. */
  public static int run(PostProvisionHook hook, ConnectionInfo info, Path outputDir)
      throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(hook.command()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("DPS_AGENT_HUB_HOSTNAME", info.hubHostName());
    env.put("DPS_AGENT_DEVICE_ID", info.deviceId());
    env.put("DPS_AGENT_REGISTRATION_ID", info.registrationId());
    env.put("DPS_AGENT_OUTPUT_DIR", outputDir.toString());
    String name = hook.command().get(0);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      LOG.warning("post-provision hook " + name + " could not start: " + e.getMessage());
      return -1;
    }
    closeQuietly(process);
    Thread logger = new Thread(() -> logOutput(process, name), "dps-agent-hook-output");
    logger.setDaemon(true);
    logger.start();
    if (!process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      LOG.warning(
          "post-provision hook "
              + name
              + " did not finish within "
              + hook.timeout().toSeconds()
              + " s and was killed");
      return -1;
    }
    logger.join(1000);
    int code = process.exitValue();
    if (code != 0) {
      LOG.warning("post-provision hook " + name + " exited with " + code);
    } else {
      LOG.info("post-provision hook " + name + " succeeded");
    }
    return code;
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close(); // the hook reads no input
    } catch (IOException e) {
      // nothing to close
    }
  }

  private static void logOutput(Process process, String name) {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      int lines = 0;
      while ((line = out.readLine()) != null) {
        if (lines++ < MAX_LOGGED_LINES) {
          String shown = line.replaceAll("\\p{Cntrl}", "?");
          LOG.info(name + ": " + shown);
        }
      }
    } catch (IOException e) {
      // the process went away; its exit code says the rest
    }
  }
}
