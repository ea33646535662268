package org.crosscheck.runtime.jit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * The JIT runtime: each program becomes JVM bytecode (java.lang.classfile), static methods of hidden
 * classes, with exactly the interpreter's semantics and outcomes. Programs compiled together
 * ({@link #compileAll}, or announced with {@link #prepare}) share classes.
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
    public boolean compiles() {
        return true;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all();
    }

    /** Per thread, the programs {@link #prepare} compiled that have not run yet. */
    private final ThreadLocal<Map<Program, Compiled>> prepared = ThreadLocal.withInitial(IdentityHashMap::new);

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        Compiled c = prepared.get().remove(program);
        return (c != null ? c : compile(program, mode)).run(memory, limits.instructionBudget());
    }

    /** Compiled once (or taken from {@link #prepare}), run per input. */
    @Override
    public Loaded load(Program program, int memoryLength) {
        Compiled p = prepared.get().remove(program);
        Compiled c = p != null ? p : compile(program, mode);
        return (memory, limits) -> c.run(memory, limits.instructionBudget());
    }

    /** Compiles the programs together; their runs on this thread then need no compiling. */
    @Override
    public void prepare(List<Program> programs) {
        Map<Program, Compiled> ready = prepared.get();
        ready.clear();
        List<Compiled> code = compileAll(programs, mode);
        for (int k = 0; k < programs.size(); k++) ready.put(programs.get(k), code.get(k));
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
        return compileAll(List.of(program), mode).get(0);
    }

    /** Most chunks in one class, and their estimated bytecode: far below the class-file limits (65535 constants). */
    static final int SET_CHUNKS = 64, SET_BYTES = 100_000;

    /**
     * Compiles programs together, their chunks as methods of shared hidden classes ({@link ChunkSet}):
     * a campaign pays the cost of defining a class once per set instead of once per program. Each
     * result is what {@link #compile(Program, MemoryMode)} gives; should a set fail to build or load,
     * its programs are compiled alone, so one bad program cannot take the others to the interpreter.
     */
    public static List<Compiled> compileAll(List<Program> programs, MemoryMode mode) {
        Compiled[] out = new Compiled[programs.size()];
        Chunk[][] code = new Chunk[programs.size()][];
        int[][] chunkOfs = new int[programs.size()][];
        String[] unsupported = new String[programs.size()];
        List<ChunkCompiler.Unit> units = new ArrayList<>();
        List<int[]> owner = new ArrayList<>(); // per unit: program index, chunk index
        List<Integer> bytes = new ArrayList<>();
        for (int k = 0; k < programs.size(); k++) {
            Program program = programs.get(k);
            unsupported[k] = Interpreter.Decoded.unsupported(program);
            int n = program.slotCount();
            if (unsupported[k] != null || n == 0) {
                out[k] = new Compiled(program, unsupported[k], mode, new Chunk[0], new int[n + 1], null);
                continue;
            }
            Blocks blocks = new Blocks(program);
            int chunks = blocks.chunkCount();
            int[] chunkOf = new int[n + 1];
            chunkOf[n] = -1;
            for (int c = 0; c < chunks; c++) {
                for (int b = blocks.firstBlock(c); b < blocks.endBlock(c); b++) {
                    Blocks.Block block = blocks.blocks.get(b);
                    for (int pc = block.start(); pc < block.end(); pc++) chunkOf[pc] = c;
                }
            }
            List<TreeSet<Integer>> entries = entries(blocks, chunkOf);
            for (int c = 0; c < chunks; c++) {
                units.add(new ChunkCompiler.Unit(blocks, c, chunkOf, entries.get(c)));
                owner.add(new int[] {k, c});
                bytes.add(blocks.chunkBytes.get(c));
            }
            code[k] = new Chunk[chunks];
            chunkOfs[k] = chunkOf;
            if (chunks > 1) LOG.log(System.Logger.Level.DEBUG, "jit: program of " + program.insns().size() + " instructions split into " + chunks + " chunks");
        }
        boolean[] failed = new boolean[programs.size()];
        for (int first = 0; first < units.size(); ) {
            int end = first, size = 0;
            while (end < units.size() && end - first < SET_CHUNKS && (end == first || size + bytes.get(end) <= SET_BYTES)) size += bytes.get(end++);
            try {
                byte[] classBytes = ChunkCompiler.build(units.subList(first, end), mode);
                MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(classBytes, true);
                ChunkSet set = (ChunkSet) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
                for (int u = first; u < end; u++) code[owner.get(u)[0]][owner.get(u)[1]] = new Chunk(set, u - first);
            } catch (Throwable e) {
                if (e instanceof Error err && !(err instanceof LinkageError)) throw err; // out of memory etc.
                if (programs.size() > 1) {
                    for (int u = first; u < end; u++) failed[owner.get(u)[0]] = true;
                } else {
                    String why = "could not compile (" + e + "); running on the interpreter";
                    FALLBACKS.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "jit: program of " + programs.get(0).insns().size() + " instructions " + why);
                    return List.of(new Compiled(programs.get(0), unsupported[0], mode, null, null, why));
                }
            }
            first = end;
        }
        for (int k = 0; k < programs.size(); k++) {
            if (out[k] != null) continue;
            out[k] = failed[k] ? compile(programs.get(k), mode) : new Compiled(programs.get(k), unsupported[k], mode, code[k], chunkOfs[k], null);
        }
        return Arrays.asList(out);
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
                boolean fallsThrough = Blocks.fallsThrough(i.op());
                if (next == b.end() && fallsThrough) enter(in, chunkOf, from, next);
            }
        }
        return in;
    }

    private static void enter(List<TreeSet<Integer>> in, int[] chunkOf, int from, int to) {
        if (chunkOf[to] >= 0 && chunkOf[to] != from) in.get(chunkOf[to]).add(to);
    }
}
