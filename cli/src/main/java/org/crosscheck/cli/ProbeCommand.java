package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.runtime.dpdk.DpdkProbe;
import org.crosscheck.runtime.dpdk.DpdkRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "probe",
        description = {
            "Asks DPDK itself what it does with each .data test, with none of crosscheck's lists in front:",
            "loads it with rte_bpf_load (the JIT also compiles it) in an executor process and prints one",
            "line per test: '<file> <sha256, 16 hex digits> <class>', the class one of 'unsupported opcode|",
            "loop|call: <DPDK's message>', 'rejected by the validator: <message>', 'not compiled by the JIT',",
            "'crash caught in the executor: <signal>' or 'runs'. The committed lists (conformance/dpdk-*-probe.txt)",
            "are this output: conformance skips what they call unsupported, and ProbeTest compares them."
        },
        footer = {"", "Example:", "  crosscheck probe --runtime dpdk-interp --output dpdk-interp-probe.txt ../shared/bpf_conformance/tests"})
final class ProbeCommand extends CliCommand {
    @Option(names = "--runtime", paramLabel = "dpdk-interp|dpdk-jit", defaultValue = "dpdk-interp", description = "Which DPDK engine (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the list to FILE (atomically) instead of standard output.")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = ".data files, or directories searched for them.")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        DpdkRuntime.Mode mode = switch (runtime) {
            case "dpdk-interp", "dpdk" -> DpdkRuntime.Mode.INTERP;
            case "dpdk-jit" -> DpdkRuntime.Mode.JIT;
            default -> throw new UserError("--runtime: the probe knows dpdk-interp and dpdk-jit, not '" + runtime + "'");
        };
        PrintWriter out = out();
        PrintWriter err = err();
        List<Path> files = ConformanceCommand.collect(paths, ".data");
        String list;
        try {
            list = DpdkProbe.probe(mode, files, line -> {
                if (output != null) err.println(line);
                err.flush();
            });
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
        if (output == null) {
            out.print(list);
        } else {
            AtomicFiles.write(output, list);
            out.println("probe: wrote " + output + " (" + files.size() + " tests)");
        }
        out.flush();
        return 0;
    }
}
