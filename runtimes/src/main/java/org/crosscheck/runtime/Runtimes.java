package org.crosscheck.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.crosscheck.runtime.dpdk.DpdkRuntime;
import org.crosscheck.runtime.executor.ExecutorRuntime;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.jit.Jit;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.crosscheck.runtime.plugin.PluginRuntime;

/** The runtimes crosscheck knows, by the names users type. */
public final class Runtimes {
    private Runtimes() {}

    private static final Map<String, Supplier<Runtime>> KNOWN = new LinkedHashMap<>();
    /** The in-process implementations of runtimes that run in an executor child ({@code ExecutorMain}). */
    private static final Map<String, Supplier<Runtime>> IN_EXECUTOR = new LinkedHashMap<>();

    static {
        KNOWN.put("interp", Interpreter::new);
        KNOWN.put("jit", Jit::new);
        KNOWN.put("kernel", KernelRuntime::new);
        KNOWN.put("kernel-instrumented", () -> new KernelRuntime(KernelRuntime.Mode.INSTRUMENTED));
        for (boolean instrumented : new boolean[] {false, true}) {
            for (DpdkRuntime.Mode m : DpdkRuntime.Mode.values()) {
                KNOWN.put(DpdkRuntime.name(m, instrumented), () -> new ExecutorRuntime(DpdkRuntime.spec(m, instrumented)));
                IN_EXECUTOR.put(DpdkRuntime.name(m, instrumented), () -> new DpdkRuntime(m, instrumented));
            }
        }
        for (DpdkRuntime.Mode m : DpdkRuntime.Mode.values()) IN_EXECUTOR.put(DpdkRuntime.probeSpec(m).name(), () -> DpdkRuntime.unchecked(m));
    }


    /** Creates the in-process side of an isolated runtime: only an executor child should call this. */
    public static Runtime inExecutor(String name) {
        Supplier<Runtime> s = IN_EXECUTOR.get(name);
        if (s == null) throw new IllegalArgumentException("no executor runtime '" + name + "' (known: " + String.join(", ", IN_EXECUTOR.keySet()) + ")");
        return s.get();
    }

    public static final String PLUGIN_PREFIX = "plugin:";
    /** Plugin command lines by name ({@code --plugin name='command line'}). */
    private static final Map<String, List<String>> PLUGINS = new ConcurrentHashMap<>();

    /** Defines (or redefines) runtime {@code plugin:<name>}; a bad name or command line is an IllegalArgumentException. */
    public static void definePlugin(String name, List<String> command) {
        if (!name.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("plugin name '" + name + "': use letters, digits, '_', '.', '-'");
        if (command.isEmpty()) throw new IllegalArgumentException("plugin " + name + ": empty command line");
        PLUGINS.put(name, List.copyOf(command));
    }

    /** Defines a plugin from {@code name=command line} (the command line split as a shell would for simple cases). */
    public static String definePlugin(String definition) {
        int eq = definition.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--plugin: expected name='command line', got '" + definition + "'");
        String name = definition.substring(0, eq).strip();
        definePlugin(name, PluginRuntime.split(definition.substring(eq + 1)));
        return name;
    }

    /** Whether {@code plugin:<name>} is defined. */
    public static boolean hasPlugin(String name) {
        return PLUGINS.containsKey(name);
    }

    /**
     * The JIT with a deliberately wrong shared-memory mapping (fetch atomics neither atomic nor ordered):
     * alone it runs programs as the JIT does; in litmus runs and campaigns it must be caught.
     */
    public static final String JIT_UNORDERED_FETCH = "jit-mutant:unordered-fetch";

    /** Names of all known runtimes, in a stable order. */
    public static java.util.Set<String> names() {
        return KNOWN.keySet();
    }

    /** Creates the runtime called {@code name}; unknown names are an IllegalArgumentException listing the known ones. */
    public static Runtime create(String name) {
        if (name.startsWith(org.crosscheck.runtime.mutant.Mutants.PREFIX)) {
            return org.crosscheck.runtime.mutant.Mutants.runtime(name.substring(org.crosscheck.runtime.mutant.Mutants.PREFIX.length()));
        }
        if (name.startsWith(PLUGIN_PREFIX)) {
            String p = name.substring(PLUGIN_PREFIX.length());
            List<String> cmd = PLUGINS.get(p);
            if (cmd == null) {
                throw new IllegalArgumentException("unknown plugin '" + p + "' (define it with --plugin " + p + "='command line'"
                        + (PLUGINS.isEmpty() ? "" : "; defined: " + String.join(", ", new java.util.TreeSet<>(PLUGINS.keySet()))) + ")");
            }
            return new PluginRuntime(p, cmd);
        }
        if (name.startsWith(org.crosscheck.runtime.vm.VmName.PREFIX)) return new org.crosscheck.runtime.kernel.VmRuntime(name);
        if (name.equals(JIT_UNORDERED_FETCH)) return new Jit(name, org.crosscheck.runtime.jit.MemoryMode.UNORDERED_FETCH);
        Supplier<Runtime> s = KNOWN.get(name);
        if (s == null) throw new IllegalArgumentException("unknown runtime '" + name + "' (known: " + String.join(", ", KNOWN.keySet())
                + ", interp-mutant:<name> from 'crosscheck campaign --list-mutants', " + JIT_UNORDERED_FETCH
                + ", vm:<arch>[-<version>]:<jit|interp> from 'crosscheck vm prepare')");
        return s.get();
    }
}
