package org.crosscheck.runtime.vm;

import java.util.List;

/**
 * A guest architecture, by Debian's name, and every fact about it in one place: the QEMU that
 * emulates it (machine, CPU, how the virtio serial port is attached), the compiler that builds the
 * guest executor for it, Debian's kernel flavours for it, the name of the kernel image in their
 * packages, the kernel's console and the modules the guest's port needs.
 */
public enum VmArch {
    AMD64(new Facts("amd64", "x86_64").qemu("qemu-system-x86_64", "qemu-system-x86", "max", 256).compiler("x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu")
            .kernel(Facts.VMLINUZ, "ttyS0", "cloud-amd64", "amd64")),
    ARM64(new Facts("arm64", "aarch64").qemu("qemu-system-aarch64", "qemu-system-arm", "max", 256, "-M", "virt").compiler("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
            .kernel(Facts.VMLINUZ, "ttyAMA0", "cloud-arm64", "arm64")),
    /** Debian has no cloud flavour for i386; 686-pae (PAE, NX) before 686. */
    I386(new Facts("i386", "i686").qemu("qemu-system-i386", "qemu-system-x86", "max", 256).compiler("i686-linux-gnu-gcc", "gcc-i686-linux-gnu")
            .kernel(Facts.VMLINUZ, "ttyS0", "686-pae", "686")),
    /**
     * armmp (ARMv7, no LPAE) on QEMU's virt board, whose device tree QEMU generates (no DTB file); the
     * image is a zImage. highmem=off keeps the PCIe window below 4 GiB, where a kernel without LPAE
     * reaches it. virtio and virtio_ring are built in.
     */
    ARMHF(new Facts("armhf", "armv7l").qemu("qemu-system-arm", "qemu-system-arm", "max", 256, "-M", "virt,highmem=off").compiler("arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf")
            .kernel(Facts.VMLINUZ, "ttyAMA0", "armmp", "armmp-lpae")),
    /** pseries (SLOF boots the ELF vmlinux; there is no vmlinuz), the console a hypervisor vterm. */
    PPC64EL(new Facts("ppc64el", "ppc64le").qemu("qemu-system-ppc64", "qemu-system-ppc", "power9", 512, "-M", "pseries").compiler("powerpc64le-linux-gnu-gcc", "gcc-powerpc64le-linux-gnu")
            .kernel("vmlinux-", "hvc0", "powerpc64le")),
    /**
     * Big-endian; virtio over channel I/O (virtio_ccw is built in, by CONFIG_S390_GUEST, and not listed
     * in modules.builtin; virtio and virtio_ring are built in too), the console SCLP's line mode.
     */
    S390X(new Facts("s390x", "s390x").qemu("qemu-system-s390x", "qemu-system-misc", "max", 256, "-M", "s390-ccw-virtio").compiler("s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu")
            .kernel(Facts.VMLINUZ, "ttysclp0", "s390x").port("virtio-serial-ccw", "virtio_console")),
    /** 5kc-malta (built for MIPS64 R2, with the eBPF JIT) on QEMU's Malta board, virtio on its PCI bus. */
    MIPS64EL(new Facts("mips64el", "mips64").qemu("qemu-system-mips64el", "qemu-system-mips", "MIPS64R2-generic", 256, "-M", "malta")
            .compiler("mips64el-linux-gnuabi64-gcc", "gcc-mips64el-linux-gnuabi64").kernel(Facts.VMLINUZ, "ttyS0", "5kc-malta"));

    /** Debian's architecture name (dpkg, apt, runtime names). */
    public final String debian;
    /** What {@code uname -m} says in the guest. */
    public final String machine;
    final String qemu, qemuPackage, compiler, compilerPackage, console, cpu, imagePrefix, serialDevice;
    /** Debian's kernel flavours of this architecture, the preferred first (the part of the package name after the ABI). */
    final List<String> flavours;
    final List<String> machineArgs;
    /** The modules the guest's virtio serial port needs (their dependencies are found in the package); any may be built in. */
    final List<String> modules;
    final int memoryMiB;

    VmArch(Facts f) {
        this.debian = f.debian;
        this.machine = f.machine;
        this.qemu = f.qemu;
        this.qemuPackage = f.qemuPackage;
        this.compiler = f.compiler;
        this.compilerPackage = f.compilerPackage;
        this.console = f.console;
        this.cpu = f.cpu;
        this.imagePrefix = f.imagePrefix;
        this.serialDevice = f.serialDevice;
        this.flavours = f.flavours;
        this.machineArgs = f.machineArgs;
        this.modules = f.modules;
        this.memoryMiB = f.memoryMiB;
    }

    /** The facts of one architecture; by default its guest's port is virtio-serial over PCI. */
    private static final class Facts {
        static final String VMLINUZ = "vmlinuz-";
        final String debian, machine;
        String qemu, qemuPackage, cpu, compiler, compilerPackage, imagePrefix, console, serialDevice = "virtio-serial-pci";
        List<String> machineArgs, flavours, modules = List.of("virtio_pci", "virtio_console");
        int memoryMiB;

        Facts(String debian, String machine) {
            this.debian = debian;
            this.machine = machine;
        }

        /** The QEMU binary, its Debian package, its -cpu, the guest's memory and the machine's own arguments. */
        Facts qemu(String binary, String pkg, String cpu, int memoryMiB, String... machineArgs) {
            this.qemu = binary;
            this.qemuPackage = pkg;
            this.cpu = cpu;
            this.memoryMiB = memoryMiB;
            this.machineArgs = List.of(machineArgs);
            return this;
        }

        Facts compiler(String binary, String pkg) {
            compiler = binary;
            compilerPackage = pkg;
            return this;
        }

        /** The image's name in /boot before its release, the console, Debian's flavours (preferred first). */
        Facts kernel(String imagePrefix, String console, String... flavours) {
            this.imagePrefix = imagePrefix;
            this.console = console;
            this.flavours = List.of(flavours);
            return this;
        }

        /** The virtio serial device of the guest's bus and the modules it needs. */
        Facts port(String device, String... modules) {
            this.serialDevice = device;
            this.modules = List.of(modules);
            return this;
        }
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
