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
        assertEquals("runtime 'vm:sparc:jit': unknown guest architecture 'sparc' (known: amd64, arm64)",
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

    /** Depth first along each .ko's "depends=", in its order: a module's dependencies before it, names with '-' as '_'. */
    @Test
    void modulesDependenciesFirst(@TempDir Path dir) throws IOException {
        Path k = Files.createDirectories(dir.resolve("kernel/drivers"));
        ko(k, "virtio_console", "virtio,virtio_ring");
        ko(k, "virtio_pci", "virtio_ring,virtio-pci-modern-dev,virtio");
        ko(k, "virtio", "virtio_ring");
        ko(k, "virtio_ring", "");
        ko(k, "virtio-pci-modern-dev", "");
        List<String> order = VmPrepare.moduleOrder(dir, VmPrepare.MODULES).stream().map(VmPrepare::moduleName).toList();
        assertEquals(List.of("virtio_ring", "virtio_pci_modern_dev", "virtio", "virtio_pci", "virtio_console"), order);
        Files.delete(k.resolve("virtio.ko"));
        assertTrue(assertThrows(VmException.class, () -> VmPrepare.moduleOrder(dir, VmPrepare.MODULES)).getMessage().contains("no module virtio "));
        assertFalse(VmPrepare.depends("xdepends=a\0".getBytes(StandardCharsets.US_ASCII)).contains("a"), "only a whole .modinfo string counts");
    }

    private static void ko(Path dir, String name, String depends) throws IOException {
        Files.write(dir.resolve(name + ".ko"), ("\u007fELF junk\0license=GPL\0depends=" + depends + "\0vermagic=6.1\0").getBytes(StandardCharsets.US_ASCII));
    }
}
