package org.crosscheck.runtime.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
public final class VmRuntime implements Verifying, JitImage.Source {
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
        return runBatch(List.of(new Job(program, List.of(memory), limits))).get(0).get(0);
    }

    /** The guest loads a program once and runs every input of one frame ({@link #runBatch}); {@link #load} is the default. */
    @Override
    public boolean loadsOnce() {
        return true;
    }

    /**
     * The jobs in one pipelined exchange with one guest (each program loaded once, run on each of its inputs;
     * guest.c answers each as it is done). A guest that dies, hangs or prints a crash report is retired; the
     * job it was on is run again alone on a fresh guest, input by input, to find the input that does it
     * (without that, every input of the job has the failure); the jobs after it go on, on a fresh guest.
     */
    @Override
    public List<List<Outcome>> runBatch(List<Job> jobs) {
        List<List<Outcome>> out = new ArrayList<>(Collections.nCopies(jobs.size(), null));
        Optional<String> why = unavailableReason();
        List<Integer> sent = new ArrayList<>();
        List<Guest.Request> requests = new ArrayList<>();
        List<KernelCode> codes = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            Job job = jobs.get(j);
            int length = job.inputs().get(0).length;
            Outcome now = why.isPresent() ? new Outcome.Unsupported(name + " unavailable: " + why.get()) : KernelRuntime.packetTooLarge(job.program(), length);
            KernelCode code = null;
            if (now == null) {
                try {
                    code = KernelCode.faithful(job.program(), length > 0 ? 0 : -1, length);
                } catch (KernelCode.Inexpressible e) {
                    now = new Outcome.Unsupported(e.getMessage());
                }
            }
            if (now != null) {
                out.set(j, Collections.nCopies(job.inputs().size(), now));
                continue;
            }
            sent.add(j);
            codes.add(code);
            requests.add(new Guest.Request(code.code(), length > 0 ? mapSlot(code) : -1, job.program().groups().contains(Group.PACKET), job.inputs()));
        }
        int done = 0;
        while (done < sent.size()) {
            Guest g;
            try {
                g = take();
            } catch (VmException e) {
                Outcome o = new Outcome.Crashed(e.getMessage());
                for (int k = done; k < sent.size(); k++) out.set(sent.get(k), Collections.nCopies(jobs.get(sent.get(k)).inputs().size(), o));
                return out;
            }
            int from = done;
            int[] answered = {0};
            long timeout = 0;
            for (int k = from; k < sent.size(); k++) timeout = Math.max(timeout, jobs.get(sent.get(k)).limits().wallClockMillis());
            try {
                if (CRASH_AFTER > 0) {
                    long before = runs.getAndAdd(sent.size() - from);
                    if (before < CRASH_AFTER && before + sent.size() - from >= CRASH_AFTER) g.crash();
                }
                g.runAll(requests.subList(from, sent.size()), timeout, a -> {
                    int k = from + answered[0]++;
                    Job job = jobs.get(sent.get(k));
                    out.set(sent.get(k), outcomes(a, job, codes.get(k)));
                });
            } catch (Guest.GuestFailure e) {
                int k = from + answered[0];
                Guest.Report report = g.newReport();
                retire(g);
                Outcome failure = report != null ? Outcome.Crashed.kernelReport(report.title(), report.log())
                        : e.timedOut ? new Outcome.TimedOut(jobs.get(sent.get(k)).limits().wallClockMillis())
                        : new Outcome.Crashed("guest " + g.hello().release() + " died: " + e.getMessage());
                out.set(sent.get(k), isolate(jobs.get(sent.get(k)), failure));
                done = k + 1;
                continue;
            }
            done = sent.size();
            Guest.Report report = g.newReport();
            if (report == null) {
                idle.push(g);
                continue;
            }
            // a WARNING or an oops the guest lived through: its kernel is tainted, so it goes; which job did it is
            // found by running them again one at a time (the last one has it when none does it again)
            retire(g);
            Outcome reported = Outcome.Crashed.kernelReport(report.title(), report.log());
            if (sent.size() - from == 1) {
                out.set(sent.get(from), Collections.nCopies(jobs.get(sent.get(from)).inputs().size(), reported));
                continue;
            }
            boolean found = false;
            for (int k = from; k < sent.size() && !found; k++) {
                List<Outcome> again = runBatch(List.of(jobs.get(sent.get(k)))).get(0);
                if (again.stream().anyMatch(o -> o instanceof Outcome.Crashed c && c.isKernelReport())) {
                    out.set(sent.get(k), again);
                    found = true;
                }
            }
            if (!found) out.set(sent.get(sent.size() - 1), Collections.nCopies(jobs.get(sent.get(sent.size() - 1)).inputs().size(), reported));
        }
        return out;
    }

    /**
     * The outcomes of a job whose run ended its guest with {@code failure}: with one input, that; with more, each
     * input run alone on a fresh guest until one fails so (its failure, and the inputs after it, get that
     * outcome); when none does, every input has {@code failure}.
     */
    private List<Outcome> isolate(Job job, Outcome failure) {
        int n = job.inputs().size();
        if (n == 1) return List.of(failure);
        List<Outcome> out = new ArrayList<>(n);
        for (byte[] in : job.inputs()) {
            Outcome o = runBatch(List.of(new Job(job.program(), List.of(in), job.limits()))).get(0).get(0);
            if (o instanceof Outcome.Crashed || o instanceof Outcome.TimedOut) {
                while (out.size() < n) out.add(o);
                return out;
            }
            out.add(o);
        }
        return Collections.nCopies(n, failure);
    }

    /** A guest's answer as the outcome of each of the job's inputs. */
    private List<Outcome> outcomes(Guest.Answer a, Job job, KernelCode code) {
        int n = job.inputs().size();
        int length = job.inputs().get(0).length;
        return switch (a.status()) {
            case Guest.Answer.LOADED -> {
                if (a.runs().size() != n) yield Collections.nCopies(n, new Outcome.Crashed("guest answered " + a.runs().size() + " runs for " + n + " inputs"));
                List<Outcome> os = new ArrayList<>(n);
                for (Guest.Run r : a.runs()) {
                    os.add(r.status() == Guest.Run.RAN ? new Outcome.Returned(Integer.toUnsignedLong(r.retval()), r.memory(), 32) : KernelRuntime.testRunFailed(r.errno()));
                }
                yield os;
            }
            case Guest.Answer.REFUSED -> Collections.nCopies(n, a.errno() == Errno.E2BIG.number ? VerifierLog.tooLarge(code.code().length / 8)
                    : VerifierLog.rejection(a.errno(), a.text(), code.userStart(), job.program().slotCount(), code.wrapper()));
            default -> Collections.nCopies(n, a.text().equals("BPF_PROG_TEST_RUN") ? KernelRuntime.testRunFailed(a.errno())
                    : KernelRuntime.mapFailure(a.text(), a.errno(), "a map of " + length + " bytes for the memory"));
        };
    }

    /** An idle guest, or a new one booted; a VmException saying why there is none. */
    private Guest take() {
        Guest g = idle.poll();
        if (g != null) return g;
        try {
            return boot();
        } catch (VmException e) {
            throw new VmException("cannot boot another guest: " + e.getMessage());
        }
    }

    @Override
    public String arch() {
        return vm.arch().debian;
    }

    /** The guest kernel's release ("?" until it is found). */
    @Override
    public String release() {
        unavailableReason();
        VmCache.Prepared p = image;
        return p == null ? "?" : p.release();
    }

    /** The guest JIT's image of {@code program}, loaded as {@link #run} loads it (guest.c's 'J' request), not run. */
    @Override
    public JitImage jitImage(Program program, byte[] memory) {
        return onGuest(program, memory, why -> JitImage.of(JitImage.Status.FAILED, 0, why), (g, code, slot, packet) -> {
            Guest.Image r = g.jited(code.code(), slot, packet, memory, Limits.DEFAULT.wallClockMillis());
            return switch (r.status()) {
                case Guest.Image.JITED -> JitImage.jited(r.image());
                case Guest.Image.NOT_JITED -> JitImage.of(JitImage.Status.NOT_JITED, 0, "");
                case Guest.Image.WITHHELD -> JitImage.of(JitImage.Status.WITHHELD, 0, "");
                case Guest.Image.REFUSED -> JitImage.refused(r.errno(), r.errno() == Errno.E2BIG.number ? VerifierLog.tooLarge(code.code().length / 8)
                        : VerifierLog.rejection(r.errno(), r.text(), code.userStart(), program.slotCount(), code.wrapper()));
                default -> JitImage.of(JitImage.Status.FAILED, r.errno(), r.text());
            };
        });
    }

    /**
     * The program loaded in a guest as {@link #run} loads it, with the verifier's log of level 2 (guest.c's
     * 'R' request, verify only), not run. Not loaded, the log a line starting with {@code #} saying why, when
     * this runtime is unavailable, the program cannot be expressed or the guest dies.
     */
    @Override
    public Verification verify(Program program, byte[] memory) {
        return onGuest(program, memory, why -> new Verification(false, "# not loaded: " + why, 0), (g, code, slot, packet) -> {
            Guest.Answer a = g.run(new Guest.Request(code.code(), slot, packet, List.of(memory), true), VERIFY_MILLIS);
            return new Verification(a.status() == Guest.Answer.LOADED, a.text(), code.userStart());
        });
    }

    /** A request about one program to a guest: its code, the memory map's slot (-1 none), whether it is a packet program. */
    private interface GuestCall<T> {
        T on(Guest g, KernelCode code, int mapSlot, boolean packet) throws Guest.GuestFailure;
    }

    /**
     * {@code call} on an idle guest (or one booted) with the program's code for {@code memory}; {@code failed}
     * of why when this runtime is unavailable, the program cannot be expressed or the guest dies. A guest that
     * dies, or that printed a kernel report meanwhile (a tainted kernel), is retired, as at a run.
     */
    private <T> T onGuest(Program program, byte[] memory, java.util.function.Function<String, T> failed, GuestCall<T> call) {
        Optional<String> why = unavailableReason();
        if (why.isPresent()) return failed.apply(name + " unavailable: " + why.get());
        KernelCode code;
        Guest g;
        try {
            code = KernelCode.faithful(program, memory.length > 0 ? 0 : -1, memory.length);
            g = take();
        } catch (KernelCode.Inexpressible | VmException e) {
            return failed.apply(e.getMessage());
        }
        T r;
        try {
            r = call.on(g, code, memory.length > 0 ? mapSlot(code) : -1, program.groups().contains(Group.PACKET));
        } catch (Guest.GuestFailure e) {
            retire(g);
            return failed.apply("guest " + g.hello().release() + " died: " + e.getMessage());
        }
        if (g.newReport() == null) idle.push(g);
        else retire(g);
        return r;
    }

    /** How long a guest may take to verify one program with its log of states (TCG is slow; a log of 16 MiB is sent back). */
    private static final long VERIFY_MILLIS = 60_000;

    /** A guest that crashed, hung or reported: killed and forgotten (the next run boots another); counted. */
    private void retire(Guest g) {
        all.remove(g);
        g.close();
        restarts.incrementAndGet();
    }

    /** CPU time the live guests' QEMU processes have used (for benchmarks: a guest's cost per program, robust to other load). */
    public long guestCpuNanos() {
        long n = 0;
        for (Guest g : all) n += g.cpuNanos();
        return n;
    }

    /** Guests retired after a crash, a hang or a kernel report (each replaced by a fresh boot at the next run) since the last call. */
    @Override
    public long takeRestarts() {
        return restarts.getAndSet(0);
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
