package org.crosscheck.isa.elf;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.crosscheck.isa.CpuVersion;

/**
 * The two C compilers with a BPF back-end: GCC's ({@code bpf-gcc}, Debian's gcc-bpf) and LLVM's
 * ({@code clang -target bpf}). Each compiles one C file to a relocatable object with {@code -c}.
 */
public enum BpfCompiler {
    GCC, CLANG;

    /** The name on our command lines ({@code --cc gcc}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The executable looked up on PATH. */
    public String executable() {
        return this == GCC ? "bpf-gcc" : "clang";
    }

    /** The Debian package that has it. */
    public String debianPackage() {
        return this == GCC ? "gcc-bpf" : "clang";
    }

    public static BpfCompiler parse(String id) {
        for (BpfCompiler c : values()) if (c.id().equals(id.trim().toLowerCase(Locale.ROOT))) return c;
        throw new IllegalArgumentException("unknown compiler '" + id + "' (known: gcc, clang)");
    }

    /** Whether its executable is on PATH. */
    public boolean available() {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable()))) return true;
        }
        return false;
    }

    /** The command line compiling {@code source} into {@code object}. */
    public List<String> command(Path source, CpuVersion cpu, String opt, Path object) {
        List<String> cmd = new ArrayList<>(List.of(executable()));
        if (this == CLANG) cmd.addAll(List.of("-target", "bpf"));
        cmd.addAll(List.of(opt, "-mcpu=" + cpu, "-c", source.toString(), "-o", object.toString()));
        return cmd;
    }

    /** What a compilation gave: the object's bytes, or the compiler's first error line. */
    public record Result(byte[] object, String error) {
        public boolean ok() {
            return object != null;
        }
    }

    /**
     * Compiles one file; {@code opt} is {@code -O0} or {@code -O2}. A missing compiler is a result with
     * an error saying which package has it; a compiler that refuses the file (or the -mcpu) a result
     * with its first error line.
     */
    public Result compile(Path source, CpuVersion cpu, String opt, Path object) throws IOException, InterruptedException {
        if (!available()) return new Result(null, executable() + " not found on PATH (Debian package " + debianPackage() + ")");
        Files.deleteIfExists(object);
        Process p = new ProcessBuilder(command(source, cpu, opt, object)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(null, executable() + " did not finish within 120 s");
        }
        if (p.exitValue() != 0 || !Files.exists(object)) {
            String first = firstError(new String(out, StandardCharsets.UTF_8), p.exitValue());
            return new Result(null, first.startsWith(executable() + ":") ? first : executable() + ": " + first);
        }
        return new Result(Files.readAllBytes(object), null);
    }

    /** The compiler's first line saying "error", else its first line, else its exit code. */
    static String firstError(String output, int exit) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (String l : lines) if (l.toLowerCase(Locale.ROOT).contains("error")) return l;
        return lines.isEmpty() ? "exit code " + exit : lines.get(0);
    }
}
