package org.crosscheck.runtime.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.OpProbe;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.vm.Guest;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmException;
import org.crosscheck.runtime.vm.VmName;

/**
 * {@code vm:<arch>[-<version>]:<jit|interp>}: the kernel of a guest prepared by {@code crosscheck vm
 * prepare}, booted in QEMU, faithful exactly as the host's {@code kernel} runtime: the same code
 * ({@link KernelCode#faithful}: the context prologue, then the program unchanged) loaded as a socket
 * filter, the memory the value of a one-element mmapable array map, one BPF_PROG_TEST_RUN, r0's low
 * 32 bits, the verifier's log turned into the same {@link Outcome.Rejected} ({@link VerifierLog}).
 * The guest executor ({@code vm/guest.c}) makes the system calls; the JIT or the interpreter is the
 * guest's {@code net.core.bpf_jit_enable}, set once at its start.
 *
 * <p>Each calling thread takes an idle guest (or boots one): guests live until {@link #close}, and a
 * guest that dies or misses a run's wall-clock limit is killed (the run is {@link Outcome.Crashed} or
 * {@link Outcome.TimedOut}) and replaced at the next run.
 */
public final class VmRuntime implements Runtime {
    private final String name;
    private final VmName vm;
    private final ConcurrentLinkedDeque<Guest> idle = new ConcurrentLinkedDeque<>();
    private final Set<Guest> all = ConcurrentHashMap.newKeySet();
    private volatile VmCache.Prepared image;
    private Optional<String> unavailable; // guarded by this
    private Capabilities capabilities; // guarded by this

    /** The runtime called {@code name} ({@code vm:...}); a malformed name is an IllegalArgumentException. */
    public VmRuntime(String name) {
        this.name = name;
        this.vm = VmName.parse(name);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The host kernel's capabilities narrowed by what this guest refuses, asked of it by {@link OpProbe}
     * once per prepared guest and mode (cached beside its kernel as {@code probe-jit.txt} or
     * {@code probe-interp.txt}): a 6.1 kernel is sent no cpu v4 instruction, the arm64 JIT no ja32.
     * Unavailable, it claims the host's (its runs say why they cannot run).
     */
    @Override
    public synchronized Capabilities capabilities() {
        if (capabilities == null) {
            if (unavailableReason().isPresent()) return KernelRuntime.FAITHFUL_CAPABILITIES;
            capabilities = OpProbe.narrow(KernelRuntime.FAITHFUL_CAPABILITIES, probe());
        }
        return capabilities;
    }

    /** This guest's probe, from the cache when it was made by this probe version on this kernel, else run now and cached. */
    public synchronized Map<Op, OpProbe.Result> probe() {
        unavailableReason().ifPresent(why -> {
            throw new VmException(name + " unavailable: " + why);
        });
        Path cache = image.dir().resolve("probe-" + (vm.jit() ? "jit" : "interp") + ".txt");
        String header = "# crosscheck op probe v" + OpProbe.VERSION + " of " + name + " on " + image.release() + "\n";
        try {
            if (Files.isRegularFile(cache)) {
                String text = Files.readString(cache);
                if (text.startsWith(header)) return OpProbe.parse(text.substring(header.length()));
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable cache is redone below
        }
        Map<Op, OpProbe.Result> r = OpProbe.probe(this);
        try {
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
            Files.writeString(tmp, header + OpProbe.format(r));
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // not cached: the next start probes again
        }
        return r;
    }

    @Override
    public boolean compiles() {
        return vm.jit();
    }

    /** The prepared guest this runtime boots (null until it is found). */
    public VmCache.Prepared image() {
        return image;
    }

    /** Finds the prepared guest and boots one (kept for the first run); why that fails, if it does. */
    @Override
    public synchronized Optional<String> unavailableReason() {
        if (unavailable == null) unavailable = firstBoot();
        return unavailable;
    }

    private Optional<String> firstBoot() {
        try {
            Guest g = boot();
            Optional<String> refused = g.hello().modeRefused(vm.jit());
            if (refused.isPresent()) {
                all.remove(g);
                g.close();
                return refused;
            }
            idle.push(g);
            return Optional.empty();
        } catch (VmException e) {
            return Optional.of(e.getMessage());
        }
    }

    private Guest boot() {
        VmCache.Prepared p = image;
        if (p == null) {
            p = VmCache.current(vm.arch(), vm.version());
            image = p;
        }
        Guest g = Guest.boot(p, vm.jit());
        all.add(g);
        return g;
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        Optional<String> why = unavailableReason();
        if (why.isPresent()) return new Outcome.Unsupported(name + " unavailable: " + why.get());
        Outcome tooLarge = KernelRuntime.packetTooLarge(program, memory.length);
        if (tooLarge != null) return tooLarge;
        KernelCode code;
        try {
            code = KernelCode.faithful(program, memory.length > 0 ? 0 : -1, memory.length);
        } catch (KernelCode.Inexpressible e) {
            return new Outcome.Unsupported(e.getMessage());
        }
        Guest g = idle.poll();
        if (g == null) {
            try {
                g = boot();
            } catch (VmException e) {
                return new Outcome.Crashed("cannot boot another guest: " + e.getMessage());
            }
        }
        Guest.Result r;
        try {
            if (CRASH_AFTER > 0 && runs.incrementAndGet() == CRASH_AFTER) g.crash();
            r = g.run(code.code(), memory.length > 0 ? mapSlot(code) : -1, program.groups().contains(Group.PACKET), memory, limits.wallClockMillis());
        } catch (Guest.GuestFailure e) {
            Guest.Report report = g.newReport();
            retire(g);
            if (report != null) return Outcome.Crashed.kernelReport(report.title(), report.log());
            if (e.timedOut) return new Outcome.TimedOut(limits.wallClockMillis());
            return new Outcome.Crashed("guest " + g.hello().release() + " died: " + e.getMessage());
        }
        Guest.Report report = g.newReport();
        if (report != null) { // a WARNING or an oops the guest lived through: its kernel is tainted, the next run gets a fresh one
            retire(g);
            return Outcome.Crashed.kernelReport(report.title(), report.log());
        }
        idle.push(g);
        return switch (r.status()) {
            case Guest.Result.RAN -> new Outcome.Returned(Integer.toUnsignedLong(r.retval()), r.memory(), 32);
            case Guest.Result.REFUSED -> r.errno() == Errno.E2BIG.number ? VerifierLog.tooLarge(code.code().length / 8)
                    : VerifierLog.rejection(r.errno(), r.text(), code.userStart(), program.slotCount(), code.wrapper());
            default -> r.text().equals("BPF_PROG_TEST_RUN") ? KernelRuntime.testRunFailed(r.errno())
                    : KernelRuntime.mapFailure(r.text(), r.errno(), "a map of " + memory.length + " bytes for the memory");
        };
    }

    /** A guest that crashed, hung or reported: killed and forgotten (the next run boots another); counted. */
    private void retire(Guest g) {
        all.remove(g);
        g.close();
        restarts.incrementAndGet();
    }

    /** Guests retired after a crash, a hang or a kernel report (each replaced by a fresh boot at the next run). */
    public long restarts() {
        return restarts.get();
    }

    /**
     * A test hook, {@code CROSSCHECK_VM_CRASH_AFTER=N}: the N-th run of this runtime first has the guest kernel
     * panic (guest.c's debug command), so that crash handling can be shown on a real kernel. 0: never.
     */
    static final long CRASH_AFTER = parseCrashAfter(System.getenv("CROSSCHECK_VM_CRASH_AFTER"));

    private static long parseCrashAfter(String v) {
        try {
            return v == null || v.isBlank() ? 0 : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private final java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong(), restarts = new java.util.concurrent.atomic.AtomicLong();

    /** The prologue's lddw of the memory map's value (BPF_PSEUDO_MAP_VALUE), whose imm the guest sets to its map's fd. */
    static int mapSlot(KernelCode code) {
        byte[] c = code.code();
        for (int slot = 0; slot < code.userStart(); slot++) {
            if ((c[slot * 8] & 0xff) == 0x18 && (c[slot * 8 + 1] & 0xf0) >> 4 == 2) return slot;
        }
        throw new IllegalStateException("the faithful prologue has no map-value lddw");
    }

    /** Powers every guest off. Runs still going on other threads must have ended. */
    @Override
    public void close() {
        for (Guest g : all) g.close();
        all.clear();
        idle.clear();
    }
}
