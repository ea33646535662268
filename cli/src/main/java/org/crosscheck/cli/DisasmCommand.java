package org.crosscheck.cli;

import java.nio.file.Path;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "disasm",
        description = {
            "Disassembles a program (raw bytes, hex text, or a .data test) into the bpf_conformance",
            "dialect with labels, or with --llvm into the LLVM/kernel dialect (r0 = 1, if r1 s> 5 goto +2)."
        },
        footer = {"", "Examples:", "  crosscheck disasm prog.bin", "  crosscheck disasm test.data --llvm"})
final class DisasmCommand extends CliCommand {
    @Option(names = "--llvm", description = "Print the LLVM dialect.")
    boolean llvm;

    @Parameters(paramLabel = "FILE", description = "Raw bytes, hex text or a .data test.")
    Path file;

    @Override
    public Integer call() throws IsaException {
        Program p = ProgramFiles.program(file);
        out().print(llvm ? Disassembler.llvm(p) : Disassembler.conformance(p, true));
        return 0;
    }
}
