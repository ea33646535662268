package org.crosscheck.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.OpProbe;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.kernel.VmRuntime;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "groups",
        mixinStandardHelpOptions = true,
        description = {
            "What each runtime supports, asked of the runtime: one tiny program per instruction (OpProbe), run",
            "once. Prints a matrix runtime x conformance group: 'all' (every probed instruction of the group",
            "loads and runs), 'none', or 'K/N'; the highest cpu version whose every instruction runs; and,",
            "below it, each refused instruction with what the runtime said. Campaigns send a runtime only",
            "what it runs here (a VM kernel's probe is cached with its guest). Helper calls, callx and the map",
            "forms of lddw have no portable probe ('-')."
        },
        footer = {"", "Examples:", "  crosscheck groups", "  crosscheck groups --runtimes kernel,vm:arm64-6.1:jit,vm:arm64-6.1:interp"})
final class GroupsCommand extends CliCommand {
    @Option(names = "--runtimes", split = ",", paramLabel = "LIST",
            description = "Runtimes to probe (default: interp, jit, kernel, dpdk-interp, dpdk-jit and every prepared vm guest, JIT and interpreter).")
    List<String> runtimes;

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<String> names = runtimes != null ? runtimes : defaults();
        for (String n : names) RuntimeOptions.create(n).close(); // every name known before any probe runs
        out.printf("%-22s", "runtime");
        for (Group g : Group.values()) out.printf(" %-8s", g.id());
        out.println(" cpu");
        Map<String, List<String>> refused = new TreeMap<>();
        for (String n : names) {
            try (Runtime r = RuntimeOptions.create(n)) {
                var why = r.unavailableReason();
                if (why.isPresent()) {
                    out.printf("%-22s unavailable: %s%n", n, why.get());
                    out.flush();
                    continue;
                }
                Map<Op, OpProbe.Result> p = r instanceof VmRuntime vm ? vm.probe() : OpProbe.probe(r);
                out.printf("%-22s", n);
                for (Group g : Group.values()) out.printf(" %-8s", cell(p, g));
                out.println(" " + cpu(p));
                out.flush();
                p.forEach((op, res) -> {
                    if (res.verdict() == OpProbe.Verdict.REFUSED || res.verdict() == OpProbe.Verdict.CRASHED) {
                        refused.computeIfAbsent(n, k -> new ArrayList<>()).add(op.name().toLowerCase() + " (" + op.group.id() + ", " + op.cpu.name().toLowerCase()
                                + ")" + (res.verdict() == OpProbe.Verdict.CRASHED ? " crashed: " : ": ") + res.detail());
                    }
                });
            } catch (VmException e) {
                out.printf("%-22s unavailable: %s%n", n, e.getMessage());
            }
        }
        refused.forEach((n, l) -> {
            out.println();
            out.println(n + " refuses " + l.size() + ":");
            for (String s : l) out.println("  " + s);
        });
        return 0;
    }

    private static List<String> defaults() {
        List<String> l = new ArrayList<>(List.of("interp", "jit", "kernel", "dpdk-interp", "dpdk-jit"));
        for (VmCache.Prepared p : VmCache.list()) {
            l.add("vm:" + p.label() + ":jit");
            l.add("vm:" + p.label() + ":interp");
        }
        return l;
    }

    static String cell(Map<Op, OpProbe.Result> p, Group g) {
        int probed = 0, runs = 0;
        for (Op op : Op.values()) {
            if (op.group != g || p.get(op).verdict() == OpProbe.Verdict.NOT_PROBED) continue;
            probed++;
            if (p.get(op).verdict() == OpProbe.Verdict.RUNS) runs++;
        }
        return probed == 0 ? "-" : runs == probed ? "all" : runs == 0 ? "none" : runs + "/" + probed;
    }

    /** The highest cpu version all of whose probed instructions run (of every group), or "none". */
    static String cpu(Map<Op, OpProbe.Result> p) {
        String best = "none";
        for (CpuVersion v : CpuVersion.values()) {
            for (Op op : Op.values()) {
                if (op.cpu == v && p.get(op).verdict() != OpProbe.Verdict.RUNS && p.get(op).verdict() != OpProbe.Verdict.NOT_PROBED) return best;
            }
            best = v.name().toLowerCase();
        }
        return best;
    }
}
