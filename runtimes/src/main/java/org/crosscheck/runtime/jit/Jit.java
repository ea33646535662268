package org.crosscheck.runtime.jit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * The JIT runtime: each program becomes hidden classes of JVM bytecode (java.lang.classfile), with
 * exactly the interpreter's semantics and outcomes.
 *
 * <p>Large programs: a program is compiled in chunks of basic blocks, each one JVM method kept
 * below HotSpot's 8000-byte compile limit (so it is JIT-compiled) and far below the class-file
 * limits (64 KiB of code, 65535 constants); chunks hand control to each other through the
 * {@link org.crosscheck.runtime.MachineState}. So programs of any size compile. Should building or
 * loading a class still fail, the program runs on the interpreter instead: that is counted in
 * {@link #fallbacks()}, stated in {@link Compiled#fallbackReason()} and logged as a warning, never a crash.
 */
public final class Jit implements Runtime {
    private static final System.Logger LOG = System.getLogger(Jit.class.getName());
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final AtomicLong FALLBACKS = new AtomicLong();

    private final String name;
    private final MemoryMode mode;

    public Jit() {
        this("jit", MemoryMode.PLAIN);
    }

    /** A JIT whose code reaches memory another way (the litmus mutant runs single programs in its shared mode). */
    public Jit(String name, MemoryMode mode) {
        this.name = name;
        this.mode = mode;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Group> groups() {
        return EnumSet.allOf(Group.class);
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        return compile(program, mode).run(memory, limits.instructionBudget());
    }

    /** Programs that ran on the interpreter because compiling them failed (a metric; 0 is normal). */
    public static long fallbacks() {
        return FALLBACKS.get();
    }

    public static Compiled compile(Program program) {
        return compile(program, MemoryMode.PLAIN);
    }

    /** Compiles and loads a program; never throws for a valid program (see the class comment). */
    public static Compiled compile(Program program, MemoryMode mode) {
        Interpreter.Decoded decoded = Interpreter.Decoded.of(program);
        int n = program.slotCount();
        if (decoded.unsupported() != null || n == 0) return new Compiled(decoded, mode, n, new Chunk[0], new int[n + 1], null);
        try {
            Blocks blocks = new Blocks(program);
            int chunks = blocks.chunkCount();
            int[] chunkOf = new int[n + 1];
            chunkOf[n] = -1;
            for (int c = 0; c < chunks; c++) {
                for (int k = blocks.firstBlock(c); k < blocks.endBlock(c); k++) {
                    Blocks.Block b = blocks.blocks.get(k);
                    for (int pc = b.start(); pc < b.end(); pc++) chunkOf[pc] = c;
                }
            }
            Chunk[] code = new Chunk[chunks];
            List<TreeSet<Integer>> entries = entries(blocks, chunkOf);
            for (int c = 0; c < chunks; c++) {
                byte[] bytes = ChunkCompiler.build(blocks, c, chunkOf, entries.get(c), mode);
                MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
                code[c] = (Chunk) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
            }
            if (chunks > 1) LOG.log(System.Logger.Level.DEBUG, "jit: program of " + program.insns().size() + " instructions split into " + chunks + " chunks");
            return new Compiled(decoded, mode, n, code, chunkOf, null);
        } catch (Throwable e) {
            if (e instanceof Error err && !(err instanceof LinkageError)) throw err; // out of memory etc.
            String why = "could not compile (" + e + "); running on the interpreter";
            FALLBACKS.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "jit: program of " + program.insns().size() + " instructions " + why);
            return new Compiled(decoded, mode, n, null, null, why);
        }
    }

    /**
     * Per chunk, the block starts that control can reach from outside it: pc 0, targets of jumps
     * and fall-throughs from other chunks, and return points of local calls (an exit reaches them
     * through the entry switch).
     */
    private static List<TreeSet<Integer>> entries(Blocks blocks, int[] chunkOf) {
        Program p = blocks.program;
        List<TreeSet<Integer>> in = new ArrayList<>();
        for (int c = 0; c < blocks.chunkCount(); c++) in.add(new TreeSet<>());
        in.get(0).add(0);
        for (Blocks.Block b : blocks.blocks) {
            int from = chunkOf[b.start()];
            for (int pc = b.start(); pc < b.end(); pc++) {
                Insn i = p.at(pc);
                if (i == null) continue;
                int next = pc + i.slots();
                if (i.op() == Op.CALL_LOCAL && next < chunkOf.length - 1) in.get(chunkOf[next]).add(next);
                if (i.op().shape.isJump()) enter(in, chunkOf, from, pc + 1 + i.jumpOffset());
                boolean fallsThrough = !(i.op() == Op.JA || i.op() == Op.JA32 || i.op() == Op.EXIT
                        || i.op() == Op.CALL_RUNTIME || i.op() == Op.CALL_LOCAL);
                if (next == b.end() && fallsThrough) enter(in, chunkOf, from, next);
            }
        }
        return in;
    }

    private static void enter(List<TreeSet<Integer>> in, int[] chunkOf, int from, int to) {
        if (chunkOf[to] >= 0 && chunkOf[to] != from) in.get(chunkOf[to]).add(to);
    }
}
