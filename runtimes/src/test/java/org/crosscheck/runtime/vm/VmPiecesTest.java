package org.crosscheck.runtime.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initramfs writer, runtime names, module order and package choice of {@code vm prepare}. */
class VmPiecesTest {
    @Test
    void newcHeadersAndPadding() {
        byte[] a = new Cpio().add(Cpio.Entry.file("init", 0755, new byte[] {1, 2, 3})).bytes();
        String h = new String(a, 0, 110, StandardCharsets.US_ASCII);
        assertTrue(h.startsWith("070701"));
        assertEquals(Cpio.FILE | 0755, Integer.parseInt(h.substring(14, 22), 16), "mode");
        assertEquals(3, Integer.parseInt(h.substring(54, 62), 16), "file size");
        assertEquals(5, Integer.parseInt(h.substring(94, 102), 16), "name size with its NUL");
        assertEquals("init", new String(a, 110, 4, StandardCharsets.US_ASCII));
        assertEquals(0, a[114]);
        assertEquals(1, a[116], "data starts 4-aligned after the name: 110 + 5 -> 116");
        assertEquals(0, a.length % 4);
        assertTrue(new String(a, StandardCharsets.US_ASCII).contains("TRAILER!!!"));
    }

    /** GNU cpio reads what we write: names, types, device numbers and contents. */
    @Test
    void gnuCpioReadsIt(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(VmPrepare.onPath("cpio"), "GNU cpio is not installed (apt-get install cpio)");
        Path archive = dir.resolve("a.cpio");
        Files.write(archive, new Cpio().add(Cpio.Entry.dir("dev")).add(Cpio.Entry.charDevice("dev/console", 5, 1))
                .add(Cpio.Entry.file("init", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII))).add(Cpio.Entry.dir("modules"))
                .add(Cpio.Entry.file("modules/order", 0644, "virtio\n".getBytes(StandardCharsets.US_ASCII))).bytes());
        Process p = new ProcessBuilder("cpio", "-itv", "--quiet", "-F", archive.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String list = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), list);
        List<String> lines = list.lines().toList();
        assertEquals(5, lines.size(), list);
        assertTrue(lines.get(1).startsWith("crw-------") && lines.get(1).contains("5,") && lines.get(1).endsWith("dev/console"), list);
        assertTrue(lines.get(2).startsWith("-rwxr-xr-x") && lines.get(2).endsWith(" init"), list);
        Process x = new ProcessBuilder("cpio", "-i", "--quiet", "--to-stdout", "-F", archive.toString(), "modules/order")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertEquals("virtio\n", new String(x.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void gzipIsGzip() throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        new Cpio().add(Cpio.Entry.dir("proc")).writeGzip(o);
        byte[] b = o.toByteArray();
        assertEquals(0x1f, b[0] & 0xff);
        assertEquals(0x8b, b[1] & 0xff);
    }

    @Test
    void runtimeNames() {
        assertEquals(new VmName(VmArch.ARM64, "6.1", true), VmName.parse("vm:arm64-6.1:jit"));
        assertEquals(new VmName(VmArch.AMD64, null, false), VmName.parse("vm:amd64:interp"));
        assertEquals("vm:arm64-6.12:interp", VmName.parse("vm:arm64-6.12:interp").toString());
        assertEquals("runtime 'vm:sparc:jit': unknown guest architecture 'sparc' (known: amd64, arm64, i386, armhf, ppc64el, s390x, mips64el)",
                assertThrows(IllegalArgumentException.class, () -> VmName.parse("vm:sparc:jit")).getMessage());
        assertEquals("runtime 'vm:amd64:fast': the mode is jit or interp, not 'fast'",
                assertThrows(IllegalArgumentException.class, () -> VmName.parse("vm:amd64:fast")).getMessage());
        for (String bad : List.of("vm:", "vm:amd64", "vm:amd64-6:jit", "vm:amd64-6.1.2:jit", "vm:amd64-6.1:jit:x")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> VmName.parse(bad)).getMessage().contains("expected vm:<arch>[-<version>]:<jit|interp>"), bad);
        }
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(VmCache.compareVersions("6.12", "6.1") > 0);
        assertTrue(VmCache.compareVersions("6.1", "6.2") < 0);
        assertEquals(0, VmCache.compareVersions("6.1", "6.1"));
    }

    @Test
    void newestCloudUnsignedPackage() {
        VmPrepare p = new VmPrepare(VmArch.ARM64, "6.1", line -> {});
        assertEquals("linux-image-6.1.0-57-cloud-arm64-unsigned", p.newestPackage(List.of("linux-image-6.1.0-9-cloud-arm64-unsigned",
                "linux-image-6.1.0-57-cloud-arm64", "linux-image-6.1.0-57-cloud-arm64-unsigned", "linux-image-6.1.0-57-arm64-unsigned",
                "linux-image-6.1.0-57-cloud-arm64-dbg", "linux-image-6.1.0-57-cloud-amd64-unsigned", "linux-image-6.12.0-1-cloud-arm64-unsigned")));
        assertNull(p.newestPackage(List.of("linux-image-6.12.0-1-cloud-arm64-unsigned")));
        assertThrows(VmException.class, () -> new VmPrepare(VmArch.ARM64, "latest", line -> {}));
    }

    /** Each architecture's flavours in its order of preference, whatever the ABI of the others; names of another flavour or architecture never. */
    @Test
    void packageOfThePreferredFlavour() {
        VmPrepare i386 = new VmPrepare(VmArch.I386, "6.1", line -> {});
        assertEquals("linux-image-6.1.0-57-686-pae-unsigned", i386.newestPackage(List.of("linux-image-6.1.0-57-686", "linux-image-6.1.0-57-686-unsigned",
                "linux-image-6.1.0-57-686-pae", "linux-image-6.1.0-57-686-pae-unsigned", "linux-image-6.1.0-56-686-pae-unsigned", "linux-image-6.1.0-57-rt-686-pae",
                "linux-image-6.1.0-57-686-pae-dbg", "linux-image-6.1.0-57-amd64")));
        assertEquals("linux-image-6.1.0-58-686", i386.newestPackage(List.of("linux-image-6.1.0-57-686-pae-unsigned", "linux-image-6.1.0-58-686")), "a newer ABI first");
        assertNull(i386.newestPackage(List.of("linux-image-6.1.0-57-cloud-amd64-unsigned", "linux-image-6.1.0-57-rt-686-pae")));
        assertEquals("linux-image-6.1.0-57-armmp", new VmPrepare(VmArch.ARMHF, "6.1", line -> {}).newestPackage(List.of("linux-image-6.1.0-57-armmp-lpae",
                "linux-image-6.1.0-57-armmp", "linux-image-6.1.0-57-rt-armmp")));
        assertEquals("linux-image-6.1.0-57-powerpc64le", new VmPrepare(VmArch.PPC64EL, "6.1", line -> {}).newestPackage(List.of("linux-image-6.1.0-57-powerpc64le",
                "linux-image-6.1.0-56-powerpc64le", "linux-image-6.12.118+deb12-powerpc64le")));
        assertEquals("linux-image-6.1.0-50-s390x", new VmPrepare(VmArch.S390X, "6.1", line -> {}).newestPackage(List.of("linux-image-6.1.0-47-s390x", "linux-image-6.1.0-50-s390x")));
        // Debian's 6.12 backports to bookworm have no ABI number: 6.12.PATCH+deb12-FLAVOUR
        assertEquals("linux-image-6.12.118+deb12-cloud-amd64-unsigned", new VmPrepare(VmArch.AMD64, "6.12", line -> {}).newestPackage(List.of(
                "linux-image-6.12.118+deb12-amd64-unsigned", "linux-image-6.12.118+deb12-cloud-amd64-unsigned", "linux-image-6.12.117+deb12-cloud-amd64-unsigned",
                "linux-image-6.12.118+deb12-cloud-amd64-dbg", "linux-image-6.1.0-57-cloud-amd64-unsigned")));
    }

    /** Depth first along each .ko's "depends=", in its order: a module's dependencies before it, names with '-' as '_'. */
    @Test
    void modulesDependenciesFirst(@TempDir Path dir) throws IOException {
        Path k = Files.createDirectories(dir.resolve("kernel/drivers"));
        ko(k, "virtio_console", "virtio,virtio_ring");
        ko(k, "virtio_pci", "virtio_ring,virtio-pci-modern-dev,virtio");
        ko(k, "virtio", "virtio_ring");
        ko(k, "virtio_ring", "");
        ko(k, "virtio-pci-modern-dev", "");
        VmPrepare.Modules m = VmPrepare.modules(dir, VmArch.AMD64.modules);
        assertEquals(List.of("virtio_ring", "virtio_pci_modern_dev", "virtio", "virtio_pci", "virtio_console"), m.names());
        assertEquals(List.of(), m.builtIn());
        Files.delete(k.resolve("virtio.ko"));
        assertTrue(assertThrows(VmException.class, () -> VmPrepare.modules(dir, VmArch.AMD64.modules)).getMessage().contains("no module virtio,"));
        assertFalse(VmPrepare.depends("xdepends=a\0".getBytes(StandardCharsets.US_ASCII)).contains("a"), "only a whole .modinfo string counts");
    }

    /** A wanted module the kernel has built in (modules.builtin lists it) is not loaded and not an error; one it neither has nor lists is. */
    @Test
    void builtInModulesAreNotLoaded(@TempDir Path dir) throws IOException {
        Path k = Files.createDirectories(dir.resolve("kernel/drivers"));
        ko(k, "virtio_console", ""); // armhf: virtio and virtio_ring are built in, so modpost lists no dependency
        ko(k, "virtio_pci", "virtio_pci_modern_dev");
        ko(k, "virtio_pci_modern_dev", "");
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio_ccw.ko\n");
        VmPrepare.Modules m = VmPrepare.modules(dir, List.of("virtio_ccw", "virtio_pci", "virtio_console"));
        assertEquals(List.of("virtio_pci_modern_dev", "virtio_pci", "virtio_console"), m.names());
        assertEquals(List.of("virtio_ccw"), m.builtIn());
        Files.delete(k.resolve("virtio_console.ko"));
        assertEquals("the kernel package has no module virtio_console, and its modules.builtin does not list it (the guest's virtio serial port needs it)",
                assertThrows(VmException.class, () -> VmPrepare.modules(dir, List.of("virtio_console"))).getMessage());
        ko(k, "virtio_console", "virtio_mmio"); // a missing dependency is always an error, built-in list or not
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/virtio/virtio_mmio.ko\n");
        assertTrue(assertThrows(VmException.class, () -> VmPrepare.modules(dir, List.of("virtio_console"))).getMessage().contains("no module virtio_mmio,"));
    }

    /** Debian's 6.12 packages ship modules as .ko.xz: read through xz, their dependencies found inside, stored uncompressed as NAME.ko. */
    @Test
    void compressedModules(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(VmPrepare.onPath("xz"), "xz is not installed (apt-get install xz-utils)");
        Path k = Files.createDirectories(dir.resolve("kernel/drivers"));
        ko(k, "virtio_console", "virtio-ring");
        ko(k, "virtio-ring", "");
        for (String n : List.of("virtio_console", "virtio-ring")) {
            Process p = new ProcessBuilder("xz", k.resolve(n + ".ko").toString()).start();
            assertEquals(0, p.waitFor());
        }
        assertTrue(Files.exists(k.resolve("virtio-ring.ko.xz")));
        VmPrepare.Modules m = VmPrepare.modules(dir, List.of("virtio_console"));
        assertEquals(List.of("virtio_ring", "virtio_console"), m.names());
        assertTrue(new String(m.order().get("virtio_console"), StandardCharsets.US_ASCII).startsWith("\u007fELF junk"), "decompressed");
        Cpio c = VmPrepare.initramfs(new byte[] {1}, m);
        String archive = new String(c.bytes(), StandardCharsets.US_ASCII);
        assertTrue(archive.contains("modules/virtio_ring.ko\0") && archive.contains("virtio_ring\nvirtio_console\n"), "stored as .ko, in order");
        Files.write(k.resolve("virtio_console.ko.xz"), new byte[] {1, 2, 3});
        assertTrue(assertThrows(VmException.class, () -> VmPrepare.modules(dir, List.of("virtio_console"))).getMessage().startsWith("xz -dc virtio_console.ko.xz failed"));
    }

    /** A guest whose kernel has no JIT cannot be the :jit runtime, nor one whose JIT is always on the :interp one; each says why in a line. */
    @Test
    void jitModeJudgedByWhatTheGuestReadsBack() {
        Guest.Hello none = new Guest.Hello("6.1.0-50-s390x", "s390x", "absent");
        assertEquals("kernel 6.1.0-50-s390x has no BPF JIT (no net.core.bpf_jit_enable: built without CONFIG_BPF_JIT); its interpreter is the :interp runtime",
                none.modeRefused(true).orElseThrow());
        assertTrue(none.modeRefused(false).isEmpty());
        Guest.Hello always = new Guest.Hello("6.1", "x86_64", "1");
        assertTrue(always.modeRefused(true).isEmpty());
        assertTrue(always.modeRefused(false).orElseThrow().contains("CONFIG_BPF_JIT_ALWAYS_ON"));
        assertTrue(new Guest.Hello("6.1", "x86_64", "0").modeRefused(false).isEmpty());
    }

    /** Each architecture's QEMU command: its machine, CPU, memory, console and the virtio serial device of its bus. */
    @Test
    void qemuCommandPerArchitecture() {
        List<String> s390 = Guest.command(new VmCache.Prepared(VmArch.S390X, "6.1", "r", "p", Path.of("/c")), false, Path.of("/s"), Path.of("/log"));
        assertEquals("qemu-system-s390x", s390.getFirst());
        assertTrue(String.join(" ", s390).contains("-M s390-ccw-virtio -accel tcg -cpu max"), s390.toString());
        assertTrue(s390.contains("virtio-serial-ccw") && !s390.contains("virtio-serial-pci"), s390.toString());
        assertTrue(s390.contains("console=ttysclp0 panic=-1 loglevel=4 ccjit=0"), s390.toString());
        List<String> ppc = Guest.command(new VmCache.Prepared(VmArch.PPC64EL, "6.1", "r", "p", Path.of("/c")), true, Path.of("/s"), Path.of("/log"));
        assertTrue(String.join(" ", ppc).contains("-M pseries -accel tcg -cpu power9 -smp 1 -m 512"), ppc.toString());
        assertTrue(ppc.contains("console=hvc0 panic=-1 loglevel=4 ccjit=1") && ppc.contains("virtio-serial-pci"), ppc.toString());
        for (VmArch a : VmArch.values()) assertFalse(a.flavours.isEmpty() || a.modules.isEmpty(), a.debian);
    }

    private static void ko(Path dir, String name, String depends) throws IOException {
        Files.write(dir.resolve(name + ".ko"), ("\u007fELF junk\0license=GPL\0depends=" + depends + "\0vermagic=6.1\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** A verify-only request (guest.c's 'R' with flag 2) has one input; guest.c documents the flag. */
    @Test
    void aVerifyOnlyRequestHasOneInput() throws IOException {
        byte[] code = new byte[16];
        assertTrue(new Guest.Request(code, -1, false, List.of(new byte[0]), true).verifyOnly());
        assertFalse(new Guest.Request(code, -1, false, List.of(new byte[4], new byte[4])).verifyOnly());
        assertEquals("a verify-only request has one input, not 2",
                assertThrows(IllegalArgumentException.class, () -> new Guest.Request(code, 0, false, List.of(new byte[4], new byte[4]), true)).getMessage());
        try (var in = Guest.class.getResourceAsStream("/vm/guest.c")) {
            String c = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(c.contains("u8 flags (1 = packet, 2 = verify only)") && c.contains("Verify only (K must be 1)"), "guest.c's protocol comment");
        }
    }

    /** A guest runtime that cannot boot verifies nothing, and says why on one line of its log. */
    @Test
    void anUnavailableGuestVerifiesNothing() throws Exception {
        try (var vm = new org.crosscheck.runtime.kernel.VmRuntime("vm:amd64-9.99:interp")) {
            var v = vm.verify(org.crosscheck.isa.Assembler.assemble("mov %r0, 0\nexit"), new byte[0]);
            assertFalse(v.accepted());
            assertTrue(v.log().startsWith("# not loaded: vm:amd64-9.99:interp unavailable: ") && !v.log().contains("\n"), v.log());
        }
    }
}
