package org.crosscheck.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.barrier.BarrierCheck;
import org.crosscheck.runtime.barrier.BarrierOp;
import org.crosscheck.runtime.barrier.BarrierTable;
import org.crosscheck.runtime.barrier.Objdump;
import org.crosscheck.runtime.kernel.JitImage;
import org.crosscheck.runtime.vm.VmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "barriers",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a kernel JIT's machine code for the barriers the BPF memory model needs. QEMU's TCG on an x86",
            "host hides most weak behaviours, so litmus runs cannot show a missing barrier there; this reads the",
            "code instead. Each atomic (add, and, or, xor, with and without fetch, xchg, cmpxchg; 32 and 64 bits)",
            "and each load-acquire/store-release is loaded alone in a tiny program (r1 = 8 bytes of memory, the",
            "op on [r1+0]), the JIT's image read back (BPF_OBJ_GET_INFO_BY_FD), disassembled with objdump",
            "(binutils-multiarch), and the op's own code (what the image does not share with the same program",
            "without the op) is checked against the barrier table: the ordering the model requires of the op",
            "(fetch, xchg and cmpxchg fully ordered, the others atomic only; load-acquire acquire, store-release",
            "release, each row citing the kernel's documentation) and, per architecture, the instruction",
            "sequences that give it (each citing the kernel's own implementation). Prints op x verdict:",
            "  ok             a recipe of the required ordering is there (named)",
            "  MISSING        none is: a finding, titled 'barrier: RUNTIME KIND OP lacks ORDERING (...)', with",
            "                 the op's disassembly",
            "  not in kernel  the verifier does not know the instruction (load-acquire/store-release before 6.15)",
            "  not jited      the JIT refuses the instruction (ENOTSUPP) or left it to the interpreter",
            "  no table       the table has no recipe for that ordering on the architecture",
            "  error          the check could not be made (the detail says why)",
            "Exit code 1 when an op is MISSING or in error."
        },
        footer = {"", "Examples:",
            "  crosscheck barriers --runtime vm:arm64-6.1:jit,kernel",
            "  crosscheck barriers --runtime vm:arm64-6.1:jit --ops fetch_add64,xchg64 --verbose --save /tmp/images",
            "  objdump -D -b binary -m aarch64 /tmp/images/vm_arm64-6.1_jit/fetch_add64.bin",
            "  crosscheck barriers --print-table > my-table.txt   # edit a row, then:",
            "  crosscheck barriers --runtime kernel --table my-table.txt"})
final class BarriersCommand extends CliCommand {
    @Option(names = {"-r", "--runtime"}, split = ",", paramLabel = "LIST",
            description = "Kernel runtimes whose JIT to check: kernel (this machine's), vm:ARCH[-VERSION]:jit (a prepared guest, see crosscheck vm).")
    List<String> runtimes;

    @Option(names = "--ops", split = ",", paramLabel = "LIST", description = "Only these ops (default: all 28), e.g. fetch_add64,xchg32,load_acquire64.")
    List<String> ops;

    @Option(names = "--table", paramLabel = "FILE", description = "A barrier table of the same form as the built-in one (see --print-table).")
    Path table;

    @Option(names = "--print-table", description = "Print the built-in barrier table and exit.")
    boolean printTable;

    @Option(names = "--save", paramLabel = "DIR", description = "Also write each JIT image to DIR/RUNTIME/OP.bin (and baseline.bin, the program without the op), for objdump by hand.")
    Path save;

    @Option(names = {"-v", "--verbose"}, description = "Show every op's code, not only the failures'.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (printTable) {
            try (InputStream in = BarrierTable.class.getResourceAsStream("barriers.txt")) {
                out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                return 0;
            } catch (IOException e) {
                throw new UserError("--print-table: " + e.getMessage());
            }
        }
        if (runtimes == null) throw new UserError("--runtime is required (e.g. --runtime vm:arm64-6.1:jit,kernel)");
        BarrierTable t = table();
        List<BarrierOp> selected = selected();
        for (String n : runtimes) RuntimeOptions.create(n).close(); // every name known before any guest boots
        boolean failed = false;
        for (String n : runtimes) {
            try (Runtime r = RuntimeOptions.available(n)) {
                if (!(r instanceof JitImage.Source source)) throw new UserError("runtime " + n + " is no kernel: barriers checks kernel and vm:ARCH[-VERSION]:jit");
                if (!r.compiles()) throw new UserError("runtime " + n + " is a kernel's interpreter: there is no JIT code to check (its :jit runtime has)");
                out.printf("barriers: %s (Linux %s, %s), table %s%n", n, source.release(), source.arch(), t.source());
                out.flush();
                failed |= report(out, BarrierCheck.check(source, t, selected, (name, image) -> save(n, name, image)));
            } catch (VmException e) {
                throw new UserError("runtime " + n + ": " + e.getMessage());
            }
        }
        return failed ? 1 : 0;
    }

    /** With --save, writes a JIT image as DIR/RUNTIME/NAME.bin (the runtime's ':' as '_'). */
    private void save(String runtime, String name, JitImage image) {
        if (save == null || image.status() != JitImage.Status.JITED) return;
        Path f = save.resolve(runtime.replace(':', '_')).resolve(name + ".bin");
        try {
            Files.createDirectories(f.getParent());
            Files.write(f, image.code());
        } catch (IOException e) {
            throw new UserError("--save: cannot write " + f + " (" + e.getMessage() + ")");
        }
    }

    /** Prints the rows and the failures' code; whether any op is MISSING or in error. */
    private boolean report(PrintWriter out, List<BarrierCheck.Row> rows) {
        out.printf("  %-16s %-8s %-14s %s%n", "op", "requires", "verdict", "how");
        Map<BarrierCheck.Verdict, Integer> counts = new EnumMap<>(BarrierCheck.Verdict.class);
        List<BarrierCheck.Row> shown = new ArrayList<>();
        for (BarrierCheck.Row row : rows) {
            counts.merge(row.verdict(), 1, Integer::sum);
            String how = row.verdict() == BarrierCheck.Verdict.OK ? row.detail() + ": " + code(row.code()) : row.detail();
            out.printf("  %-16s %-8s %-14s %s%n", row.op().id, row.required().id, label(row.verdict()), how);
            if (row.finding() || verbose && !row.code().isEmpty()) shown.add(row);
        }
        for (BarrierCheck.Row row : shown) {
            out.println();
            out.println(row.finding() ? "FINDING " + row.title() : row.op().id + " (" + row.detail() + ")");
            for (Objdump.Line l : row.context()) out.println((row.code().contains(l) ? "  > " : "    ") + l);
        }
        StringBuilder sum = new StringBuilder();
        counts.forEach((v, c) -> sum.append(sum.isEmpty() ? "" : ", ").append(label(v).strip()).append(' ').append(c));
        out.println("barriers: " + rows.getFirst().runtime() + " " + sum);
        out.println();
        out.flush();
        return counts.containsKey(BarrierCheck.Verdict.MISSING) || counts.containsKey(BarrierCheck.Verdict.ERROR);
    }

    private static String label(BarrierCheck.Verdict v) {
        return switch (v) {
            case OK -> "ok";
            case MISSING -> "MISSING";
            case NOT_IN_KERNEL -> "not in kernel";
            case NOT_JITED -> "not jited";
            case NO_TABLE -> "no table";
            case ERROR -> "error";
        };
    }

    /** The op's instructions on one line. */
    private static String code(List<Objdump.Line> code) {
        StringBuilder b = new StringBuilder();
        for (Objdump.Line l : code) b.append(b.isEmpty() ? "" : "; ").append(l.text());
        return b.toString();
    }

    private BarrierTable table() {
        if (table == null) return BarrierTable.standard();
        try {
            return BarrierTable.parse(table.toString(), Files.readString(table));
        } catch (IOException e) {
            throw new UserError("--table " + table + ": cannot read it (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private List<BarrierOp> selected() {
        if (ops == null) return List.of(BarrierOp.values());
        List<BarrierOp> l = new ArrayList<>();
        for (String o : ops) {
            try {
                l.add(BarrierOp.of(o));
            } catch (IllegalArgumentException e) {
                throw new UserError("--ops: " + e.getMessage());
            }
        }
        return l;
    }
}
