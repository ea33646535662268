package org.crosscheck.runtime.vm;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One booted guest: QEMU (TCG) running a prepared kernel with the guest executor as /init, which
 * answers on a virtio serial port (a unix socket here). The frames are those of the guest's
 * {@code guest.c} (its header comment is the protocol): little-endian, a u32 length then a payload
 * whose first byte is its type. Not thread-safe: one caller at a time.
 */
public final class Guest implements AutoCloseable {
    /** How long a guest may take from QEMU's start to its hello (TCG boots of arm64 take about 7 s here). */
    public static final long BOOT_MILLIS = 120_000;

    /** What the guest said when it came up; {@code jitEnable} is bpf_jit_enable after its write, "absent" when the kernel has no JIT. */
    public record Hello(String release, String machine, String jitEnable) {
        /** Why this guest cannot run in the mode asked for (the JIT on or off), or empty when it can. */
        public Optional<String> modeRefused(boolean jit) {
            boolean on = jitEnable.equals("1") || jitEnable.equals("2");
            if (jit && jitEnable.equals("absent")) {
                return Optional.of("kernel " + release + " has no BPF JIT (no net.core.bpf_jit_enable: built without CONFIG_BPF_JIT); its interpreter is the :interp runtime");
            }
            if (jit && !on) return Optional.of("kernel " + release + " kept net.core.bpf_jit_enable " + jitEnable + " when the JIT was switched on");
            if (!jit && on) return Optional.of("kernel " + release + " keeps its JIT on (net.core.bpf_jit_enable reads " + jitEnable + " after writing 0: CONFIG_BPF_JIT_ALWAYS_ON)");
            return Optional.empty();
        }
    }

    /**
     * One program for the guest: {@code code} (the mapSlot-th instruction's imm becomes the memory map's fd;
     * -1: none), loaded once and run on each of {@code inputs} (all of one length; one empty input: no memory).
     * {@code verifyOnly}: loaded with the verifier's log of level 2 and not run (one input: the map's value
     * while it verifies); the answer's text is that log, loaded or refused.
     */
    public record Request(byte[] code, int mapSlot, boolean packet, List<byte[]> inputs, boolean verifyOnly) {
        public Request {
            if (inputs.isEmpty() || inputs.size() > 0xffff) throw new IllegalArgumentException("a request has 1..65535 inputs, not " + inputs.size());
            if (verifyOnly && inputs.size() != 1) throw new IllegalArgumentException("a verify-only request has one input, not " + inputs.size());
            int n = inputs.get(0).length;
            for (byte[] in : inputs) if (in.length != n) throw new IllegalArgumentException("a request's inputs differ in length");
            if (n == 0 && inputs.size() != 1) throw new IllegalArgumentException("a request without memory has one input");
        }

        public Request(byte[] code, int mapSlot, boolean packet, List<byte[]> inputs) {
            this(code, mapSlot, packet, inputs, false);
        }

        int frameLength() {
            return 14 + code.length + inputs.size() * inputs.get(0).length;
        }
    }

    /** The answer to one request: status 0 loaded (then one {@link Run} per input), 1 load refused, 2 a system call failed (text names it). */
    public record Answer(int status, int errno, String text, List<Run> runs) {
        public static final int LOADED = 0, REFUSED = 1, FAILED = 2;
    }

    /** One run of a loaded program: status 0 ran (r0's low 32 bits, the memory after), 2 BPF_PROG_TEST_RUN failed with errno. */
    public record Run(int status, int errno, int retval, byte[] memory) {
        public static final int RAN = 0, FAILED = 2;
    }

    /** The guest stopped answering (it died, or missed its deadline); the message has the console's end. */
    public static final class GuestFailure extends IOException {
        public final boolean timedOut;

        GuestFailure(String message, boolean timedOut) {
            super(message, null);
            this.timedOut = timedOut;
        }
    }

    private final VmCache.Prepared image;
    private final Path tmp, console, qemuLog;
    private final Process qemu;
    private final SocketChannel channel;
    private final Hello hello;
    private final long bootNanos;
    private volatile long deadline; // System.nanoTime() past which QEMU is killed; 0: none
    private volatile boolean expired, closed, silent, booting = true;
    private Integer exitedAlone; // QEMU's exit code when it ended by itself while booting
    /** A booting kernel that has printed nothing on its console after this long is taken for a bad image (a good one prints within a second). */
    static final long SILENT_MILLIS = 30_000;

    private Guest(VmCache.Prepared image, boolean jit, long bootMillis, int cpus) throws IOException {
        this.image = image;
        long start = System.nanoTime();
        tmp = Files.createTempDirectory("crosscheck-vm-");
        console = tmp.resolve("console.log");
        qemuLog = tmp.resolve("qemu.log");
        Path sock = tmp.resolve("port.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Process p = null;
        SocketChannel ch = null;
        try {
            server.bind(UnixDomainSocketAddress.of(sock));
            server.configureBlocking(false);
            p = new ProcessBuilder(command(image, jit, sock, console, cpus)).redirectErrorStream(true).redirectOutput(qemuLog.toFile()).start();
            long until = start + TimeUnit.MILLISECONDS.toNanos(bootMillis);
            while ((ch = server.accept()) == null) {
                if (!p.isAlive()) throw new VmException(what() + ": " + image.arch().qemu + " exited with code " + p.exitValue() + " before the guest answered: " + lastLine(qemuLog, console));
                if (System.nanoTime() - until > 0) throw new VmException(what() + ": QEMU did not connect within " + bootMillis / 1000 + " s");
                LockSupport.parkNanos(10_000_000);
            }
            ch.configureBlocking(true);
            qemu = p;
            channel = ch;
            deadline = until;
            Thread.ofPlatform().daemon().name("crosscheck-vm-watchdog").start(this::watch);
            ByteBuffer h;
            try {
                h = frame();
            } catch (GuestFailure e) {
                throw new VmException(what() + ": " + bootFailure(bootMillis));
            }
            deadline = 0;
            booting = false;
            if (h.get() != 'H') throw new VmException(what() + ": the guest's first frame is not a hello");
            hello = new Hello(string(h), string(h), string(h));
            bootNanos = System.nanoTime() - start;
        } catch (IOException | RuntimeException e) {
            if (p != null) p.destroyForcibly();
            if (ch != null) ch.close();
            closed = true;
            deleteTmp();
            throw e;
        } finally {
            server.close();
        }
    }

    /** Boots {@code image}, the JIT on or off; a guest that does not come up is a {@link VmException} saying why. */
    public static Guest boot(VmCache.Prepared image, boolean jit) {
        return boot(image, jit, BOOT_MILLIS);
    }

    public static Guest boot(VmCache.Prepared image, boolean jit, long bootMillis) {
        return boot(image, jit, bootMillis, 1);
    }

    /**
     * Boots {@code image} with {@code cpus} vCPUs: more than one (litmus guests) runs TCG multi-threaded, one
     * host thread per vCPU, so that the guest's threads really run at once (ordinary guests keep one vCPU:
     * a second one made their runs slower).
     */
    public static Guest boot(VmCache.Prepared image, boolean jit, long bootMillis, int cpus) {
        if (cpus < 1) throw new IllegalArgumentException("a guest has at least one vCPU, not " + cpus);
        VmArch a = image.arch();
        if (!VmPrepare.onPath(a.qemu)) throw new VmException("guest " + image.label() + ": " + a.qemu + " not found (apt-get install " + a.qemuPackage + ")");
        try {
            return new Guest(image, jit, bootMillis, cpus);
        } catch (IOException e) {
            throw new VmException("guest " + image.label() + ": " + e.getMessage());
        }
    }

    static List<String> command(VmCache.Prepared image, boolean jit, Path sock, Path console) {
        return command(image, jit, sock, console, 1);
    }

    static List<String> command(VmCache.Prepared image, boolean jit, Path sock, Path console, int cpus) {
        VmArch a = image.arch();
        List<String> c = new ArrayList<>(List.of(a.qemu));
        c.addAll(a.machineArgs);
        c.addAll(List.of("-accel", cpus > 1 ? "tcg,thread=multi" : "tcg", "-cpu", a.cpu, "-smp", Integer.toString(cpus), "-m", Integer.toString(a.memoryMiB),
                "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString(),
                "-append", "console=" + a.console + " panic=-1 loglevel=4 ccjit=" + (jit ? 1 : 0),
                "-nodefaults", "-no-reboot", "-display", "none", "-nic", "none",
                "-serial", "file:" + console,
                "-chardev", "socket,id=cc,path=" + sock,
                "-device", a.serialDevice, "-device", "virtserialport,chardev=cc,name=crosscheck"));
        return c;
    }

    private String what() {
        return "guest " + image.label();
    }

    public Hello hello() {
        return hello;
    }

    public VmCache.Prepared image() {
        return image;
    }

    /** CPU time QEMU has used so far (its emulation of the guest: what a run costs whatever else the machine does). */
    public long cpuNanos() {
        return qemu.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** From QEMU's start to the guest's hello. */
    public long bootMillis() {
        return TimeUnit.NANOSECONDS.toMillis(bootNanos);
    }

    /** Runs one request within {@code timeoutMillis} (see {@link #runAll}). */
    public Answer run(Request request, long timeoutMillis) throws GuestFailure {
        Answer[] a = new Answer[1];
        runAll(List.of(request), timeoutMillis, x -> a[0] = x);
        return a[0];
    }

    /**
     * Sends {@code requests} back to back (a writer thread sends while this one reads, so that neither side's
     * buffers can stall the other) and hands each answer, in order, to {@code answered} as it arrives. Each
     * answer is due within {@code timeoutMillis} of the one before (of the start for the first). A guest that
     * dies or misses a deadline is killed, and this guest is of no further use: the answers handed on so far
     * say which request it was on.
     */
    public void runAll(List<Request> requests, long timeoutMillis, java.util.function.Consumer<Answer> answered) throws GuestFailure {
        long bytes = 0;
        for (Request q : requests) bytes += 4 + q.frameLength();
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("a batch of " + bytes + " bytes");
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Request q : requests) {
            int m = q.inputs().get(0).length;
            b.putInt(q.frameLength()).put((byte) 'R').put((byte) ((q.packet() ? 1 : 0) | (q.verifyOnly() ? 2 : 0))).putShort((short) (q.mapSlot() < 0 ? 0xffff : q.mapSlot()))
                    .putInt(m).putInt(q.code().length).putShort((short) q.inputs().size()).put(q.code());
            for (byte[] in : q.inputs()) b.put(in);
        }
        b.flip();
        long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        deadline = System.nanoTime() + timeout;
        Thread writer = requests.size() == 1 ? null : Thread.ofVirtual().name("crosscheck-vm-writer").start(() -> {
            try {
                while (b.hasRemaining()) channel.write(b);
            } catch (IOException e) {
                // the guest died: the reader below finds out and says how
            }
        });
        try {
            if (writer == null) write(b);
            for (int k = 0; k < requests.size(); k++) {
                ByteBuffer r = frame();
                if (r.get() != 'r') throw failure("the guest answered with a frame of another type");
                int status = r.get() & 0xff, errno = r.getInt();
                String text = new String(blob(r), StandardCharsets.UTF_8);
                int n = r.getShort() & 0xffff;
                List<Run> runs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) runs.add(new Run(r.get() & 0xff, r.getInt(), r.getInt(), blob(r)));
                deadline = System.nanoTime() + timeout;
                answered.accept(new Answer(status, errno, text, runs));
            }
        } finally {
            deadline = 0;
            if (writer != null) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The answer to a 'J' request: status 0 the image, 1 load refused, 2 a system call failed (text names it), 3 not JITed, 4 withheld. */
    public record Image(int status, int errno, byte[] image, String text) {
        public static final int JITED = 0, REFUSED = 1, FAILED = 2, NOT_JITED = 3, WITHHELD = 4;
    }

    /**
     * Loads one program as a run request does (not running it) and returns its JIT's machine code
     * (BPF_OBJ_GET_INFO_BY_FD's jited_prog_insns), within {@code timeoutMillis}.
     */
    public Image jited(byte[] code, int mapSlot, boolean packet, byte[] memory, long timeoutMillis) throws GuestFailure {
        ByteBuffer r = request('J', code, mapSlot, packet, memory, timeoutMillis);
        if (r.get() != 'j') throw failure("the guest answered a jited request with a frame of another type");
        int status = r.get() & 0xff, errno = r.getInt();
        byte[] image = blob(r);
        return new Image(status, errno, image, new String(blob(r), StandardCharsets.UTF_8));
    }

    /** Sends an 'R'-shaped request of {@code type} and reads the answer's frame, within the deadline. */
    private ByteBuffer request(char type, byte[] code, int mapSlot, boolean packet, byte[] memory, long timeoutMillis) throws GuestFailure {
        ByteBuffer b = ByteBuffer.allocate(4 + 12 + code.length + memory.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(12 + code.length + memory.length).put((byte) type).put((byte) (packet ? 1 : 0)).putShort((short) (mapSlot < 0 ? 0xffff : mapSlot))
                .putInt(memory.length).putInt(code.length).put(code).put(memory).flip();
        return exchange(b, timeoutMillis);
    }

    /** The answer to an 'L' request: status 0 loaded, 1 thread {@code thread} refused (text: the verifier's log), 2 a system call failed (text names it); the CPUs the threads run on. */
    public record LitmusLoaded(int status, int thread, int errno, String text, int cpus) {
        public static final int LOADED = 0, REFUSED = 1, FAILED = 2;
    }

    /**
     * Loads a litmus test's threads ({@code codes}: the host's SharedMap programs, the {@code mapSlot}-th
     * instruction's imm the shared map's fd) over one new mmapable array map of one {@code valueSize}-byte
     * value, within {@code timeoutMillis}.
     */
    public LitmusLoaded litmusLoad(int valueSize, int mapSlot, List<byte[]> codes, long timeoutMillis) throws GuestFailure {
        if (codes.isEmpty() || codes.size() > 64) throw new IllegalArgumentException("a litmus test has 1..64 threads, not " + codes.size());
        int n = 8;
        for (byte[] c : codes) n += 4 + c.length;
        ByteBuffer b = ByteBuffer.allocate(4 + n).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n).put((byte) 'L').putInt(valueSize).putShort((short) mapSlot).put((byte) codes.size());
        for (byte[] c : codes) b.putInt(c.length).put(c);
        ByteBuffer r = exchange(b.flip(), timeoutMillis);
        if (r.get() != 'l') throw failure("the guest answered a litmus request with a frame of another type");
        int status = r.get() & 0xff, thread = r.get() & 0xff, errno = r.getInt();
        String text = new String(blob(r), StandardCharsets.UTF_8);
        return new LitmusLoaded(status, thread, errno, text, r.getShort() & 0xffff);
    }

    /** A range of the litmus map's value: {@code bytes} to write at {@code offset}, or (bytes null) {@code length} bytes to read. */
    public record Range(int offset, int length, byte[] bytes) {
        public static Range write(int offset, byte[] bytes) {
            return new Range(offset, bytes.length, bytes);
        }

        public static Range read(int offset, int length) {
            return new Range(offset, length, null);
        }
    }

    /** What a chunk did: each thread's errno (0: its test run ran), the reads' bytes one after another. */
    public record Chunk(int[] errnos, byte[] read) {}

    /**
     * One chunk of the loaded litmus test ('U'): {@code writes} into the value, every thread's program run
     * {@code repeat} times at once on its own CPU, then {@code reads} from the value; within {@code timeoutMillis}.
     */
    public Chunk litmusChunk(int repeat, List<Range> writes, List<Range> reads, long timeoutMillis) throws GuestFailure {
        long n = 1 + 4 + 4 + 4 + 8L * reads.size();
        for (Range w : writes) n += 8 + w.length();
        if (n > 32 << 20) throw new IllegalArgumentException("a chunk request of " + n + " bytes");
        ByteBuffer b = ByteBuffer.allocate(4 + (int) n).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) n).put((byte) 'U').putInt(repeat).putInt(writes.size());
        for (Range w : writes) b.putInt(w.offset()).putInt(w.length()).put(w.bytes());
        b.putInt(reads.size());
        for (Range q : reads) b.putInt(q.offset()).putInt(q.length());
        ByteBuffer r = exchange(b.flip(), timeoutMillis);
        if (r.get() != 'u') throw failure("the guest answered a chunk request with a frame of another type");
        int[] errnos = new int[r.get() & 0xff];
        for (int t = 0; t < errnos.length; t++) errnos[t] = r.getInt();
        return new Chunk(errnos, blob(r));
    }

    /** Writes one request and reads its answer's frame, within the deadline. */
    private ByteBuffer exchange(ByteBuffer request, long timeoutMillis) throws GuestFailure {
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            write(request);
            return frame();
        } finally {
            deadline = 0;
        }
    }

    /** What an executable run in the guest ended with: its exit code (128 + signal; -1 not started, stderr says why) and output. */
    public record Exited(int exitCode, String stdout, String stderr) {}

    /**
     * Runs {@code executable} (static, for the guest's architecture) in the guest as a child of the executor,
     * with this guest's bpf_jit_enable, to its end within {@code timeoutMillis}; a guest that dies or misses
     * the deadline is killed, and this guest is of no further use.
     */
    public Exited exec(byte[] executable, long timeoutMillis) throws GuestFailure {
        ByteBuffer b = ByteBuffer.allocate(4 + 5 + executable.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(5 + executable.length).put((byte) 'X').putInt(executable.length).put(executable).flip();
        ByteBuffer r = exchange(b, timeoutMillis);
        if (r.get() != 'x') throw failure("the guest answered with a frame of another type");
        int code = r.getInt();
        String out = new String(blob(r), StandardCharsets.UTF_8);
        return new Exited(code, out, new String(blob(r), StandardCharsets.UTF_8));
    }

    private void write(ByteBuffer b) throws GuestFailure {
        try {
            while (b.hasRemaining()) channel.write(b);
        } catch (IOException e) {
            throw failure("writing to the guest: " + e.getMessage());
        }
    }

    private ByteBuffer frame() throws GuestFailure {
        ByteBuffer len = read(4);
        int n = len.getInt();
        if (n <= 0 || n > 64 << 20) throw failure("the guest sent a frame of " + Integer.toUnsignedString(n) + " bytes");
        return read(n);
    }

    private ByteBuffer read(int n) throws GuestFailure {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (b.hasRemaining()) if (channel.read(b) < 0) throw new EOFException("the guest closed its port");
        } catch (IOException e) {
            throw failure(e.getMessage());
        }
        return b.flip();
    }

    private GuestFailure failure(String why) {
        boolean t = expired;
        if (booting) {
            try {
                qemu.waitFor(1, TimeUnit.SECONDS); // its port closed: QEMU is likely exiting by itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!qemu.isAlive()) exitedAlone = qemu.exitValue();
        }
        kill();
        return new GuestFailure(t ? "no answer within the deadline; QEMU killed" : why + "; console ends: " + lastLine(console, qemuLog), t);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getShort() & 0xffff];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] blob(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return s;
    }

    /** Why the boot failed, for one line: no console output, a deadline passed, or QEMU exited. */
    private String bootFailure(long bootMillis) {
        boolean printed = size(console) > 0;
        if (silent) return "the kernel printed nothing on its console within " + SILENT_MILLIS / 1000 + " s (corrupt or truncated kernel image?)";
        if (expired) return "the guest did not answer within " + bootMillis / 1000 + " s; console ends: " + lastLine(console, qemuLog);
        String exit = exitedAlone == null ? "the guest closed its port" : image.arch().qemu + " exited with code " + exitedAlone;
        return exit + " before the guest answered" + (printed ? "; console ends: " + lastLine(console, qemuLog)
                : ", the kernel having printed nothing (corrupt or truncated kernel image?)" + (size(qemuLog) > 0 ? "; QEMU said: " + lastLine(qemuLog) : ""));
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private void watch() {
        long started = System.nanoTime();
        while (!closed) {
            if (booting && System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(SILENT_MILLIS) && size(console) == 0) {
                silent = expired = true;
                qemu.destroyForcibly();
                return;
            }
            long d = deadline;
            if (d != 0 && System.nanoTime() - d > 0) {
                expired = true;
                qemu.destroyForcibly();
                return;
            }
            LockSupport.parkNanos(20_000_000);
        }
    }

    /** The last non-blank line of the first of {@code files} that has one (at most its last 4 KiB are read). */
    static String lastLine(Path... files) {
        for (Path f : files) {
            try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
                long len = r.length();
                int n = (int) Math.min(len, 4096);
                byte[] tail = new byte[n];
                r.seek(len - n);
                r.readFully(tail);
                String[] lines = new String(tail, StandardCharsets.UTF_8).split("\r?\n");
                for (int i = lines.length - 1; i >= 0; i--) if (!lines[i].isBlank()) return lines[i].strip();
            } catch (IOException e) {
                // no such file yet: try the next
            }
        }
        return "(nothing)";
    }

    private void kill() {
        if (qemu != null) qemu.destroyForcibly();
    }

    /** A debug command (guest.c's 'C'): the guest kernel panics (sysrq 'c'); the next run finds it dead. */
    public void crash() throws GuestFailure {
        write(ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putInt(1).put((byte) 'C').flip());
    }

    /**
     * Lines that start a kernel crash report on the console, as syzkaller recognises them (its titles are
     * the line from the marker on): an oops, BUG, WARNING, panic, KASAN/UBSAN report, GPF, paging fault.
     */
    static final java.util.regex.Pattern REPORT = java.util.regex.Pattern.compile(
            "(Kernel panic - not syncing:.*|BUG:.*|WARNING:.*|Oops.*|general protection fault.*|Unable to handle kernel.*|KASAN:.*|UBSAN:.*|kernel BUG at.*)");

    private long consoleSeen;

    /**
     * A crash report the console printed since the last call, or null: its title (the first report line, the
     * timestamp dropped) and up to 40 lines from there.
     */
    public Report newReport() {
        try (RandomAccessFile r = new RandomAccessFile(console.toFile(), "r")) {
            long len = r.length();
            if (len <= consoleSeen) return null;
            byte[] b = new byte[(int) Math.min(len - consoleSeen, 1 << 20)];
            r.seek(consoleSeen);
            r.readFully(b);
            consoleSeen = len;
            String[] lines = new String(b, StandardCharsets.UTF_8).split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                java.util.regex.Matcher m = REPORT.matcher(lines[i]);
                if (!m.find()) continue;
                StringBuilder log = new StringBuilder();
                for (int k = i; k < Math.min(lines.length, i + 40); k++) log.append(lines[k]).append('\n');
                return new Report(m.group(1).strip(), log.toString());
            }
        } catch (IOException e) {
            // no console yet
        }
        return null;
    }

    /** A kernel crash report: its title and the console excerpt. */
    public record Report(String title, String log) {}

    /** Asks the guest to power off (killing QEMU if it has not within 2 s). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (qemu.isAlive()) {
                ByteBuffer q = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putInt(1).put((byte) 'Q').flip();
                while (q.hasRemaining()) channel.write(q);
                if (!qemu.waitFor(2, TimeUnit.SECONDS)) qemu.destroyForcibly();
            }
        } catch (IOException e) {
            qemu.destroyForcibly();
        } catch (InterruptedException e) {
            qemu.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                qemu.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTmp();
        }
    }

    private void deleteTmp() {
        VmPrepare.deleteTree(tmp);
    }
}
