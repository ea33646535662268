package org.crosscheck.runtime.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.crosscheck.isa.GlobalData;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.RejectKind;
import org.crosscheck.runtime.Outcome.Stage;
import org.crosscheck.runtime.Runtime;

/**
 * The running Linux kernel as a runtime: each program is loaded with bpf(BPF_PROG_LOAD) as a
 * socket filter (the type that also accepts the legacy ld_abs/ld_ind packet loads), run once with
 * BPF_PROG_TEST_RUN, and closed. The input memory is the value of a one-element array map, so the
 * verifier checks every access against its exact length; the final bytes are read back from the
 * map's value, mmap()ed into our process (BPF_F_MMAPABLE), so a run costs three system calls: load,
 * test run, close. Two modes (see {@link KernelCode}):
 *
 * <ul>
 *   <li>{@code kernel}, faithful: the program exactly as given behind the context prologue (r1 = the
 *       memory, r2 = its length; for packet programs r6 = the skb, as ld_abs/ld_ind require). Every
 *       other register is the kernel's to judge (reading one unwritten is a verifier rejection,
 *       '!read_ok'), helper ids are the kernel's (5 is bpf_ktime_get_ns, not the test suites'
 *       unwind), and r0 is what BPF_PROG_TEST_RUN reports: its low 32 bits ({@code retval} is a
 *       u32), so outcomes carry {@code r0Bits = 32}. What this runtime says, a bare loader says too.
 *   <li>{@code kernel-instrumented}: r0 and r3-r9 start at 0 as in the reference interpreter, each
 *       exit of the main function stores the full 64-bit r0 into a second map, and helper 5 is
 *       emulated as bpf_conformance's unwind. The verifier analyses that wrapper, not the program
 *       (paths merge at the shared epilogue), so a divergence found here is re-run faithfully
 *       before it is called a kernel bug.
 * </ul>
 *
 * <p>A program with no memory gets r1 = 0 and r2 = 0 (so any access through r1 is a verifier
 * rejection, as it is a trap in the interpreter). For packet programs the packet holds a copy of the
 * memory (behind a 14-byte Ethernet header the kernel strips). The kernel never traps: a program
 * either is rejected or runs to its end, since the verifier proves that it terminates within a
 * million walked instructions; so {@link Limits} need not be enforced here.
 *
 * <p>Known differences from the reference interpreter, all the kernel's own rules: reading a
 * register before writing it in a local function (r6-r9 included) or after a call or ld_abs
 * (r1-r5) is rejected; ld_abs/ld_ind need r6 to still hold the context and read the packet as it
 * was at entry; all frames share one 512-byte stack; shifts by an out-of-range immediate and
 * callx are rejected. A program's global data is the value of a map of its own, rewritten from the
 * sections' bytes before each run (a program whose global data holds pointers is
 * {@link Outcome.Unsupported}). Other pseudo lddw forms are {@link Outcome.Unsupported}, and in the instrumented
 * mode so are helper calls other than unwind and unwind inside a local function.
 *
 * <p>Thread-safe: each run borrows a {@link Session} (native buffers and maps) from a pool.
 */
public class KernelRuntime implements Verifying, JitImage.Source {
    /** The Ethernet header the socket-filter test run strips from the packet. */
    static final int ETH_HLEN = 14;
    /** The largest packet a socket-filter test run takes (one page minus skb overheads), rounded down. */
    static final int MAX_PACKET_MEMORY = 3000;
    private static final int LOG_SIZE = 1 << 20;
    /** Verifier log level: every instruction walked. */
    private static final int LOG_INSNS = 1;

    /** How the program reaches the kernel. */
    public enum Mode {
        /** The program as given behind the context prologue; r0's low 32 bits. */
        FAITHFUL("kernel"),
        /** The reference's register conventions, the full r0 through a map, unwind emulated. */
        INSTRUMENTED("kernel-instrumented");

        /** The runtime name users type. */
        public final String runtimeName;

        Mode(String runtimeName) {
            this.runtimeName = runtimeName;
        }
    }

    private final Mode mode;
    private final ConcurrentLinkedQueue<Session> idle = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Session> all = new ConcurrentLinkedQueue<>();

    /** The faithful kernel. */
    public KernelRuntime() {
        this(Mode.FAITHFUL);
    }

    public KernelRuntime(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public String name() {
        return mode.runtimeName;
    }

    /** The host kernel's JIT is always on (CONFIG_BPF_JIT_ALWAYS_ON), as on most distributions. */
    @Override
    public boolean compiles() {
        return true;
    }

    /**
     * All groups: the kernel's own verifier decides what it accepts (callx, for one, it refuses).
     * Faithful, no helper calls: the kernel's helper 5 is bpf_ktime_get_ns, not the reference's unwind (a
     * campaign then generates none; a given program with one still runs, as the kernel has it).
     */
    @Override
    public Capabilities capabilities() {
        return mode == Mode.FAITHFUL ? FAITHFUL_CAPABILITIES : Capabilities.all();
    }

    /** What a faithful kernel (this one or a guest's) is given: everything but helper calls. */
    static final Capabilities FAITHFUL_CAPABILITIES = Capabilities.all().withUnsupported(EnumSet.of(Op.CALL));

    @Override
    public Optional<String> unavailableReason() {
        return Availability.reason();
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        try (Loaded loaded = load(program, memory.length)) {
            return loaded.run(memory, limits);
        }
    }

    /**
     * Verifies and loads the program once, behind maps for inputs of {@code memoryLength} bytes; each run
     * writes the input into the memory map (or the packet), test-runs the same program fd and reads the
     * map back. The loaded program holds a session of its own until closed.
     */
    @Override
    public boolean loadsOnce() {
        return true;
    }

    @Override
    public Loaded load(Program program, int memoryLength) {
        Optional<String> unavailable = unavailableReason();
        if (unavailable.isPresent()) return Loaded.always(new Outcome.Unsupported("kernel runtime unavailable: " + unavailable.get()));
        boolean packet = program.groups().contains(Group.PACKET);
        Outcome tooLarge = packetTooLarge(program, memoryLength);
        if (tooLarge != null) return Loaded.always(tooLarge);
        Session s = borrow();
        boolean faithful = mode == Mode.FAITHFUL;
        Session.ValueMap r0Map = faithful ? null : s.r0Map();
        Outcome failed = null;
        Session.ValueMap memMap = null, globalsMap = null;
        KernelCode code = null;
        GlobalData globals = program.globalData();
        if (!faithful && r0Map == null) failed = mapFailure(s, "the r0 map");
        else if (memoryLength > 0 && (memMap = s.memoryMap(memoryLength)) == null) failed = mapFailure(s, "a map of " + memoryLength + " bytes for the memory");
        else if (globals.pointers().length > 0) failed = new Outcome.Unsupported(POINTERS_IN_GLOBALS);
        else if (!globals.isEmpty() && (globalsMap = s.globalsMap(globals.size())) == null) failed = mapFailure(s, "a map of " + globals.size() + " bytes for the global data");
        else {
            try {
                code = code(program, r0Map, memMap, memoryLength, globalsMap);
            } catch (KernelCode.Inexpressible e) {
                failed = new Outcome.Unsupported(e.getMessage());
            }
        }
        int fd = failed == null ? load(s, code.code(), 0, 0) : -1;
        if (failed == null && fd < 0) failed = rejection(s, code, program.slotCount(), -fd);
        if (failed != null) {
            idle.add(s);
            return Loaded.always(failed);
        }
        return new LoadedProgram(s, fd, memMap, r0Map, packet, memoryLength, globalsMap, globals);
    }

    /** Why a program whose global data holds pointers does not run here. */
    static final String POINTERS_IN_GLOBALS = "global data holding pointers (initialized data with the address of data): a map value cannot hold a kernel address";

    /** A program the verifier accepted: its fd and maps, in a session of its own until closed. */
    private final class LoadedProgram implements Loaded {
        private final Session s;
        private final int fd;
        private final Session.ValueMap memMap, r0Map;
        private final boolean packet;
        private final int length;
        private final Session.ValueMap globalsMap;
        private final byte[] globals;
        private boolean closed;

        LoadedProgram(Session s, int fd, Session.ValueMap memMap, Session.ValueMap r0Map, boolean packet, int length,
                Session.ValueMap globalsMap, GlobalData globals) {
            this.s = s;
            this.globalsMap = globalsMap;
            this.globals = globals.bytes();
            this.fd = fd;
            this.memMap = memMap;
            this.r0Map = r0Map;
            this.packet = packet;
            this.length = length;
        }

        @Override
        public Outcome run(byte[] memory, Limits limits) {
            if (memory.length != length) throw new IllegalArgumentException("loaded for " + length + " bytes of memory, given " + memory.length);
            if (memMap != null) MemorySegment.copy(memory, 0, memMap.value(), ValueLayout.JAVA_BYTE, 0, memory.length);
            if (globalsMap != null) MemorySegment.copy(globals, 0, globalsMap.value(), ValueLayout.JAVA_BYTE, 0, globals.length); // every run starts from the sections' bytes
            MemorySegment data = s.buffer(ETH_HLEN + (packet ? memory.length : 0));
            data.asSlice(0, ETH_HLEN).fill((byte) 0);
            if (packet) MemorySegment.copy(memory, 0, data, ValueLayout.JAVA_BYTE, ETH_HLEN, memory.length);
            long r = s.testRun(fd, data, ETH_HLEN + (packet ? memory.length : 0), 1);
            if (r < 0) return testRunFailed((int) -r);
            int retval = s.attr.get(ValueLayout.JAVA_INT, Bpf.TR_RETVAL);
            byte[] after = memMap == null ? new byte[0] : memMap.value().toArray(ValueLayout.JAVA_BYTE);
            if (r0Map == null) return new Outcome.Returned(Integer.toUnsignedLong(retval), after, 32);
            long r0 = r0Map.value().get(ValueLayout.JAVA_LONG, 0);
            // The wrapper returns the r0 it stored; a mismatch would mean our wrapper is wrong.
            if ((int) r0 != retval) return new Outcome.Crashed("test run returned 0x" + Integer.toHexString(retval) + " but the wrapper stored r0 = 0x" + Long.toHexString(r0));
            return new Outcome.Returned(r0, after);
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            Bpf.close(fd);
            idle.add(s);
        }
    }

    /** An idle session, or a new one (returned to {@link #idle} by whoever borrowed it). */
    private Session borrow() {
        Session s = idle.poll();
        if (s == null) {
            s = new Session();
            all.add(s);
        }
        return s;
    }

    /** The program as this mode loads it, behind the maps (null: none). */
    private KernelCode code(Program program, Session.ValueMap r0Map, Session.ValueMap memMap, int memoryLength, Session.ValueMap globalsMap)
            throws KernelCode.Inexpressible {
        int memFd = memMap == null ? -1 : memMap.fd();
        int globalsFd = globalsMap == null ? -1 : globalsMap.fd();
        return mode == Mode.FAITHFUL ? KernelCode.faithful(program, memFd, memoryLength, globalsFd)
                : KernelCode.of(program, r0Map == null ? -1 : r0Map.fd(), memFd, memoryLength, globalsFd);
    }

    /** The host's architecture, Debian's name. */
    @Override
    public String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("aarch64") ? "arm64" : a.equals("x86_64") ? "amd64" : a;
    }

    /** uname -r. */
    @Override
    public String release() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** The JIT's image of {@code program}, loaded as {@link #load} loads it (and closed, not run). */
    @Override
    public JitImage jitImage(Program program, byte[] memory) {
        Optional<String> unavailable = unavailableReason();
        if (unavailable.isPresent()) return JitImage.of(JitImage.Status.FAILED, 0, "kernel runtime unavailable: " + unavailable.get());
        Session s = borrow();
        try {
            Session.ValueMap r0Map = mode == Mode.FAITHFUL ? null : s.r0Map();
            Session.ValueMap memMap = memory.length > 0 ? s.memoryMap(memory.length) : null;
            if ((mode != Mode.FAITHFUL && r0Map == null) || (memory.length > 0 && memMap == null)) return JitImage.of(JitImage.Status.FAILED, s.lastError, s.lastFailure);
            KernelCode code;
            try {
                if (!program.globalData().isEmpty()) return JitImage.of(JitImage.Status.FAILED, 0, "a program with global data has no JIT image here");
                code = code(program, r0Map, memMap, memory.length, null);
            } catch (KernelCode.Inexpressible e) {
                return JitImage.of(JitImage.Status.FAILED, 0, e.getMessage());
            }
            int fd = load(s, code.code(), 0, 0);
            if (fd < 0) return JitImage.refused(-fd, rejection(s, code, program.slotCount(), -fd));
            try {
                return s.jitImage(fd);
            } finally {
                Bpf.close(fd);
            }
        } finally {
            idle.add(s);
        }
    }

    /** Verifier log level 2: every state at every instruction walked. */
    private static final int LOG_STATES = 2;
    /** The largest log of states we read (16 MiB; a longer one is cut to its end by the kernel; guest.c's too). */
    private static final int STATES_LOG_SIZE = 16 << 20;

    /** Loads {@code program} with the verifier's states logged (for the verifier oracle: slow, so sampled). */
    @Override
    public Verification verify(Program program, byte[] memory) {
        Session s = borrow();
        try {
            Session.ValueMap r0Map = mode == Mode.FAITHFUL ? null : s.r0Map();
            Session.ValueMap memMap = memory.length > 0 ? s.memoryMap(memory.length) : null;
            GlobalData globals = program.globalData();
            if (globals.pointers().length > 0) return new Verification(false, "# not loaded: " + POINTERS_IN_GLOBALS, 0);
            Session.ValueMap globalsMap = globals.isEmpty() ? null : s.globalsMap(globals.size());
            KernelCode code;
            try {
                code = code(program, r0Map, memMap, memory.length, globalsMap);
            } catch (KernelCode.Inexpressible e) {
                return new Verification(false, "# not loaded: " + e.getMessage(), 0);
            }
            int fd = load(s, code.code(), LOG_STATES, STATES_LOG_SIZE);
            if (fd >= 0) Bpf.close(fd);
            return new Verification(fd >= 0, s.logBuffer(STATES_LOG_SIZE).getString(0, StandardCharsets.UTF_8), code.userStart());
        } finally {
            idle.add(s);
        }
    }

    /** BPF_PROG_LOAD of the socket filter {@code bytes}; the program fd or minus errno. */
    static int load(Session s, byte[] bytes, int logLevel, long logSize) {
        MemorySegment insns = s.buffer(bytes.length);
        MemorySegment.copy(bytes, 0, insns, ValueLayout.JAVA_BYTE, 0, bytes.length);
        s.clearAttr(Bpf.PROG_LOAD_SIZE);
        MemorySegment a = s.attr;
        a.set(ValueLayout.JAVA_INT, Bpf.PL_TYPE, Bpf.PROG_TYPE_SOCKET_FILTER);
        a.set(ValueLayout.JAVA_INT, Bpf.PL_INSN_CNT, bytes.length / 8);
        a.set(ValueLayout.JAVA_LONG, Bpf.PL_INSNS, insns.address());
        a.set(ValueLayout.JAVA_LONG, Bpf.PL_LICENSE, s.license.address());
        MemorySegment.copy("crosscheck".getBytes(StandardCharsets.US_ASCII), 0, a, ValueLayout.JAVA_BYTE, Bpf.PL_NAME, 10);
        if (logLevel > 0) {
            MemorySegment log = s.logBuffer(logSize);
            log.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            a.set(ValueLayout.JAVA_INT, Bpf.PL_LOG_LEVEL, logLevel);
            a.set(ValueLayout.JAVA_INT, Bpf.PL_LOG_SIZE, (int) log.byteSize());
            a.set(ValueLayout.JAVA_LONG, Bpf.PL_LOG_BUF, log.address());
        }
        // The verifier gives up with EAGAIN when a signal is pending (a profiler's, the JVM's): load again.
        int fd = -Errno.EAGAIN.number;
        for (int attempt = 0; attempt < LOAD_ATTEMPTS && fd == -Errno.EAGAIN.number; attempt++) fd = (int) Bpf.call(s.errno, Bpf.PROG_LOAD, a, Bpf.PROG_LOAD_SIZE);
        return fd;
    }

    /** Loads of one program before an EAGAIN counts as its outcome. */
    private static final int LOAD_ATTEMPTS = 8;

    /**
     * The load failed with {@code errno}: load again with the verifier's log on (the fast path
     * runs without: a log costs time, and a too-small buffer fails even good programs) and turn
     * log and errno into a typed rejection. The log buffer is 1 MiB and the kernel keeps the end
     * of a longer log (the decisive line is at the end). A program too large to verify (E2BIG: the
     * verifier's complexity limit of a million instructions, or too many instructions) is not
     * loaded again: that takes as long as the first load, half a second, and says only as much.
     */
    private static Outcome.Rejected rejection(Session s, KernelCode code, int userSlots, int errno) {
        return rejection(s, code.code(), code.userStart(), userSlots, errno, code.wrapper());
    }

    static Outcome.Rejected rejection(Session s, byte[] code, int userStart, int userSlots, int errno, String wrapper) {
        if (errno == Errno.E2BIG.number) return VerifierLog.tooLarge(code.length / 8);
        int fd = load(s, code, LOG_INSNS, LOG_SIZE);
        if (fd >= 0) Bpf.close(fd); // accepted on the second try: the log is still what we have
        String log = s.logBuffer(LOG_SIZE).getString(0, StandardCharsets.UTF_8);
        long trueSize = Integer.toUnsignedLong(s.attr.get(ValueLayout.JAVA_INT, Bpf.PL_LOG_TRUE_SIZE));
        if (trueSize > LOG_SIZE) log = "# (the verifier's log had " + trueSize + " bytes; these are its last " + LOG_SIZE + ")\n" + log;
        return VerifierLog.rejection(errno, log, userStart, userSlots, wrapper);
    }

    private static Outcome mapFailure(Session s, String what) {
        return mapFailure(s.lastFailure, s.lastError, what);
    }

    /** {@code call} (BPF_MAP_CREATE, mmap) failed with {@code errno} while making {@code what}. */
    static Outcome mapFailure(String call, int errno, String what) {
        Errno e = Errno.of(errno);
        RejectKind kind = e == Errno.EINVAL ? RejectKind.INVALID : e.kind;
        return new Outcome.Rejected(Stage.LOADER, kind, "cannot create " + what + ": " + call + " failed with " + Errno.describe(errno), null);
    }

    static Outcome testRunFailed(int errno) {
        return new Outcome.Crashed("BPF_PROG_TEST_RUN failed: " + Errno.describe(errno));
    }

    /** Unsupported when a packet program's memory exceeds what a socket-filter test run takes; else null. */
    static Outcome packetTooLarge(Program program, int memoryLength) {
        if (!program.groups().contains(Group.PACKET) || memoryLength <= MAX_PACKET_MEMORY) return null;
        return new Outcome.Unsupported("packet program with " + memoryLength + " bytes of memory (a socket-filter test run takes at most " + MAX_PACKET_MEMORY + ")");
    }

    /** Closes every session's maps and buffers. Runs still going on other threads must have ended. */
    @Override
    public void close() {
        Session s;
        while ((s = all.poll()) != null) s.close();
        idle.clear();
    }
}
