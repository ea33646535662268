package org.crosscheck.runtime.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.executor.ExecutorRuntime;

/**
 * DPDK's librte_bpf in this process: {@code rte_bpf_exec} (interpreter) or the code of
 * {@code rte_bpf_get_jit}. Only the executor child runs it (see {@link #spec}): a program whose last
 * instruction is not exit corrupts the heap inside rte_bpf_load, so DPDK must live in a process
 * that may die. Users know it as {@code dpdk-interp} and {@code dpdk-jit}, which run it there.
 *
 * <p>Calling convention: r1 points at a native copy of the input memory (DPDK sets r1 and r10), a
 * prologue sets r2 = memory length; the {@code -instrumented} runtimes' prologue also sets r0 and
 * r3-r9 to 0, as the reference starts them (a faithful run leaves them to DPDK). The memory
 * DPDK's validator knows to be {@code memory.length} bytes long (it refuses accesses it cannot
 * prove inside it or the 512-byte stack). Pcs in DPDK's messages are those of the program, without
 * the prologue. An r0 pointing into the input memory is translated to the reference's address
 * ({@link Layout#MEM_BASE} + offset); stack addresses cannot be (DPDK's stack is a native frame).
 */
public final class DpdkRuntime implements Runtime {
    /** Which DPDK engine runs the loaded program. */
    public enum Mode { INTERP, JIT }

    /**
     * Encodings rte_bpf_load refuses ("invalid opcode" and the like), found by loading each one in a
     * small program on DPDK 22.11 (DpdkRuntimeTest checks this list against the library): every v4
     * encoding (sdiv/smod, movsx, bswap, ldxs*, gotol, load-acquire/store-release), jmp32, arsh32,
     * every atomic but plain add, helper and local calls (we give it no external symbols; it has no
     * bpf-to-bpf calls), lddw forms that need a loader, callx, and the legacy packet loads (they
     * need an mbuf argument).
     */
    public static final Set<Op> UNSUPPORTED = Collections.unmodifiableSet(unsupported());

    /** The instrumented prologue's length in instructions: mov r0 0, mov r2 LEN, mov r3..r9 0; the faithful one is mov r2 LEN. */
    static final int INSTRUMENTED_PROLOGUE = 9;

    private final Mode mode;
    private final boolean instrumented;
    private final boolean checked;
    private final int prologue;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment prm = arena.allocate(RteBpf.PRM_SIZE, 8);
    private final MemorySegment jitInfo = arena.allocate(RteBpf.JIT_SIZE, 8);
    private MemorySegment ins = arena.allocate(8 * 64, 8);
    private MemorySegment mem = arena.allocate(256, 8);

    /** Faithful: the program as given, with only r2 = memory length set before it. */
    public DpdkRuntime(Mode mode) {
        this(mode, false);
    }

    public DpdkRuntime(Mode mode, boolean instrumented) {
        this(mode, instrumented, true);
    }

    /** {@code checked}: refuse up front what {@link #unsupported(Program)} names; unchecked, DPDK itself says (the probe). */
    DpdkRuntime(Mode mode, boolean instrumented, boolean checked) {
        this.mode = mode;
        this.instrumented = instrumented;
        this.checked = checked;
        this.prologue = instrumented ? INSTRUMENTED_PROLOGUE : 1;
    }

    /** The names users type: dpdk-interp, dpdk-jit, and with {@code -instrumented} after them. */
    public static String name(Mode mode, boolean instrumented) {
        return (mode == Mode.JIT ? "dpdk-jit" : "dpdk-interp") + (instrumented ? "-instrumented" : "");
    }

    @Override
    public String name() {
        return name(mode, instrumented);
    }

    @Override
    public boolean compiles() {
        return mode == Mode.JIT;
    }

    /** DPDK supports parts of these (see {@link #UNSUPPORTED}); callx and packet loads not at all. */
    public static final Set<Group> GROUPS = Collections.unmodifiableSet(EnumSet.of(Group.BASE32, Group.BASE64, Group.DIVMUL32,
            Group.DIVMUL64, Group.ATOMIC32, Group.ATOMIC64));

    /** No loops, and no {@code scalar += pointer}: its validator refuses both. */
    public static final Capabilities CAPABILITIES = new Capabilities(GROUPS, UNSUPPORTED, false, false);

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Optional<String> unavailableReason() {
        return RteBpf.unavailable();
    }

    /** Why DPDK cannot load the program (an encoding it lacks, a backward jump), or null when it may. */
    public static String unsupported(Program program) {
        int pc = 0;
        for (Insn i : program.insns()) {
            if (UNSUPPORTED.contains(i.op())) return "dpdk does not load " + i.op().mnemonic + " (pc " + pc + ")";
            pc += i.slots();
        }
        return program.hasLoop() ? "dpdk refuses loops (its validator refuses any cycle of jumps)" : null;
    }

    /** What the parent of the executor knows of {@code mode} without loading DPDK. */
    public static ExecutorRuntime.Spec spec(Mode mode, boolean instrumented) {
        return new ExecutorRuntime.Spec(name(mode, instrumented), CAPABILITIES, DpdkRuntime::poisons, mode == Mode.JIT);
    }

    /**
     * {@code mode} without the up-front check, in an executor: what DPDK itself does with any program
     * ({@code crosscheck probe}). Not a runtime users name.
     */
    public static ExecutorRuntime.Spec probeSpec(Mode mode) {
        return new ExecutorRuntime.Spec(name(mode, false) + PROBE, CAPABILITIES, DpdkRuntime::poisons, mode == Mode.JIT);
    }

    static final String PROBE = "-probe";

    /** The in-executor side of {@link #probeSpec}. */
    public static DpdkRuntime unchecked(Mode mode) {
        return new DpdkRuntime(mode, false, false);
    }

    /** A program that does not end in exit corrupts DPDK's heap while it is loaded: the executor is not reused after it. */
    static boolean poisons(Program program) {
        var all = program.insns();
        return all.isEmpty() || all.get(all.size() - 1).op() != Op.EXIT;
    }

    @Override
    public synchronized Outcome run(Program program, byte[] memory, Limits limits) {
        Optional<String> unavailable = unavailableReason();
        if (unavailable.isPresent()) return new Outcome.Unsupported("dpdk unavailable: " + unavailable.get());
        String why = checked ? unsupported(program) : null;
        if (why != null) return new Outcome.Unsupported(why);
        return loadAndRun(program, memory);
    }

    /** Loads without the up-front check (tests use it to confirm {@link #UNSUPPORTED}); the caller checked the rest. */
    synchronized Outcome loadAndRun(Program program, byte[] memory) {
        byte[] code = program.encode();
        int n = prologue + code.length / 8;
        if (ins.byteSize() < 8L * n) ins = arena.allocate(8L * n * 2, 8);
        if (mem.byteSize() < memory.length) mem = arena.allocate(memory.length * 2L, 8);
        ins.set(ValueLayout.JAVA_LONG, 0, 0xb7L | 2 << 8 | (long) memory.length << 32); // mov r2, len
        if (instrumented) {
            ins.set(ValueLayout.JAVA_LONG, 8, 0xb7L); // mov r0, 0
            for (int r = 3; r <= 9; r++) ins.set(ValueLayout.JAVA_LONG, 8L * (r - 1), 0xb7L | (long) r << 8);
        }
        MemorySegment.copy(code, 0, ins, ValueLayout.JAVA_BYTE, 8L * prologue, code.length);
        MemorySegment.copy(memory, 0, mem, ValueLayout.JAVA_BYTE, 0, memory.length);
        RteBpf.resetLog();
        MemorySegment bpf = RteBpf.load(prm, ins, n, memory.length);
        if (bpf.address() == 0) {
            String log = withoutPrologue(RteBpf.log(), prologue);
            return new Outcome.Rejected(Outcome.Stage.LOADER, reason(log), log);
        }
        try {
            long r0;
            if (mode == Mode.JIT) {
                MemorySegment f = RteBpf.jit(bpf, jitInfo);
                if (f.address() == 0) {
                    String log = withoutPrologue(RteBpf.log(), prologue);
                    return new Outcome.Rejected(Outcome.Stage.JIT, "DPDK loaded the program but did not JIT-compile it", log);
                }
                r0 = RteBpf.callJit(f, mem);
            } else {
                r0 = RteBpf.exec(bpf, mem);
            }
            // a pointer into the input memory as r0 is reported in the reference's address space, as the reference would
            long base = mem.address();
            if (r0 >= base && r0 <= base + memory.length) r0 = Layout.MEM_BASE + (r0 - base);
            return new Outcome.Returned(r0, mem.asSlice(0, memory.length).toArray(ValueLayout.JAVA_BYTE));
        } finally {
            RteBpf.destroy(bpf);
        }
    }

    private static final Pattern PC = Pattern.compile("pc: (0x[0-9a-fA-F]+|\\d+)");
    private static final Pattern ADDRESS = Pattern.compile("\\(0x[0-9a-fA-F]+\\)");

    /** DPDK's log with pcs of the program (not of prologue + program) and without heap addresses. */
    static String withoutPrologue(String log, int prologue) {
        Matcher m = PC.matcher(ADDRESS.matcher(log).replaceAll(""));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = m.group(1);
            long pc = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            m.appendReplacement(sb, "pc: " + (pc - prologue));
        }
        m.appendTail(sb);
        return sb.toString().strip();
    }

    /** The decisive line of a load failure: the most specific (last) message. */
    static String reason(String log) {
        String[] lines = log.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        if (last.endsWith(";")) last = last.substring(0, last.length() - 1);
        return last.isEmpty() ? "rte_bpf_load failed without a message" : last;
    }

    private static EnumSet<Op> unsupported() {
        EnumSet<Op> s = EnumSet.noneOf(Op.class);
        for (Op op : Op.values()) {
            boolean jmp32 = (op.code & 0x07) == 0x06;
            boolean atomicNotAdd = (op.group == Group.ATOMIC32 || op.group == Group.ATOMIC64) && op != Op.ATOMIC32_ADD && op != Op.ATOMIC64_ADD;
            boolean call = op.shape == Shape.CALL_HELPER || op.shape == Shape.CALL_LOCAL || op.shape == Shape.CALL_RUNTIME;
            boolean loaderLdd = op.shape == Shape.LDDW && op != Op.LDDW;
            if (op.cpu == CpuVersion.V4 || jmp32 || atomicNotAdd || call || loaderLdd || op == Op.ARSH32_IMM || op == Op.ARSH32_REG
                    || op.group == Group.CALLX || op.group == Group.PACKET) {
                s.add(op);
            }
        }
        return s;
    }

    @Override
    public void close() {
        arena.close();
    }
}
