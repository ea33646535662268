package org.crosscheck.runtime.vm;

import java.util.List;

/**
 * A guest architecture, by Debian's name: the QEMU that emulates it, the compiler that builds the
 * guest executor for it, the kernel's console device.
 */
public enum VmArch {
    AMD64("amd64", "x86_64", "qemu-system-x86_64", "qemu-system-x86", "x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu", "ttyS0", List.of()),
    ARM64("arm64", "aarch64", "qemu-system-aarch64", "qemu-system-arm", "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", "ttyAMA0", List.of("-M", "virt"));

    /** Debian's architecture name (dpkg, apt, runtime names). */
    public final String debian;
    /** What {@code uname -m} says in the guest. */
    public final String machine;
    final String qemu, qemuPackage, compiler, compilerPackage, console;
    final List<String> machineArgs;

    VmArch(String debian, String machine, String qemu, String qemuPackage, String compiler, String compilerPackage, String console, List<String> machineArgs) {
        this.debian = debian;
        this.machine = machine;
        this.qemu = qemu;
        this.qemuPackage = qemuPackage;
        this.compiler = compiler;
        this.compilerPackage = compilerPackage;
        this.console = console;
        this.machineArgs = machineArgs;
    }

    /** The architecture called {@code name} (Debian's spelling); unknown names are an IllegalArgumentException listing the known. */
    public static VmArch of(String name) {
        for (VmArch a : values()) if (a.debian.equals(name)) return a;
        throw new IllegalArgumentException("unknown guest architecture '" + name + "' (known: " + names() + ")");
    }

    public static String names() {
        StringBuilder b = new StringBuilder();
        for (VmArch a : values()) b.append(b.isEmpty() ? "" : ", ").append(a.debian);
        return b.toString();
    }

    /** Whether this is the host's own architecture (its native gcc builds for it). */
    boolean isHost() {
        String host = System.getProperty("os.arch");
        return host.equals(debian) || host.equals(machine);
    }

    /** The C compiler that builds static executables for this architecture here. */
    String compilerHere() {
        return isHost() ? "gcc" : compiler;
    }

    /** The Debian package of {@link #compilerHere()}. */
    String compilerPackageHere() {
        return isHost() ? "gcc" : compilerPackage;
    }
}
