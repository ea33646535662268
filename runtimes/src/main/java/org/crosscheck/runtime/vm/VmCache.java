package org.crosscheck.runtime.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where prepared guests live: {@code $XDG_CACHE_HOME/crosscheck/vm/<arch>-<version>/} (default
 * {@code ~/.cache}), each with {@code vmlinuz} (the kernel image: on ppc64el the ELF vmlinux), {@code initramfs.gz}, {@code release} (the kernel's
 * release string) and {@code package} (the Debian package it came from). {@code release} is written
 * last, so a directory without it is a preparation that did not finish.
 */
public final class VmCache {
    private VmCache() {}

    /** A guest ready to boot. */
    public record Prepared(VmArch arch, String version, String release, String debianPackage, Path dir) {
        public Path kernel() {
            return dir.resolve(KERNEL);
        }

        public Path initramfs() {
            return dir.resolve(INITRAMFS);
        }

        /** Whether its initramfs holds this crosscheck's guest executor (else it needs {@code vm prepare} again). */
        public boolean current() {
            try {
                return Files.readString(dir.resolve(EXECUTOR), StandardCharsets.UTF_8).strip().equals(executorHash());
            } catch (IOException e) {
                return false;
            }
        }

        /** The Debian package's version ({@code 6.1.158-1}), or "" for a guest prepared before it was recorded. */
        public String debianVersion() {
            try {
                return Files.readString(dir.resolve(PACKAGE_VERSION), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                return "";
            }
        }

        /** {@code linux-image-6.1.0-57-armmp 6.1.158-1}: the package and its version, as a reproducer names it. */
        public String debianRelease() {
            String v = debianVersion();
            return debianPackage + (v.isEmpty() ? "" : " " + v);
        }

        /** {@code <arch>-<version>}, as in runtime names. */
        public String label() {
            return arch.debian + "-" + version;
        }
    }

    static final String KERNEL = "vmlinuz", INITRAMFS = "initramfs.gz", RELEASE = "release", PACKAGE = "package", PACKAGE_VERSION = "package-version",
            EXECUTOR = "executor.sha256";

    /** The sha256 of this crosscheck's vm/guest.c, recorded with a prepared guest (an older executor lacks newer frames). */
    public static String executorHash() {
        try (java.io.InputStream in = VmCache.class.getResourceAsStream("/vm/guest.c")) {
            if (in == null) throw new IllegalStateException("resource /vm/guest.c missing from the jar");
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read /vm/guest.c: " + e.getMessage(), e);
        }
    }

    /**
     * {@code name} with {@code vm:*} (every prepared guest, JIT and interpreter), {@code vm:*:jit} or
     * {@code vm:*:interp} expanded to the prepared guests' runtime names, newest version last; any other
     * name as it is.
     */
    public static List<String> expand(String name) {
        if (!name.startsWith("vm:*")) return List.of(name);
        String mode = name.equals("vm:*") ? null : name.substring("vm:*:".length());
        if (mode != null && !mode.equals("jit") && !mode.equals("interp")) throw new IllegalArgumentException("runtime '" + name + "': expected vm:*, vm:*:jit or vm:*:interp");
        List<String> out = new ArrayList<>();
        for (Prepared p : list()) {
            for (String m : mode == null ? List.of("jit", "interp") : List.of(mode)) out.add("vm:" + p.label() + ":" + m);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("runtime '" + name + "': no guest is prepared in " + root() + " (crosscheck vm prepare --arch amd64)");
        return out;
    }

    /** The cache's root directory (not created). */
    public static Path root() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("crosscheck").resolve("vm");
    }

    /** The directory of {@code arch} and {@code version}. */
    public static Path dir(VmArch arch, String version) {
        return root().resolve(arch.debian + "-" + version);
    }

    /** Every prepared guest, by architecture then version. */
    public static List<Prepared> list() {
        List<Prepared> out = new ArrayList<>();
        Path root = root();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                String n = d.getFileName().toString();
                int dash = n.lastIndexOf('-');
                if (dash <= 0) continue;
                VmArch arch;
                try {
                    arch = VmArch.of(n.substring(0, dash));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                read(arch, n.substring(dash + 1), d).ifPresent(out::add);
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing((Prepared p) -> p.arch()).thenComparing(Prepared::version, VmCache::compareVersions));
        return out;
    }

    /** The prepared guest of {@code arch} and {@code version} (null: the newest prepared). */
    public static Optional<Prepared> find(VmArch arch, String version) {
        Prepared best = null;
        for (Prepared p : list()) {
            if (p.arch() != arch || version != null && !p.version().equals(version)) continue;
            if (best == null || compareVersions(p.version(), best.version()) > 0) best = p;
        }
        return Optional.ofNullable(best);
    }

    /**
     * The prepared guest of {@code arch} and {@code version} (null: the newest prepared) that holds this
     * crosscheck's executor; a VmException saying which {@code vm prepare} to run when there is none.
     */
    public static Prepared current(VmArch arch, String version) {
        String v = version == null ? "" : " --version " + version;
        Prepared p = find(arch, version).orElseThrow(() -> new VmException("no prepared " + arch.debian + (version == null ? "" : " " + version) + " guest in " + root()
                + " (run 'crosscheck vm prepare --arch " + arch.debian + v + "')"));
        if (!p.current()) {
            throw new VmException("the " + p.label() + " guest in " + p.dir() + " was prepared by another crosscheck's guest executor (run 'crosscheck vm prepare --arch "
                    + arch.debian + " --version " + p.version() + "' again)");
        }
        return p;
    }

    static Optional<Prepared> read(VmArch arch, String version, Path d) {
        try {
            if (!Files.isRegularFile(d.resolve(RELEASE)) || !Files.isRegularFile(d.resolve(KERNEL)) || !Files.isRegularFile(d.resolve(INITRAMFS))) return Optional.empty();
            String release = Files.readString(d.resolve(RELEASE), StandardCharsets.UTF_8).strip();
            Path pkg = d.resolve(PACKAGE);
            String p = Files.isRegularFile(pkg) ? Files.readString(pkg, StandardCharsets.UTF_8).strip() : "";
            return Optional.of(new Prepared(arch, version, release, p, d));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Compares dotted numeric versions ({@code 6.1} before {@code 6.12}). */
    public static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]"), y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? number(x[i]) : -1, q = i < y.length ? number(y[i]) : -1;
            if (p != q) return Long.compare(p, q);
        }
        return 0;
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
