package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Shape;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "atomics",
        mixinStandardHelpOptions = true,
        description = {
            "Which BPF atomic instruction each GCC/clang __sync_* and __atomic_* builtin becomes: one small C",
            "program per builtin and width (32 and 64 bits; the fetching ones with their result used and",
            "unused), on a global in .data, compiled by both compilers at -O2 with each -mcpu v1..v3 (v4: neither",
            "compiler knows it). Each cell is the object's atomic instructions, or the compiler's or the reader's",
            "refusal; each object runs on --runtimes and its r0 (the old value and the variable after) is",
            "compared with the same C built natively: '=' every runtime returns the native value, else the",
            "runtimes that differ. Exit code 1 when a runtime differs from native."
        },
        footer = {"", "Examples:", "  crosscheck atomics", "  crosscheck atomics --runtimes interp,jit"})
final class AtomicsCommand extends CliCommand {
    @Option(names = "--runtimes", split = ",", defaultValue = "interp,jit,kernel", paramLabel = "RUNTIMES",
            description = "Runtimes each object runs on (default: ${DEFAULT-VALUE}; kernel left out where bpf() is refused).")
    List<String> runtimeNames;

    /** A builtin applied to the global v: its C expression (V the variable's address, X the operand) and whether its value is used. */
    record Case(String builtin, int bits, boolean used, String expr) {
        String label() {
            return builtin + " " + bits + (used ? "" : " (result unused)");
        }
    }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        String[] fetch = {"__sync_fetch_and_add", "__sync_fetch_and_sub", "__sync_fetch_and_or", "__sync_fetch_and_and", "__sync_fetch_and_xor",
            "__sync_add_and_fetch", "__sync_lock_test_and_set"};
        String[] atomic = {"__atomic_fetch_add", "__atomic_fetch_or", "__atomic_fetch_and", "__atomic_fetch_xor", "__atomic_exchange_n"};
        for (int bits : new int[] {32, 64}) {
            for (String b : fetch) {
                l.add(new Case(b, bits, true, b + "(V, X)"));
                if (b.contains("fetch_and_add") || b.contains("fetch_and_or") || b.contains("fetch_and_and") || b.contains("fetch_and_xor")) {
                    l.add(new Case(b, bits, false, b + "(V, X)"));
                }
            }
            l.add(new Case("__sync_val_compare_and_swap", bits, true, "__sync_val_compare_and_swap(V, INIT, X)"));
            l.add(new Case("__sync_bool_compare_and_swap", bits, true, "__sync_bool_compare_and_swap(V, INIT, X)"));
            for (String b : atomic) l.add(new Case(b, bits, true, b + "(V, X, __ATOMIC_SEQ_CST)"));
            l.add(new Case("__atomic_compare_exchange_n", bits, true, "({ T e = INIT; __atomic_compare_exchange_n(V, &e, X, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) + e; })"));
            l.add(new Case("__atomic_load_n", bits, true, "__atomic_load_n(V, __ATOMIC_SEQ_CST)"));
            l.add(new Case("__atomic_store_n", bits, false, "(__atomic_store_n(V, X, __ATOMIC_SEQ_CST), 0)"));
        }
        return l;
    }

    static String source(Case c) {
        String t = c.bits == 32 ? "unsigned int" : "unsigned long long";
        String init = c.bits == 32 ? "0x8000000fU" : "0x800000000000000fULL";
        String x = c.bits == 32 ? "0x1234567aU" : "0x123456789abcdef1ULL";
        String e = c.expr.replace("V", "&v").replace("X", "x").replace("INIT", init).replace("T ", t + " ");
        String body = c.used ? "unsigned long long r = (unsigned long long) " + e + ";\n    return r * 3 + v;"
                : e + ";\n    return v;";
        return "#if defined(__bpf__) || defined(__BPF__)\n#define SEC __attribute__((section(\"xdp\"), used))\n#else\n#define SEC\n#endif\n"
                + t + " v = " + init + ";\n" + t + " x = " + x + ";\n"
                + "SEC unsigned long long entry(void *ctx) {\n    (void) ctx;\n    " + body + "\n}\n";
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        List<Runtime> runtimes = new ArrayList<>();
        for (String n : runtimeNames) {
            Runtime r = org.crosscheck.runtime.Runtimes.create(n);
            if (r.unavailableReason().isPresent()) {
                out.println(n + " unavailable (" + r.unavailableReason().get() + "): left out");
                r.close();
            } else {
                runtimes.add(r);
            }
        }
        List<CpuVersion> cpus = List.of(CpuVersion.V1, CpuVersion.V2, CpuVersion.V3);
        Path dir = Files.createTempDirectory("crosscheck-atomics");
        List<String> columns = new ArrayList<>();
        for (BpfCompiler cc : BpfCompiler.values()) for (CpuVersion cpu : cpus) columns.add(cc.id() + " " + cpu);
        Map<String, String> notes = new LinkedHashMap<>();
        List<String> differ = new ArrayList<>();
        int width = 38;
        try {
            StringBuilder head = new StringBuilder(String.format("%-" + width + "s", "builtin, bits (-O2)"));
            for (String col : columns) head.append(" | ").append(String.format("%-22s", col));
            out.println(head);
            for (Case c : cases()) {
                Path file = dir.resolve("atomic.c");
                Files.writeString(file, source(c));
                long expected = nativeResult(file, dir);
                StringBuilder row = new StringBuilder(String.format("%-" + width + "s", c.label()));
                for (BpfCompiler cc : BpfCompiler.values()) {
                    for (CpuVersion cpu : cpus) {
                        String cell;
                        if (!cc.available()) {
                            cell = "(no " + cc.executable() + ")";
                        } else {
                            CFiles.Build b = CFiles.build(cc, cpu, "-O2", file);
                            if (b.refused() != null) {
                                cell = "refused " + note(notes, b.refused().replaceAll("\\S*atomic\\.c:\\d+:\\d+: ", ""));
                            } else if (b.unreadable() != null) {
                                cell = "reader " + note(notes, b.unreadable().replaceFirst("^[^:]*: ", ""));
                            } else {
                                var p = b.object().entry().program();
                                Set<String> atomics = new LinkedHashSet<>();
                                for (Insn i : p.insns()) if (i.op().shape == Shape.ATOMIC) atomics.add(i.op().mnemonic.replace("lock ", ""));
                                StringBuilder runs = new StringBuilder();
                                for (Runtime r : runtimes) {
                                    Outcome o = r.run(p, new byte[0], Limits.DEFAULT);
                                    boolean same = o instanceof Outcome.Returned ret && (ret.r0Bits() == 64 ? ret.r0() == expected : ret.r0() == (expected & 0xffff_ffffL));
                                    if (!same) {
                                        runs.append(runs.isEmpty() ? "" : ",").append(r.name());
                                        differ.add(c.label() + ", " + cc.id() + " -O2 -mcpu=" + cpu + ": " + r.name() + " " + o.describe()
                                                + String.format(Locale.ROOT, " (native 0x%x)", expected));
                                    }
                                }
                                cell = (atomics.isEmpty() ? "no atomic" : String.join("+", atomics)) + (runs.isEmpty() ? " =" : " !" + runs);
                            }
                        }
                        row.append(" | ").append(String.format("%-22s", cell));
                    }
                }
                out.println(row);
                out.flush();
            }
        } finally {
            AtomicFiles.deleteTree(dir);
            for (Runtime r : runtimes) r.close();
        }
        out.println("'=': every runtime (" + String.join(", ", runtimes.stream().map(Runtime::name).toList()) + ") returned the native value;"
                + " '!R': runtime R did not (below). Refusals:");
        for (var e : notes.entrySet()) out.println("  " + e.getValue() + ": " + e.getKey());
        for (String d : differ) out.println("differs: " + d);
        out.println("atomics: " + cases().size() + " builtins x widths, " + columns.size() + " compilations each, " + differ.size() + " runs differing from native");
        return differ.isEmpty() ? 0 : 1;
    }

    private static String note(Map<String, String> notes, String text) {
        return notes.computeIfAbsent(text.replaceAll("0x[0-9a-f]{5,}", "0x..."), k -> "[" + (notes.size() + 1) + "]");
    }

    /** The value the C computes, from the host's gcc. */
    private static long nativeResult(Path file, Path dir) throws IOException, InterruptedException {
        Path main = dir.resolve("main.c"), exe = dir.resolve("atomic");
        Files.writeString(main, "#include <stdio.h>\nunsigned long long entry(void *);\nint main(void) { printf(\"%llx\\n\", entry(0)); return 0; }\n");
        Process cc = new ProcessBuilder("gcc", "-O2", "-w", file.toString(), main.toString(), "-o", exe.toString()).redirectErrorStream(true).start();
        String err = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cc.waitFor(60, TimeUnit.SECONDS) || cc.exitValue() != 0) throw new UserError("host gcc cannot build " + file + ": " + err.strip());
        Process run = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String o = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        run.waitFor(10, TimeUnit.SECONDS);
        return Long.parseUnsignedLong(o, 16);
    }
}
