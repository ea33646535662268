package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.isa.elf.ElfObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "compilers",
        mixinStandardHelpOptions = true,
        description = {
            "Compiles every .c file of the directories with both BPF compilers (bpf-gcc, clang -target bpf) at",
            "-mcpu v1..v4 and -O0/-O2, reads each object and prints a matrix compiler x cpu x conformance",
            "group: how many distinct instructions of the group its programs hold, or 'violated' when one of",
            "them lies outside what that -mcpu implies: its cpu version (the Op table's) above the -mcpu, or",
            "its group one that no instruction of that cpu version or below belongs to (packet and callx",
            "count as implied by none: C compilers emit neither on their own). Then each violation",
            "(compiler, flags, instruction, file), each compilation the compiler refused (its first error",
            "line) and each object the reader refused. Exit code 1 when there is a violation."
        },
        footer = {"", "Examples:", "  crosscheck compilers", "  crosscheck compilers corpus/c /tmp/more-c"})
final class CompilersCommand extends CliCommand {
    @Parameters(paramLabel = "DIR", arity = "0..*", description = "Directories of .c files (default: the project's corpus/c).")
    List<Path> dirs;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        List<Path> files = new ArrayList<>();
        for (Path d : dirs != null ? dirs : List.of(CFiles.projectRoot().resolve("corpus/c"))) {
            if (!Files.isDirectory(d)) throw new UserError(d + ": no such directory");
            try (Stream<Path> s = Files.list(d)) {
                files.addAll(s.filter(p -> p.toString().endsWith(".c")).sorted().toList());
            }
        }
        if (files.isEmpty()) throw new UserError("no .c files in " + (dirs != null ? dirs : "corpus/c"));
        for (BpfCompiler cc : BpfCompiler.values()) {
            if (!cc.available()) out.println(cc.executable() + " not found on PATH (apt-get install " + cc.debianPackage() + "): its rows stay empty");
        }
        Map<String, Map<Group, Set<Op>>> seen = new LinkedHashMap<>();
        Map<String, Set<Group>> violatedCells = new LinkedHashMap<>();
        Map<String, String> rowNote = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>(), refused = new ArrayList<>(), unreadable = new ArrayList<>();
        int read = 0;
        for (BpfCompiler cc : BpfCompiler.values()) {
            for (CpuVersion cpu : CpuVersion.values()) {
                String row = cc.id() + " " + cpu;
                seen.put(row, new EnumMap<>(Group.class));
                violatedCells.put(row, EnumSet.noneOf(Group.class));
                if (!cc.available()) {
                    rowNote.put(row, "not installed");
                    continue;
                }
                int refusedHere = 0, builds = 0;
                String firstRefusal = null;
                for (String opt : List.of("-O0", "-O2")) {
                    for (Path f : files) {
                        builds++;
                        CFiles.Build b = CFiles.build(cc, cpu, opt, f);
                        String where = cc.id() + " " + b.flags() + " " + f.getFileName();
                        if (b.refused() != null) {
                            refusedHere++;
                            if (firstRefusal == null) firstRefusal = b.refused();
                            refused.add(where + ": " + b.refused());
                            continue;
                        }
                        if (b.unreadable() != null) {
                            unreadable.add(where + ": " + b.unreadable());
                            continue;
                        }
                        read++;
                        Set<String> listed = new TreeSet<>();
                        for (ElfObject.ProgramSection p : b.object().programs()) {
                            for (Insn i : p.program().insns()) {
                                Op op = i.op();
                                seen.get(row).computeIfAbsent(op.group, g -> EnumSet.noneOf(Op.class)).add(op);
                                String why = violation(op, cpu);
                                if (why == null) continue;
                                violatedCells.get(row).add(op.group);
                                if (listed.add(op.name())) {
                                    violations.add(cc.id() + " " + b.flags() + ": " + op.mnemonic + " (" + op.name().toLowerCase() + ", " + why + ") in "
                                            + f.getFileName() + " section " + p.name());
                                }
                            }
                        }
                    }
                }
                if (refusedHere == builds) rowNote.put(row, "every compilation refused: " + firstRefusal);
            }
        }
        out.printf("%-10s", "compiler");
        for (Group g : Group.values()) out.printf(" %-9s", g.id());
        out.println();
        for (String row : seen.keySet()) {
            out.printf("%-10s", row);
            if (rowNote.containsKey(row)) {
                out.println(" " + rowNote.get(row));
                continue;
            }
            for (Group g : Group.values()) {
                Set<Op> ops = seen.get(row).get(g);
                out.printf(" %-9s", violatedCells.get(row).contains(g) ? "violated" : ops == null ? "-" : Integer.toString(ops.size()));
            }
            out.println();
        }
        out.println("(cells: distinct instructions of the group seen over " + files.size() + " files at -O0 and -O2)");
        out.println();
        section(out, "violations", violations, "none: every instruction is within its -mcpu");
        section(out, "refused by the compiler", refused, "none");
        section(out, "refused by the reader", unreadable, "none");
        out.printf("compilers: %d objects read, %d compilations refused by the compiler, %d objects refused by the reader, %d violations%n",
                read, refused.size(), unreadable.size(), violations.size());
        return violations.isEmpty() ? 0 : 1;
    }

    private static void section(PrintWriter out, String title, List<String> lines, String none) {
        out.println(title + ": " + (lines.isEmpty() ? none : lines.size()));
        for (String l : lines) out.println("  " + l);
    }

    /** Groups some instruction of cpu version {@code cpu} or below belongs to, but for packet and callx. */
    static Set<Group> implied(CpuVersion cpu) {
        Set<Group> s = EnumSet.noneOf(Group.class);
        for (Op op : Op.values()) if (op.cpu.compareTo(cpu) <= 0) s.add(op.group);
        s.remove(Group.PACKET);
        s.remove(Group.CALLX);
        return s;
    }

    /** Why {@code op} lies outside what -mcpu={@code cpu} implies, or null. */
    static String violation(Op op, CpuVersion cpu) {
        boolean overCpu = op.cpu.compareTo(cpu) > 0, outsideGroups = !implied(cpu).contains(op.group);
        if (!overCpu && !outsideGroups) return null;
        List<String> why = new ArrayList<>();
        if (overCpu) why.add("cpu " + op.cpu + " > " + cpu);
        if (outsideGroups) why.add("group " + op.group.id() + " not implied by " + cpu);
        return String.join(", ", why);
    }
}
