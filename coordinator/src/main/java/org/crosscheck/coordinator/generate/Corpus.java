package org.crosscheck.coordinator.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;

/**
 * Programs to mutate alongside generation: the seeds we wrote ({@code corpus/}) and every reproducer
 * kept in a workdir's findings. A mutation keeps a program's shape (registers, memory accesses,
 * jumps) and changes its immediates to edge values, its operations to others of the same shape and
 * width, and bytes of its input, so what verified before still verifies.
 */
public final class Corpus {
    /** A corpus entry: a program, its memory, and where it came from. */
    public record Entry(Program program, byte[] memory, String source) {}

    private final List<Entry> entries;
    /** Registers that hold pointers in our programs (input in r1, r6 or r7; frame in r10): never an ALU operand of a mutation. */
    private static final java.util.Set<Integer> POINTERS = java.util.Set.of(1, 6, 7, 10);

    private Corpus(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Corpus empty() {
        return new Corpus(List.of());
    }

    /** The corpus a worker received from its coordinator. */
    public static Corpus of(List<Entry> entries) {
        return new Corpus(entries);
    }

    /**
     * The most instructions a corpus program may have (the kernel's limit for unprivileged programs,
     * about fifty times what the generator makes), and the largest .data file read to find out (parsing
     * is what it costs). A 950,000-instruction program stalled a campaign: reading it and its copy in
     * the campaign's corpus took longer than the campaign's duration, and each of its mutants would be
     * copied, compiled, run and minimized whole, and sent to every worker.
     */
    public static final int MAX_INSNS = 4096, MAX_BYTES = 1 << 20;

    /**
     * Reads every .data file under the given directories (missing ones are skipped); unreadable files,
     * files of more than {@link #MAX_BYTES} and programs of more than {@link #MAX_INSNS} instructions
     * are skipped, each with one line to {@code warn}.
     */
    public static Corpus load(List<Path> dirs, Generator.Config config, java.util.function.Consumer<String> warn) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                    try {
                        if (Files.size(f) > MAX_BYTES) {
                            warn.accept(String.format("corpus: skipping %s: %,d bytes, more than the %,d a corpus file may have", f, Files.size(f), MAX_BYTES));
                            continue;
                        }
                        DataFile d = DataFile.read(f);
                        Program p = d.program().program();
                        if (p.insns().size() > MAX_INSNS) {
                            warn.accept(String.format("corpus: skipping %s: %,d instructions, more than the %,d a corpus program may have",
                                    f, p.insns().size(), MAX_INSNS));
                        } else if (p.insns().stream().allMatch(i -> config.allows(i.op()) || i.op() == Op.CALL_LOCAL)) {
                            out.add(new Entry(p, d.memory(), f.toString()));
                        }
                    } catch (IsaException e) {
                        warn.accept("corpus: skipping " + e.getMessage());
                    }
                }
            }
        }
        return new Corpus(out);
    }

    /**
     * The corpus of a campaign, fixed when it starts: the first start copies the programs of {@code dirs}
     * into WORKDIR/campaign-corpus (numbered, in load order), and every later start (a resume, a
     * restarted coordinator) reads that copy, so case (seed, index) stays the same program for the whole
     * campaign, on every node. Reproducers found meanwhile join the corpus of the next campaign.
     */
    public static Corpus frozen(Path workdir, List<Path> dirs, Generator.Config config, java.util.function.Consumer<String> warn)
            throws IOException {
        Path snap = workdir.resolve("campaign-corpus");
        if (!Files.isRegularFile(snap.resolve("complete"))) {
            Corpus c = load(dirs, config, warn);
            if (Files.isDirectory(snap)) {
                try (Stream<Path> s = Files.list(snap)) {
                    for (Path f : s.toList()) Files.delete(f); // a copy a crash left half done
                }
            }
            Files.createDirectories(snap);
            for (int i = 0; i < c.entries.size(); i++) {
                Entry e = c.entries.get(i);
                org.crosscheck.coordinator.findings.AtomicFiles.write(snap.resolve(String.format("%06d.data", i)),
                        DataFile.write(e.program(), e.memory(), null, "corpus of this campaign, from " + e.source()));
            }
            org.crosscheck.coordinator.findings.AtomicFiles.write(snap.resolve("complete"), c.entries.size() + "\n");
        }
        return load(List.of(snap), config, warn);
    }

    public int size() {
        return entries.size();
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * The registers a backward jump compares: a loop's counter and bound. Mutating what writes them
     * made one mutant of a looping seed in a hundred loop forever: each cost the kernel's verifier
     * half a second to reject (a fifth of a kernel campaign's kernel time) and found nothing.
     */
    static boolean[] loopCounters(List<Insn> insns) {
        boolean[] regs = new boolean[Program.MAX_REGISTER + 1];
        for (Insn i : insns) {
            if (!i.op().shape.isJump() || i.jumpOffset() >= 0 || i.op() == Op.CALL_LOCAL) continue;
            if (i.op().shape.dstReg) regs[i.dst()] = true;
            if (i.op().shape.srcReg) regs[i.src()] = true;
        }
        return regs;
    }

    /** A mutant of a corpus entry chosen by rnd; the config bounds the operations it may use. */
    public Entry mutate(SplittableRandom rnd, Generator.Config config) {
        Entry e = entries.get(rnd.nextInt(entries.size()));
        List<Insn> insns = new ArrayList<>(e.program().insns());
        boolean[] loopCounters = loopCounters(insns);
        int changes = 1 + rnd.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int k = rnd.nextInt(insns.size());
            Insn i = insns.get(k);
            Op op = i.op();
            if (op.shape.dstWritten && loopCounters[i.dst()]) continue; // the loop stays bounded
            boolean forward = !op.shape.isJump() || i.jumpOffset() >= 0; // loop bounds stay as they are
            if (rnd.nextBoolean() && forward && (op.shape == Shape.ALU_IMM || op.shape == Shape.JMP_IMM || op.shape == Shape.ST)) {
                long v = Values.strongEdge(rnd);
                String m = op.mnemonic.replace("32", "");
                if (m.equals("lsh") || m.equals("rsh") || m.equals("arsh")) v = Math.floorMod(v, op.is32() ? 32 : 64);
                if ((m.contains("div") || m.contains("mod")) && (int) v == 0) v = 3;
                insns.set(k, new Insn(op, i.dst(), i.src(), i.off(), (int) v));
            } else if (op == Op.LDDW) {
                insns.set(k, new Insn(op, i.dst(), i.src(), i.off(), Values.edge64(rnd)));
            } else if ((op.shape == Shape.ALU_IMM || op.shape == Shape.ALU_REG) && !op.mnemonic.startsWith("mov")
                    && !POINTERS.contains(i.dst()) && !(op.shape == Shape.ALU_REG && POINTERS.contains(i.src()))) {
                // another operation of the same shape and width, on registers that hold no pointer by convention
                List<Op> same = new ArrayList<>();
                for (Op o : Op.values()) {
                    if (o.shape == op.shape && o.insnClass() == op.insnClass() && config.allows(o) && o.off == op.off
                            && !o.mnemonic.startsWith("mov")) same.add(o);
                }
                if (same.isEmpty()) continue;
                Op to = same.get(rnd.nextInt(same.size()));
                String m = to.mnemonic.replace("32", "");
                long imm = i.imm();
                if (to.shape == Shape.ALU_IMM && (m.equals("lsh") || m.equals("rsh") || m.equals("arsh"))) imm = Math.floorMod(imm, to.is32() ? 32 : 64);
                if (to.shape == Shape.ALU_IMM && (m.contains("div") || m.contains("mod")) && (int) imm == 0) imm = 3;
                insns.set(k, new Insn(to, i.dst(), i.src(), i.off(), imm));
            }
        }
        byte[] mem = e.memory().clone();
        if (mem.length > 0) for (int c = rnd.nextInt(4); c > 0; c--) mem[rnd.nextInt(mem.length)] = (byte) Values.edgeByte(rnd);
        try {
            return new Entry(Program.of(insns), mem, e.source());
        } catch (DecodeException ex) {
            return e; // a mutation the table refuses: use the entry as it is
        }
    }
}
