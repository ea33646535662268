package org.crosscheck.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import org.crosscheck.isa.IsaException;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.conformance.Expected;
import org.crosscheck.runtime.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run",
        description = {
            "Runs one program and prints its outcome: r0, a trap with its pc, or a rejection with the",
            "verifier's reason, then the bytes of the input memory that changed. For a .data test it",
            "also says whether the outcome matches the expected result (exit code 1 when not)."
        },
        footer = {"", "Examples:", "  crosscheck run ../shared/bpf_conformance/tests/lock_fetch_add.data",
            "  crosscheck run prog.s --mem '01 02 03 04' --runtime interp"})
final class RunCommand extends CliCommand {
    @Mixin
    RuntimeOptions runtimeOptions;

    @Option(names = "--mem", paramLabel = "HEX", description = "Input memory as hex bytes (overrides a .data file's mem section).")
    String mem;

    @Option(names = {"-v", "--verbose"}, description = "Also print the program and, on rejection, the whole verifier log.")
    boolean verbose;

    @Parameters(paramLabel = "FILE", description = "A .data test, assembly text, hex bytes or a raw binary.")
    Path file;

    @Override
    public Integer call() throws IsaException {
        PrintWriter out = out();
        ProgramFiles.Loaded loaded = ProgramFiles.load(file);
        byte[] memory = loaded.memory();
        if (mem != null) {
            if (!mem.isBlank() && !ProgramFiles.isHexText(mem)) throw new UserError("--mem: expected hex bytes such as '01 02 ff', got '" + mem + "'");
            memory = mem.isBlank() ? new byte[0] : ProgramFiles.hex(mem);
        }
        if (verbose) out.print(org.crosscheck.isa.Disassembler.llvm(loaded.program()));
        try (Runtime runtime = runtimeOptions.open()) {
            Outcome o = runtime.run(loaded.program(), memory, runtimeOptions.limits());
            out.println(runtime.name() + ": " + o.describe());
            if (o instanceof Outcome.Rejected r && verbose && r.log() != null) out.println(r.log());
            if (o instanceof Outcome.Returned r) printMemoryDiff(out, memory, r.memory());
            if (loaded.data() != null) {
                // judged as the conformance command judges it: the outcome the test expects (Expected)
                Expected expected = Expected.of(loaded.data());
                boolean ok = expected.meets(o);
                out.println((ok ? "matches the test's expectation: " : "DIFFERS from the test's expectation: ") + expected.describe());
                return ok ? 0 : 1;
            }
            return 0;
        }
    }

    static void printMemoryDiff(PrintWriter out, byte[] before, byte[] after) {
        int changed = 0;
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < after.length; i++) {
            if (i < before.length && before[i] == after[i]) continue;
            if (changed++ == 0) out.println("memory changed:");
            out.printf("  [%d] %s -> %s%n", i, i < before.length ? hex.toHexDigits(before[i]) : "--", hex.toHexDigits(after[i]));
        }
        if (changed == 0) out.println("memory unchanged (" + after.length + " bytes)");
    }
}
