package org.crosscheck.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.isa.elf.ElfException;
import org.crosscheck.isa.elf.ElfObject;

/** C files compiled by a BPF compiler and read back: what {@code compile} and {@code compilers} share. */
final class CFiles {
    private CFiles() {}

    /** One compilation: the object read, or why there is none (the compiler's first error line, or the reader's). */
    record Build(BpfCompiler cc, CpuVersion cpu, String opt, Path file, ElfObject object, String refused, String unreadable) {
        String flags() {
            return opt + " -mcpu=" + cpu;
        }
    }

    static BpfCompiler compiler(String id) {
        try {
            return BpfCompiler.parse(id);
        } catch (IllegalArgumentException e) {
            throw new UserError("--cc: " + e.getMessage());
        }
    }

    static CpuVersion cpu(String v) {
        try {
            return CpuVersion.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UserError("--mcpu: " + e.getMessage());
        }
    }

    static String opt(String level) {
        if (!level.equals("0") && !level.equals("2")) throw new UserError("-O" + level + ": only -O0 and -O2");
        return "-O" + level;
    }

    /** Compiles {@code file} in a scratch directory and reads the object. */
    static Build build(BpfCompiler cc, CpuVersion cpu, String opt, Path file) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("crosscheck-cc");
            String base = file.getFileName().toString().replaceAll("\\.c$", "");
            BpfCompiler.Result r = cc.compile(file.toAbsolutePath(), cpu, opt, dir.resolve(base + ".o"));
            if (!r.ok()) return new Build(cc, cpu, opt, file, null, r.error(), null);
            try {
                return new Build(cc, cpu, opt, file, ElfObject.read(r.object(), base + ".o (" + cc.id() + " " + opt + " -mcpu=" + cpu + ")"), null, null);
            } catch (ElfException e) {
                return new Build(cc, cpu, opt, file, null, null, e.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while compiling " + file);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            org.crosscheck.coordinator.findings.AtomicFiles.deleteTree(dir);
        } catch (IOException ignored) {
            // a scratch directory left in /tmp
        }
    }

    /** The project's own directory (the jar's or classes' ../../..), where corpus/c lives. */
    static Path projectRoot() {
        try {
            Path p = Path.of(CFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.getParent().getParent().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(".");
        }
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
