package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "asm",
        description = {
            "Assembles bpf_conformance-dialect assembly (or the asm section of a .data test) and",
            "prints the encoding, one instruction slot of 8 hex bytes per line; -o writes raw bytes."
        },
        footer = {"", "Example:", "  crosscheck asm prog.s -o prog.bin"})
final class AsmCommand extends CliCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the raw program bytes here instead.")
    Path output;

    @Parameters(paramLabel = "FILE", description = "Assembly text or a .data test.")
    Path file;

    @Override
    public Integer call() throws IsaException, IOException {
        Program p = ProgramFiles.program(file);
        byte[] code = p.encode();
        if (output != null) {
            Path tmp = Files.createTempFile(output.toAbsolutePath().getParent(), ".asm", ".tmp");
            Files.write(tmp, code);
            Files.move(tmp, output, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            out().println("wrote " + code.length + " bytes (" + p.slotCount() + " slots) to " + output);
            return 0;
        }
        PrintWriter out = out();
        HexFormat hex = HexFormat.ofDelimiter(" ");
        for (int i = 0; i < code.length; i += 8) out.println(hex.formatHex(code, i, i + 8));
        return 0;
    }
}
