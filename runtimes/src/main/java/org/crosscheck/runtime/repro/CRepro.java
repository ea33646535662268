package org.crosscheck.runtime.repro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Program;

/**
 * Standalone C reproducers: a program and its memory baked into a C file that loads it on the bare
 * runtime with nothing of ours (raw bpf(2) for the kernel, rte_bpf_* for DPDK), in the same context
 * as the faithful runtimes give it (r1 = memory, r2 = length), and prints what it returned. What a
 * maintainer runs to see a bug; also a bare loader (the program as hex arguments) for tests that
 * compare our runtimes with one.
 */
public final class CRepro {
    private CRepro() {}

    /** Which bare runtime a C reproducer loads into. */
    public enum Target {
        KERNEL("kernel.c", "gcc -O2 -o %2$s %1$s"),
        DPDK_INTERP("dpdk.c", "gcc -O2 -I/usr/include/dpdk -I/usr/include/x86_64-linux-gnu/dpdk -o %2$s %1$s -l:librte_bpf.so.23 -l:librte_eal.so.23"),
        DPDK_JIT("dpdk.c", "gcc -O2 -I/usr/include/dpdk -I/usr/include/x86_64-linux-gnu/dpdk -o %2$s %1$s -l:librte_bpf.so.23 -l:librte_eal.so.23");

        private final String template;
        private final String build;

        Target(String template, String build) {
            this.template = template;
            this.build = build;
        }

        /** The shell command that compiles {@code source} into {@code binary}. */
        public String buildCommand(Path source, Path binary) {
            return String.format(build, source, binary);
        }

        /** The target of a runtime name, or null for runtimes that have no bare form outside crosscheck. */
        public static Target of(String runtime) {
            if (runtime.startsWith("kernel")) return KERNEL;
            if (runtime.startsWith("dpdk-interp")) return DPDK_INTERP;
            if (runtime.startsWith("dpdk-jit")) return DPDK_JIT;
            return null;
        }
    }

    /** The C source of a reproducer; {@code header} lines become its opening comment. */
    public static String source(Target target, Program program, byte[] memory, List<String> header) {
        return source(target, program, memory, header, null);
    }

    /**
     * The same, and where {@code rfcR0} (RFC 9669's r0, from the reference interpreter) is given and the
     * target reports r0 (the kernel: its low 32 bits), the program compares what it got with it, prints
     * both and exits 1 when they differ.
     */
    public static String source(Target target, Program program, byte[] memory, List<String> header, Long rfcR0) {
        String t = template(target.template);
        StringBuilder h = new StringBuilder("/*\n");
        for (String line : header) h.append(" * ").append(line.replace("*/", "* /")).append('\n');
        h.append(" */");
        return t.replace("/*@HEADER@*/", h)
                .replace("/*@PROGRAM@*/", bytes(program.encode()))
                .replace("/*@MEMORY@*/", bytes(memory))
                .replace("/*@PACKET@*/", program.groups().contains(Group.PACKET) ? "1" : "0")
                .replace("/*@RFC_KNOWN@*/", rfcR0 == null ? "0" : "1")
                .replace("/*@RFC_R0@*/", rfcR0 == null ? "0" : "0x" + Long.toHexString(rfcR0 & 0xffff_ffffL))
                .replace("/*@JIT@*/", target == Target.DPDK_JIT ? "1" : "0")
                .replace("@ENGINE@", target == Target.DPDK_JIT ? "JIT (rte_bpf_get_jit)" : "interpreter (rte_bpf_exec)");
    }

    /** What a built reproducer printed, and its exit code. */
    public record Run(int exitCode, String stdout, String stderr) {
        /** What a reproducer's {@code .out} file keeps: its stdout, and its exit code when it died (128 + signal). */
        public String transcript() {
            return stdout + (exitCode > 1 ? "exit code " + exitCode + (exitCode > 128 ? " (signal " + (exitCode - 128) + ")" : "") + "\n" : "");
        }
    }

    /**
     * Writes {@code source} to {@code dir/name.c}, compiles it to {@code dir/name} with gcc and
     * returns the binary; an IOException says what failed (gcc missing, a compile error).
     */
    public static Path build(Target target, String source, Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path c = dir.resolve(name + ".c");
        Path bin = dir.resolve(name);
        Files.writeString(c, source);
        Run r = exec(List.of("sh", "-c", target.buildCommand(c, bin)));
        if (r.exitCode() != 0) throw new IOException("compiling " + c + " failed (" + target.buildCommand(c, bin) + "):\n" + r.stderr() + r.stdout());
        return bin;
    }

    /** Runs a built reproducer, with the program and memory as hex arguments when given. */
    public static Run run(Path binary, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static Run exec(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        try {
            p.getOutputStream().close();
            // stderr (a verifier log of up to 1 MiB) is drained beside stdout, so that neither pipe fills
            var errBytes = new java.util.concurrent.CompletableFuture<byte[]>();
            Thread.ofVirtual().start(() -> {
                try {
                    errBytes.complete(p.getErrorStream().readAllBytes());
                } catch (IOException e) {
                    errBytes.complete(new byte[0]);
                }
            });
            var out = p.getInputStream().readAllBytes();
            var err = errBytes.join();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer within 60 s");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Bytes as a C initializer: {@code 0xb7, 0x00, ...}, 8 per line. */
    static String bytes(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < b.length; k++) {
            if (k % 8 == 0) sb.append("\n    ");
            sb.append(String.format("0x%02x,", b[k] & 0xff));
            if (k % 8 != 7) sb.append(' ');
        }
        if (b.length > 0) sb.append('\n');
        return sb.toString();
    }

    private static String template(String name) {
        try (InputStream in = CRepro.class.getResourceAsStream("/repro/" + name)) {
            if (in == null) throw new IllegalStateException("missing resource /repro/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
