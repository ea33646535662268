package org.crosscheck.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.isa.elf.ElfObject;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile",
        mixinStandardHelpOptions = true,
        description = {
            "Compiles one C file with a BPF compiler (GCC's bpf-gcc or clang -target bpf, -c), reads the",
            "relocatable object (calls into .text become local calls, .text appended to a section that calls",
            "it; lddw of .data/.rodata/.bss becomes 'lddw map_idx_value 0, OFFSET' into one global-data",
            "region) and prints each program section in the bpf_conformance dialect, which 'crosscheck asm'",
            "reads back. With --run it runs the entry (the first program section other than .text, else",
            ".text, from pc 0) on each runtime and prints its outcome. Memory: 64 zero bytes behind r1 when",
            "the entry reads r1 before writing it (the C function takes its pointer argument), else none.",
            "Global data runs on interp and jit (a region of their layout) and kernel (a map value). Exit code 1",
            "when runtimes disagree."
        },
        footer = {"", "Examples:", "  crosscheck compile corpus/c/return42.c --cc gcc --mcpu v3 -O2 --run interp,jit",
            "  crosscheck compile corpus/c/calls.c --cc clang --mcpu v1 -O0"})
final class CompileCommand extends CliCommand {
    @Parameters(paramLabel = "FILE.c", description = "The C file.")
    Path file;

    @Option(names = "--cc", defaultValue = "clang", paramLabel = "gcc|clang", description = "Compiler (default: ${DEFAULT-VALUE}).")
    String cc;

    @Option(names = "--mcpu", defaultValue = "v3", paramLabel = "v1|v2|v3|v4", description = "Its -mcpu (default: ${DEFAULT-VALUE}).")
    String mcpu;

    @Option(names = "-O", defaultValue = "2", paramLabel = "0|2", description = "Optimization level: -O0 or -O2 (default: -O${DEFAULT-VALUE}).")
    String level;

    @Option(names = "--run", split = ",", paramLabel = "RUNTIMES", description = "Also run the entry on these runtimes, e.g. interp,jit,kernel.")
    List<String> run;

    /** Input memory given to an entry that takes a pointer. */
    static final int MEMORY = 64;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        BpfCompiler compiler = CFiles.compiler(cc);
        var cpu = CFiles.cpu(mcpu);
        String opt = CFiles.opt(level);
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        if (!compiler.available()) throw new UserError(compiler.executable() + " not found on PATH (apt-get install " + compiler.debianPackage() + ")");
        List<Runtime> runtimes = new ArrayList<>();
        try {
            if (run != null) for (String n : run) runtimes.add(RuntimeOptions.available(n));
            CFiles.Build b = CFiles.build(compiler, cpu, opt, file);
            if (b.refused() != null) throw new UserError(file + " does not compile (" + compiler.id() + " " + b.flags() + "): " + b.refused());
            if (b.unreadable() != null) throw new UserError(b.unreadable());
            ElfObject o = b.object();
            for (ElfObject.ProgramSection p : o.programs()) {
                out.printf("# section %s: %d slots%s; functions %s%n", p.name(), p.program().slotCount(),
                        p.ownSlots() < p.program().slotCount() ? " (.text appended at pc " + p.ownSlots() + ")" : "",
                        p.functions().stream().map(f -> f.name() + "@" + f.pc()).collect(Collectors.joining(" ")));
                out.print(Disassembler.conformance(p.program(), true));
            }
            if (o.globalData().length > 0) {
                out.println("# global data, " + o.globalData().length + " bytes: " + o.dataSections().stream()
                        .map(d -> d.name() + " at " + d.base() + " (" + d.size() + ")").collect(Collectors.joining(", "))
                        + (o.region().pointers().length > 0 ? "; pointer words at " + java.util.Arrays.toString(o.region().pointers()) : ""));
            }
            if (runtimes.isEmpty()) return 0;
            ElfObject.ProgramSection entry = o.entry();
            byte[] memory = new byte[takesPointer(entry.program()) ? MEMORY : 0];
            out.println("# entry " + entry.name() + ", memory " + memory.length + " bytes");
            Outcome first = null;
            boolean agree = true;
            for (Runtime r : runtimes) {
                Outcome oc = r.run(entry.program(), memory.clone(), Limits.DEFAULT);
                out.println(r.name() + ": " + oc.describe());
                if (first == null) first = oc;
                else if (!first.sameAs(oc)) agree = false;
            }
            if (!agree) out.println("runtimes disagree");
            return agree ? 0 : 1;
        } finally {
            for (Runtime r : runtimes) r.close();
        }
    }

    /**
     * Whether the program reads r1 before writing it in its straight-line start (up to the first jump,
     * call or exit; a call passes r1 on, so it counts as a read): the C function uses its argument.
     */
    static boolean takesPointer(Program p) {
        for (Insn i : p.insns()) {
            Shape s = i.op().shape;
            boolean readsDst = s.dstReg && (!s.dstWritten || (s == Shape.ALU_IMM || s == Shape.ALU_REG || s == Shape.NEG || s == Shape.ENDIAN)
                    && i.op() != Op.MOV64_IMM && i.op() != Op.MOV32_IMM && i.op() != Op.MOV64_REG && i.op() != Op.MOV32_REG
                    && !i.op().name().startsWith("MOVSX"));
            if ((s.srcReg && i.src() == 1) || (readsDst && i.dst() == 1)) return true;
            if (s == Shape.CALL_LOCAL || s == Shape.CALL_HELPER) return true;
            if (s.isJump() || s == Shape.EXIT || s == Shape.CALLX) return false;
            if (s.dstWritten && i.dst() == 1) return false;
        }
        return false;
    }
}
