package org.crosscheck.runtime.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code crosscheck vm prepare}: Debian's kernel image package for an architecture and version
 * (multiarch {@code apt-get download}), its vmlinuz, and an initramfs of the guest executor
 * ({@code vm/guest.c}, compiled static with Debian's cross gcc) and the virtio modules its port
 * needs, all in {@link VmCache}. Every step prints one progress line; a step that fails is a
 * {@link VmException} of one line.
 */
public final class VmPrepare {
    private static final long COMMAND_MINUTES = 10;

    private final VmArch arch;
    private final String version;
    private final Consumer<String> progress;
    private final long start = System.nanoTime();

    public VmPrepare(VmArch arch, String version, Consumer<String> progress) {
        if (!VmName.VERSION.matcher(version).matches()) throw new VmException("--version: expected a kernel version such as 6.1, got '" + version + "'");
        this.arch = arch;
        this.version = version;
        this.progress = progress;
    }

    private void say(String line) {
        progress.accept(String.format("[%5.1f s] %s", (System.nanoTime() - start) / 1e9, line));
    }

    /** Prepares (or re-prepares) the guest and returns it; the check boot is the caller's. */
    public VmCache.Prepared prepare() throws IOException {
        Path dir = VmCache.dir(arch, version);
        Files.createDirectories(dir);
        String pkg = kernelPackage();
        Path work = Files.createTempDirectory(dir, "prepare-");
        try {
            Path deb = download(pkg, work);
            Path root = work.resolve("root");
            run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), null, "dpkg-deb -x " + deb.getFileName());
            Path vmlinuz = only(root.resolve("boot"), arch.imagePrefix, pkg);
            String release = vmlinuz.getFileName().toString().substring(arch.imagePrefix.length());
            Path modules = root.resolve("lib/modules").resolve(release);
            say("extracted " + vmlinuz.getFileName() + " (" + Files.size(vmlinuz) / 1024 + " KiB), release " + release);
            if (!Files.isDirectory(modules.resolve("kernel"))) {
                String split = "linux-modules-" + release; // a kernel whose modules Debian ships apart from its image
                Path mdeb = download(split, work);
                run(List.of("dpkg-deb", "-x", mdeb.toString(), root.toString()), null, "dpkg-deb -x " + mdeb.getFileName());
            }
            byte[] init = compileGuest(work);
            ensureQemu();
            Modules mods = modules(modules, arch.modules);
            Cpio cpio = initramfs(init, mods);
            Path initramfs = work.resolve(VmCache.INITRAMFS);
            try (OutputStream o = Files.newOutputStream(initramfs)) {
                cpio.writeGzip(o);
            }
            say("wrote the initramfs (" + Files.size(initramfs) / 1024 + " KiB: /init and the modules " + (mods.order().isEmpty() ? "(none)" : String.join(", ", mods.names()))
                    + (mods.builtIn().isEmpty() ? "" : "; built into the kernel: " + String.join(", ", mods.builtIn())) + ")");
            Files.deleteIfExists(dir.resolve(VmCache.RELEASE)); // unprepared until every file is in place
            Files.move(vmlinuz, dir.resolve(VmCache.KERNEL), StandardCopyOption.REPLACE_EXISTING);
            Files.move(initramfs, dir.resolve(VmCache.INITRAMFS), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve(VmCache.PACKAGE), pkg + "\n");
            Files.writeString(dir.resolve(VmCache.PACKAGE_VERSION), run(List.of("dpkg-deb", "-f", deb.toString(), "Version"), "dpkg-deb -f " + deb.getFileName()).strip() + "\n");
            Files.writeString(dir.resolve(VmCache.EXECUTOR), VmCache.executorHash() + "\n");
            Files.writeString(dir.resolve(VmCache.RELEASE), release + "\n");
            return VmCache.read(arch, version, dir).orElseThrow();
        } finally {
            deleteTree(work);
        }
    }

    /** What booting a prepared guest showed: its hello, the boot's time, and the r0 of a tiny program. */
    public record Check(Guest.Hello hello, long bootMillis, long runMicros, int r0) {}

    /**
     * Boots {@code image} with the JIT on and runs {@code r0 = 42; exit} (BPF_PROG_LOAD, BPF_PROG_TEST_RUN);
     * a guest that does not boot, or whose bpf() does not give 42, is a VmException.
     */
    public static Check check(VmCache.Prepared image) {
        byte[] code = java.util.HexFormat.of().parseHex("b70000002a000000" + "9500000000000000");
        try (Guest g = Guest.boot(image, true)) {
            long t = System.nanoTime();
            Guest.Answer a = g.run(new Guest.Request(code, -1, false, List.of(new byte[0])), 30_000);
            long micros = (System.nanoTime() - t) / 1000;
            Guest.Run r = a.runs().isEmpty() ? null : a.runs().get(0);
            if (a.status() != Guest.Answer.LOADED || r.status() != Guest.Run.RAN || r.retval() != 42) {
                throw new VmException("guest " + image.label() + ": bpf() does not work: r0 = 42; exit gave status " + a.status() + ", errno "
                        + (r == null ? a.errno() : r.errno()) + (r == null ? "" : ", r0 " + r.retval())
                        + (a.text().isBlank() ? "" : ": " + a.text().strip().lines().reduce((x, y) -> y).orElse("")));
            }
            return new Check(g.hello(), g.bootMillis(), micros, r.retval());
        } catch (Guest.GuestFailure e) {
            throw new VmException("guest " + image.label() + ": " + e.getMessage());
        }
    }

    /** The newest Debian kernel image package of this version and architecture, of its preferred flavour ({@link VmArch#flavours}). */
    String kernelPackage() throws IOException {
        ensureArchitecture();
        String found = newestPackage(search());
        if (found == null) {
            say("no package found; apt-get update");
            run(List.of("apt-get", "update", "-q"), "apt-get update");
            found = newestPackage(search());
        }
        if (found == null) {
            throw new VmException("no Debian kernel image package of Linux " + version + " for " + arch.debian + " (apt-cache search found no linux-image-"
                    + version + ".*-{" + String.join(",", arch.flavours) + "}; the apt sources here have " + versionsAvailable() + ")");
        }
        say("package " + found);
        return found;
    }

    private List<String> search() throws IOException {
        String out = run(List.of("apt-cache", "search", "--names-only", "^linux-image-" + version.replace(".", "\\.") + "\\.[0-9]+[-+]"), "apt-cache search");
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) names.add(line.substring(0, sp));
        }
        return names;
    }

    /**
     * A kernel image package's name: version, patch level, then Debian's ABI number ({@code 6.1.0-57-}) or,
     * for a backport without one, {@code +debN} ({@code 6.12.118+deb12-}); the flavour; {@code -unsigned}.
     */
    private static final Pattern IMAGE = Pattern.compile("linux-image-([0-9]+\\.[0-9]+)\\.([0-9]+)(?:-([0-9]+)|\\+deb[0-9]+)-([a-z0-9-]+?)(-unsigned)?");

    /**
     * Of {@code names}, the image package of our version and architecture with the highest patch level and
     * ABI; of those, the flavour {@link VmArch#flavours} names first, then unsigned before signed.
     */
    String newestPackage(List<String> names) {
        String best = null;
        long bestKey = -1;
        int flavours = arch.flavours.size();
        for (String n : names) {
            Matcher m = IMAGE.matcher(n);
            if (!m.matches() || !m.group(1).equals(version)) continue;
            int rank = arch.flavours.indexOf(m.group(4));
            if (rank < 0) continue;
            long abi = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
            long key = ((Long.parseLong(m.group(2)) * 100_000 + abi) * flavours + flavours - 1 - rank) * 2 + (m.group(5) != null ? 1 : 0);
            if (key > bestKey) {
                bestKey = key;
                best = n;
            }
        }
        return best;
    }

    private String versionsAvailable() throws IOException {
        String out = run(List.of("apt-cache", "search", "--names-only", "^linux-image-[0-9]+\\.[0-9]+\\.[0-9]+[-+]"), "apt-cache search");
        Set<String> versions = new java.util.TreeSet<>(VmCache::compareVersions);
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            Matcher m = sp > 0 ? IMAGE.matcher(line.substring(0, sp)) : null;
            if (m != null && m.matches() && arch.flavours.contains(m.group(4))) versions.add(m.group(1));
        }
        return versions.isEmpty() ? "none" : String.join(", ", versions);
    }

    /** Adds {@link #arch} to dpkg's architectures (and updates apt's lists) when it is foreign and missing. */
    private void ensureArchitecture() throws IOException {
        String nativeArch = run(List.of("dpkg", "--print-architecture"), "dpkg --print-architecture").strip();
        if (nativeArch.equals(arch.debian)) return;
        List<String> foreign = List.of(run(List.of("dpkg", "--print-foreign-architectures"), "dpkg --print-foreign-architectures").strip().split("\\s+"));
        if (foreign.contains(arch.debian)) return;
        say("dpkg --add-architecture " + arch.debian + " && apt-get update");
        run(List.of("dpkg", "--add-architecture", arch.debian), "dpkg --add-architecture " + arch.debian);
        run(List.of("apt-get", "update", "-q"), "apt-get update");
    }

    private Path download(String pkg, Path work) throws IOException {
        Path d = Files.createDirectories(work.resolve("deb"));
        run(List.of("apt-get", "download", pkg + ":" + arch.debian), d, "apt-get download " + pkg);
        Path deb = only(d, pkg, pkg);
        say("downloaded " + deb.getFileName() + " (" + Files.size(deb) / (1024 * 1024) + " MiB)");
        return deb;
    }

    /** The one file in {@code dir} whose name starts with {@code prefix}. */
    private static Path only(Path dir, String prefix, String pkg) throws IOException {
        if (!Files.isDirectory(dir)) throw new VmException(pkg + " has no " + dir.getFileName() + "/ directory");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            if (l.size() != 1) throw new VmException(pkg + ": expected one " + prefix + "* in " + dir.getFileName() + "/, found " + l.size());
            return l.getFirst();
        }
    }

    /** The QEMU that boots this architecture (installed with apt-get when missing). */
    private void ensureQemu() throws IOException {
        ensureCommand(arch.qemu, arch.qemuPackage, this::say);
    }

    private static void ensureCommand(String command, String pkg, Consumer<String> say) throws IOException {
        if (onPath(command)) return;
        say.accept(command + " missing: apt-get install " + pkg);
        run(List.of("apt-get", "install", "-y", "-q", pkg), "apt-get install " + pkg);
        if (!onPath(command)) throw new VmException("apt-get install " + pkg + " did not install " + command);
    }

    /** vm/guest.c compiled static for the guest (the compiler installed with apt-get when missing). */
    private byte[] compileGuest(Path work) throws IOException {
        Path src = work.resolve("guest.c");
        try (InputStream in = VmPrepare.class.getResourceAsStream("/vm/guest.c")) {
            if (in == null) throw new IllegalStateException("resource /vm/guest.c missing from the jar");
            Files.copy(in, src);
        }
        Path out = work.resolve("init");
        String cc = compileStatic(arch, src, out, this::say);
        byte[] init = Files.readAllBytes(out);
        say("compiled the guest executor with " + cc + " (" + init.length / 1024 + " KiB, static)");
        return init;
    }

    /**
     * {@code source} (C) compiled static for {@code arch} into {@code binary} with Debian's gcc for it (the
     * cross compiler installed with apt-get when missing, saying so to {@code say}); returns the compiler's
     * name. A compile error is a VmException with the compiler's first error line.
     */
    public static String compileStatic(VmArch arch, Path source, Path binary, Consumer<String> say) throws IOException {
        String cc = arch.compilerHere();
        ensureCommand(cc, arch.compilerPackageHere(), say);
        String what = cc + " -static " + source.getFileName();
        try {
            run(List.of(cc, "-static", "-O2", "-Wall", "-o", binary.toString(), source.toString()), what);
        } catch (VmException e) {
            String first = firstError(source, cc);
            throw first == null ? e : new VmException(what + " failed: " + first);
        }
        return cc;
    }

    /** The compiler's first {@code error:} line for {@code source}, or null. */
    private static String firstError(Path source, String cc) {
        try {
            Process p = new ProcessBuilder(cc, "-fsyntax-only", source.toString()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(COMMAND_MINUTES, TimeUnit.MINUTES);
            return text.lines().filter(l -> l.contains("error:")).map(String::strip).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** /init, /dev/console, /proc, /modules/ (each .ko, uncompressed, and their load order). */
    static Cpio initramfs(byte[] init, Modules modules) {
        Cpio c = new Cpio().add(Cpio.Entry.dir("dev")).add(Cpio.Entry.charDevice("dev/console", 5, 1)).add(Cpio.Entry.dir("proc"))
                .add(Cpio.Entry.file("init", 0755, init)).add(Cpio.Entry.dir("modules"));
        StringBuilder names = new StringBuilder();
        for (Map.Entry<String, byte[]> m : modules.order().entrySet()) {
            c.add(Cpio.Entry.file("modules/" + m.getKey() + ".ko", 0644, m.getValue()));
            names.append(m.getKey()).append('\n');
        }
        c.add(Cpio.Entry.file("modules/order", 0644, names.toString().getBytes(StandardCharsets.US_ASCII)));
        return c;
    }

    /**
     * The modules to load, in order, each name with its contents (a .ko.xz decompressed), and those of
     * the wanted that the kernel has built in (modules.builtin lists them; nothing to load).
     */
    record Modules(Map<String, byte[]> order, List<String> builtIn) {
        List<String> names() {
            return List.copyOf(order.keySet());
        }
    }

    /**
     * {@code wanted} and the modules they depend on (each module's .modinfo "depends="), dependencies
     * first; a wanted module the package does not have is fine when modules.builtin names it (a
     * dependency never is: modpost lists only modules).
     */
    static Modules modules(Path modules, List<String> wanted) throws IOException {
        Map<String, Path> byName = new HashMap<>();
        Set<String> builtIn = new HashSet<>();
        if (Files.isDirectory(modules)) {
            try (Stream<Path> s = Files.walk(modules)) {
                s.filter(p -> isModule(p.getFileName().toString())).forEach(p -> byName.put(moduleName(p), p));
            }
            Path list = modules.resolve("modules.builtin");
            if (Files.isRegularFile(list)) {
                for (String l : Files.readAllLines(list, StandardCharsets.UTF_8)) if (isModule(l.strip())) builtIn.add(moduleName(Path.of(l.strip())));
            }
        }
        Map<String, byte[]> done = new LinkedHashMap<>();
        List<String> builtInWanted = new ArrayList<>();
        for (String w : wanted) {
            if (!byName.containsKey(w) && builtIn.contains(w)) builtInWanted.add(w);
            else visit(w, byName, done, new LinkedHashSet<>());
        }
        return new Modules(done, builtInWanted);
    }

    private static void visit(String name, Map<String, Path> byName, Map<String, byte[]> done, Set<String> path) throws IOException {
        if (done.containsKey(name)) return;
        if (!path.add(name)) throw new VmException("kernel modules depend on each other in a cycle: " + String.join(" -> ", path) + " -> " + name);
        Path ko = byName.get(name);
        if (ko == null) throw new VmException("the kernel package has no module " + name + ", and its modules.builtin does not list it (the guest's virtio serial port needs it)");
        byte[] bytes = ko.getFileName().toString().endsWith(".xz") ? unxz(ko) : Files.readAllBytes(ko);
        for (String d : depends(bytes)) visit(d, byName, done, path);
        done.put(name, bytes);
    }

    private static boolean isModule(String file) {
        return file.endsWith(".ko") || file.endsWith(".ko.xz");
    }

    /** A .ko.xz decompressed (with xz: the JDK has no LZMA). */
    static byte[] unxz(Path file) throws IOException {
        if (!onPath("xz")) throw new VmException(file.getFileName() + " is xz-compressed and xz is not installed (apt-get install xz-utils)");
        Process p = new ProcessBuilder("xz", "-dc", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0) throw new VmException("xz -dc " + file.getFileName() + " failed (exit code " + p.exitValue() + "): not an xz file?");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VmException("xz -dc " + file.getFileName() + ": interrupted");
        }
        return out;
    }

    /** The module names in a .ko's "depends=a,b" string of .modinfo (the kernel's own modpost writes it). */
    static List<String> depends(byte[] ko) {
        byte[] key = "depends=".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + key.length <= ko.length; i++) {
            if (i > 0 && ko[i - 1] != 0) continue;
            for (int j = 0; j < key.length; j++) if (ko[i + j] != key[j]) continue outer;
            int end = i + key.length;
            while (end < ko.length && ko[end] != 0) end++;
            String v = new String(ko, i + key.length, end - i - key.length, StandardCharsets.US_ASCII);
            List<String> out = new ArrayList<>();
            for (String d : v.split(",")) if (!d.isBlank()) out.add(d.strip().replace('-', '_'));
            return out;
        }
        return List.of();
    }

    /** A module's name from its file ({@code virtio-pci.ko.xz}: {@code virtio_pci}). */
    static String moduleName(Path ko) {
        String f = ko.getFileName().toString();
        return f.substring(0, f.lastIndexOf(".ko")).replace('-', '_');
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(":")) if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) return true;
        return false;
    }

    private static String run(List<String> command, String what) throws IOException {
        return run(command, null, what);
    }

    /** Runs {@code command}; its standard output, or a VmException with the last line it printed. */
    static String run(List<String> command, Path dir, String what) throws IOException {
        if (!onPath(command.getFirst())) throw new VmException(what + ": " + command.getFirst() + " not found (is this Debian?)");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) pb.directory(dir.toFile());
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(COMMAND_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new VmException(what + ": no end within " + COMMAND_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VmException(what + ": interrupted");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String last = "";
            for (String l : text.split("\n")) if (!l.isBlank() && !l.startsWith("W: ")) last = l.strip();
            throw new VmException(what + " failed (exit code " + p.exitValue() + ")" + (last.isEmpty() ? "" : ": " + last));
        }
        return text;
    }

    /** Deletes {@code root} and what is under it; what cannot be deleted is left (a temporary directory). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary directory left in the cache
        }
    }
}
