package org.crosscheck.cli;

import java.nio.file.Path;
import java.util.List;
import org.crosscheck.runtime.Runtimes;
import picocli.CommandLine.Option;

/**
 * {@code --plugin name='command line'}: defines runtime {@code plugin:<name>}, any executable
 * speaking the bpf_conformance plugin protocol. {@code plugin:self} is predefined as this
 * crosscheck's own {@code plugin --runtime interp} (redefine it to use another runtime).
 */
final class PluginOptions {
    @Option(names = "--plugin", paramLabel = "NAME='CMD ARGS'",
            description = "Defines runtime plugin:NAME as a bpf_conformance plugin command line (repeatable); plugin:self is this crosscheck's own plugin command.")
    List<String> plugins;

    /** Registers the definitions; a malformed one is a user error. */
    void define() {
        defineSelf();
        if (plugins == null) return;
        for (String d : plugins) {
            try {
                Runtimes.definePlugin(d);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    /** plugin:self: this JVM's java and classpath running {@code crosscheck plugin --runtime interp}. */
    static void defineSelf() {
        if (Runtimes.hasPlugin("self")) return;
        Runtimes.definePlugin("self", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "plugin", "--runtime", "interp"));
    }
}
