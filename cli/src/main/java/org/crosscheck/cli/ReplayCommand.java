package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.coordinator.compare.Deviations;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.repro.CRepro;
import org.crosscheck.runtime.repro.Releases;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmException;
import org.crosscheck.runtime.vm.VmExec;
import org.crosscheck.runtime.vm.VmName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay",
        description = {"Re-runs a finding's reproducer (or any .data file) on every runtime and shows the outcomes side",
            "by side with the program in the LLVM dialect; an outcome a documented deviation explains is named so.",
            "Exit code 1 when the runtimes still disagree."},
        footer = {"", "Examples:", "  crosscheck replay crosscheck-work/findings/3f2a9c0d1e2b4a5c",
            "  crosscheck replay repro.data --runtimes interp,jit,kernel",
            "  crosscheck replay work/findings/3f2a9c0d1e2b4a5c --runtimes interp,kernel,vm:*   (every prepared VM kernel, JIT and interpreter)"})
final class ReplayCommand extends CliCommand {
    @Parameters(paramLabel = "FINDING_DIR|FILE", description = "A finding directory (uses its repro.data) or a .data file.")
    Path target;

    @Option(names = "--runtimes", paramLabel = "R,R", description = "Runtimes (default: the finding's reference and runtimes, else interp and every available one); vm:*, vm:*:jit, vm:*:interp: every prepared VM kernel.")
    String runtimes;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions;

    @Option(names = "--original", description = "Replay original.data instead of the minimized repro.data.")
    boolean original;

    @Option(names = "--emit-c", paramLabel = "DIR", description = {"Also write, for each kernel, DPDK or VM kernel runtime replayed, a standalone C program "
            + "(raw bpf(2), or rte_bpf_*; nothing of crosscheck) that loads the program bare, prints what it returns and, for kernels, "
            + "RFC 9669's r0 beside it (exit code 1 when they differ): DIR/<name>.<kernel|dpdk-interp|dpdk-jit|vm-ARCH-VERSION-MODE>.c. "
            + "With gcc here it is also built and run (a VM kernel's: cross-compiled and run in a fresh guest, as 'vm exec'), "
            + "and its output kept beside it (.out)."})
    Path emitC;

    /** Writes (and where gcc is, builds and runs) one C reproducer per bare target and VM kernel among the runtimes. */
    private void emitC(PrintWriter out, Path file, DataFile data, Set<String> names, Outcome reference) throws IOException, IsaException {
        String base = file.getFileName().toString().replaceFirst("\\.data$", "");
        if (base.equals("repro") && file.getParent() != null && file.getParent().getFileName() != null) base = file.getParent().getFileName().toString();
        Long rfc = reference instanceof Outcome.Returned r ? r.r0() : null;
        Set<CRepro.Target> targets = new LinkedHashSet<>();
        for (String n : names) if (CRepro.Target.of(n) != null) targets.add(CRepro.Target.of(n));
        Files.createDirectories(emitC);
        for (CRepro.Target t : targets) {
            String suffix = t.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            String name = base + "." + suffix;
            String source = CRepro.source(t, data.program().program(), data.memory(), header(file, suffix, names, reference, Releases.of(suffix), data), rfc);
            Path c = emitC.resolve(name + ".c");
            Path bin = emitC.resolve(name);
            Files.writeString(c, source);
            out.println("wrote " + c + "; build and run: " + t.buildCommand(c, bin) + " && " + bin);
            try {
                CRepro.build(t, source, emitC, name);
                String printed = CRepro.run(bin).transcript();
                Files.writeString(emitC.resolve(name + ".out"), printed);
                out.println("  here (" + Releases.of(suffix) + ") it prints: " + printed.strip().replace("\n", "; "));
            } catch (IOException e) {
                out.println("  not built here: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        for (String n : names) {
            if (!n.startsWith(VmName.PREFIX)) continue;
            VmName vm = VmName.parse(n);
            VmCache.Prepared image;
            try {
                image = VmCache.current(vm.arch(), vm.version());
            } catch (VmException e) {
                out.println("no C reproducer for " + n + ": " + e.getMessage());
                continue;
            }
            VmName exact = new VmName(vm.arch(), image.version(), vm.jit());
            String name = base + "." + exact.fileLabel();
            String release = "Linux " + image.release() + " (Debian " + image.debianRelease() + "), " + vm.arch().debian + " in QEMU, "
                    + (vm.jit() ? "its JIT (net.core.bpf_jit_enable 1)" : "its interpreter (net.core.bpf_jit_enable 0)");
            String source = CRepro.source(CRepro.Target.KERNEL, data.program().program(), data.memory(), header(file, exact.toString(), names, reference, release, data), rfc);
            Path c = emitC.resolve(name + ".c");
            Files.writeString(c, source);
            out.println("wrote " + c + "; build and run: crosscheck vm exec --arch " + vm.arch().debian + " --version " + image.version() + (vm.jit() ? "" : " --interp") + " " + c);
            try {
                VmExec.Ran ran = VmExec.run(image, vm.jit(), VmExec.compile(vm.arch(), c, line -> {}), 60_000);
                String printed = new CRepro.Run(ran.exited().exitCode(), ran.exited().stdout(), ran.exited().stderr()).transcript();
                Files.writeString(emitC.resolve(name + ".out"), printed);
                out.println("  on " + ran.release() + " it prints: " + printed.strip().replace("\n", "; "));
            } catch (VmException e) {
                out.println("  not run: " + e.getMessage());
            }
        }
    }

    /** A C reproducer's opening comment: what it is, RFC 9669's outcome, where it was written, the program. */
    private static List<String> header(Path file, String runtime, Set<String> names, Outcome reference, String writtenOn, DataFile data) throws IsaException {
        List<String> header = new ArrayList<>();
        header.add("crosscheck reproducer of " + file.getFileName() + " on " + runtime);
        if (reference != null) header.add("RFC 9669 (crosscheck's reference interpreter, " + names.iterator().next() + "): " + reference.describe());
        header.add("written on " + writtenOn);
        header.add("");
        header.add("The program, in the LLVM dialect:");
        for (String line : Disassembler.llvm(data.program().program()).split("\n")) header.add("  " + line);
        if (data.memory().length > 0) header.add("memory: " + java.util.HexFormat.ofDelimiter(" ").formatHex(data.memory()));
        return header;
    }

    @Override
    public Integer call() throws IOException, IsaException {
        Path file = Files.isDirectory(target) ? target.resolve(original ? "original.data" : "repro.data") : target;
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        DataFile data = DataFile.read(file);
        Program p = data.program().program();
        byte[] mem = data.memory();
        Set<String> names = new LinkedHashSet<>();
        if (runtimes != null) {
            for (String n : runtimes.split(",")) {
                if (n.isBlank()) continue;
                try {
                    names.addAll(org.crosscheck.runtime.vm.VmCache.expand(n.strip()));
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
            }
        } else if (Files.isDirectory(target) && Files.isRegularFile(target.resolve("meta.properties"))) {
            FindingStore.Summary s = FindingStore.summary(target);
            java.util.Properties meta = FindingStore.readMeta(target);
            names.add(meta.getProperty("reference", "interp"));
            names.addAll(s.runtimes());
        } else {
            names.addAll(Runtimes.names());
        }
        pluginOptions.define();
        if (emitC != null && names.stream().allMatch(n -> CRepro.Target.of(n) == null && !n.startsWith(VmName.PREFIX))) {
            throw new UserError("--emit-c: none of " + String.join(", ", names) + " is a kernel, DPDK or VM kernel runtime");
        }
        PrintWriter out = out();
        out.println("# " + file);
        out.print(Disassembler.llvm(p));
        if (mem.length > 0) out.println("memory: " + java.util.HexFormat.ofDelimiter(" ").formatHex(mem));
        List<Outcome> outcomes = new ArrayList<>();
        List<String> agreeing = new ArrayList<>(), diverging = new ArrayList<>(); // VM kernels against the first runtime
        int width = names.stream().mapToInt(String::length).max().orElse(6);
        for (String n : names) {
            Runtime r = RuntimeOptions.create(n);
            try (r) {
                var why = r.unavailableReason();
                if (why.isPresent()) {
                    out.printf("%-" + width + "s  unavailable: %s%n", n, why.get());
                    continue;
                }
                Outcome o = r.run(p, mem, Limits.DEFAULT);
                outcomes.add(o);
                out.printf("%-" + width + "s  %s%n", n, o.describe());
                if (r instanceof org.crosscheck.runtime.kernel.VmRuntime vm && vm.image() != null) {
                    boolean same = o.sameAs(outcomes.get(0));
                    (same ? agreeing : diverging).add(n + " (" + vm.image().release() + ")");
                }
                if (o instanceof Outcome.Returned ret && mem.length > 0) {
                    out.printf("%-" + width + "s  memory: %s%n", "", java.util.HexFormat.ofDelimiter(" ").formatHex(ret.memory()));
                }
                if (outcomes.size() > 1 && !o.sameAs(outcomes.get(0))) {
                    Deviations.Deviation d = Deviations.explain(n, p, mem, outcomes.get(0), o);
                    if (d != null) {
                        out.printf("%-" + width + "s  a documented deviation (%s): %s%n", "", d.id(), d.description());
                        outcomes.set(outcomes.size() - 1, outcomes.get(0)); // explained: as if it agreed
                    }
                }
            }
        }
        if (emitC != null) emitC(out, file, data, names, outcomes.isEmpty() ? null : outcomes.get(0));
        if (!agreeing.isEmpty() || !diverging.isEmpty()) {
            out.println("kernels that differ from " + names.iterator().next() + ": " + (diverging.isEmpty() ? "none" : String.join(", ", diverging)));
            out.println("kernels that agree: " + (agreeing.isEmpty() ? "none" : String.join(", ", agreeing)));
        }
        boolean agree = outcomes.stream().allMatch(o -> o.sameAs(outcomes.get(0)));
        out.println(agree ? "all runtimes agree" : "runtimes disagree");
        return agree ? 0 : 1;
    }
}
