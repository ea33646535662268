package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plugin",
        description = {
            "Acts as a bpf_conformance plugin: reads the program as hex bytes on stdin (or --program),",
            "takes the input memory as an optional hex argument, prints r0 in hex and exits 0; on a",
            "trap, rejection or malformed program it prints the reason and exits 1."
        },
        footer = {"", "Example (what bpf_conformance_runner does):",
            "  echo 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00' | crosscheck plugin --runtime interp",
            "  bpf_conformance_runner --test_file_directory tests --plugin_path ./crosscheck --plugin_options 'plugin --runtime interp'"})
final class PluginCommand extends CliCommand {
    @Mixin
    RuntimeOptions runtimeOptions;

    @Option(names = "--program", paramLabel = "HEX", description = "The program as hex instead of stdin.")
    String program;

    @Parameters(arity = "0..1", paramLabel = "MEMORY_HEX", description = "Input memory, hex bytes (present only when the test has memory).")
    String memory;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        String text = program != null ? program : new String(System.in.readAllBytes(), StandardCharsets.US_ASCII);
        String hex = text.replaceAll("\\s+", "");
        if (hex.isEmpty() || !hex.matches("([0-9a-fA-F]{2})+")) {
            out.println("invalid program: expected hex bytes on stdin");
            return 1;
        }
        String memHex = memory == null ? "" : memory.replaceAll("\\s+", "");
        if (!memHex.matches("([0-9a-fA-F]{2})*")) {
            out.println("invalid memory argument: expected hex bytes");
            return 1;
        }
        Program p;
        try {
            p = Program.decode(ProgramFiles.hex(hex));
        } catch (DecodeException e) {
            out.println("invalid program: " + e.getMessage());
            return 1;
        }
        try (Runtime runtime = runtimeOptions.open()) {
            Outcome o = runtime.run(p, ProgramFiles.hex(memHex), runtimeOptions.limits());
            if (o instanceof Outcome.Returned r) {
                out.println(Long.toHexString(r.r0()));
                return 0;
            }
            out.println(o.describe());
            return 1;
        }
    }
}
