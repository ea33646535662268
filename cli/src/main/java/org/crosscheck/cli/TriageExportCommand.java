package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export",
        description = {"Exports one finding for filing upstream: its reproducer as a bpf_conformance .data test, as JSON",
            "(title, counts, runtimes, program in both dialects, memory, outcomes), or, for a memory-ordering",
            "finding, as the herd litmus test."},
        footer = {"", "Examples:", "  crosscheck triage export work/findings/3f2a9c0d1e2b4a5c --format data -o sdiv.data",
            "  crosscheck triage export work/findings/3f2a9c0d1e2b4a5c --format json"})
final class TriageExportCommand extends CliCommand {
    @Parameters(paramLabel = "FINDING", description = "A finding directory (WORKDIR/findings/<id>).")
    Path finding;

    @Option(names = "--format", defaultValue = "data", paramLabel = "data|json|litmus", description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (atomically) instead of stdout.")
    Path output;

    @Override
    public Integer call() throws IOException, IsaException {
        if (!Files.isRegularFile(finding.resolve("meta.properties"))) throw new UserError(finding + ": not a finding directory (no meta.properties)");
        String text = switch (format.toLowerCase(Locale.ROOT)) {
            case "data" -> Files.readString(finding.resolve("repro.data"));
            case "json" -> json();
            case "litmus" -> {
                Path t = finding.resolve("test.litmus");
                if (!Files.isRegularFile(t)) throw new UserError(finding + ": not a memory-ordering finding (no test.litmus); use --format data or json");
                yield Files.readString(t);
            }
            default -> throw new UserError("--format: expected data, json or litmus, got '" + format + "'");
        };
        if (output != null) {
            AtomicFiles.write(output, text);
            out().println("wrote " + output);
        } else {
            PrintWriter out = out();
            out.print(text);
            out.flush();
        }
        return 0;
    }

    private String json() throws IOException, IsaException {
        Properties m = FindingStore.readMeta(finding);
        DataFile repro = DataFile.read(finding.resolve("repro.data"));
        Program p = repro.program().program();
        StringBuilder sb = new StringBuilder("{\n");
        for (String key : new String[] {"id", "title", "kind", "reference", "group", "case", "first_seen", "last_seen"}) {
            sb.append("  \"").append(key).append("\": ").append(TriageCommand.q(m.getProperty(key, ""))).append(",\n");
        }
        sb.append("  \"runtimes\": [").append(String.join(", ",
                java.util.Arrays.stream(m.getProperty("runtimes", "").split(",")).map(TriageCommand::q).toList())).append("],\n");
        sb.append("  \"count\": ").append(Long.parseLong(m.getProperty("count", "0"))).append(",\n");
        sb.append("  \"seed\": ").append(m.getProperty("seed", "0")).append(",\n");
        sb.append("  \"generator_version\": ").append(m.getProperty("generator_version", "0")).append(",\n");
        sb.append("  \"minimized\": ").append(Boolean.parseBoolean(m.getProperty("minimized"))).append(",\n");
        sb.append("  \"program_hex\": ").append(TriageCommand.q(HexFormat.of().formatHex(p.encode()))).append(",\n");
        sb.append("  \"program_asm\": ").append(TriageCommand.q(Disassembler.conformance(p, true))).append(",\n");
        sb.append("  \"program_llvm\": ").append(TriageCommand.q(Disassembler.llvm(p))).append(",\n");
        sb.append("  \"memory_hex\": ").append(TriageCommand.q(HexFormat.of().formatHex(repro.memory()))).append(",\n");
        sb.append("  \"outcomes\": ").append(TriageCommand.q(Files.readString(finding.resolve("outcomes")))).append("\n}\n");
        return sb.toString();
    }
}
