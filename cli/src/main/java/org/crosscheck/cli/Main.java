package org.crosscheck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code crosscheck} command. Subcommands live one per file; bad input of any kind ends in one
 * line on stderr naming what and where (set CROSSCHECK_DEBUG=1 for stack traces).
 */
@Command(name = "crosscheck",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // every subcommand answers --help and --version
        usageHelpWidth = 110, // the descriptions are written in lines of up to 100 characters
        versionProvider = Main.Version.class,
        description = {
            "Differential testing of BPF runtimes (RFC 9669): runs programs on our reference interpreter,",
            "our JIT, the Linux kernel, DPDK and bpf_conformance plugins, and reports where they disagree.",
            ""
        },
        subcommands = {
            ConformanceCommand.class,
            RunCommand.class,
            AsmCommand.class,
            DisasmCommand.class,
            PluginCommand.class,
            ProbeCommand.class,
            GroupsCommand.class,
            CompileCommand.class,
            CompilersCommand.class,
            CsmithCommand.class,
            AtomicsCommand.class,
            CampaignCommand.class,
            CoordinatorCommand.class,
            WorkerCommand.class,
            TriageCommand.class,
            ReplayCommand.class,
            BenchCommand.class,
            LitmusCommand.class,
            VmCommand.class,
            BarriersCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  crosscheck conformance ../shared/bpf_conformance/tests",
            "  crosscheck run test.data --runtime interp",
            "  crosscheck disasm test.data --llvm",
            "  crosscheck bench kernel",
            "Run 'crosscheck COMMAND --help' (or 'crosscheck help COMMAND') for a command's options."
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this directly). */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams (tests capture them). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (System.getenv("CROSSCHECK_DEBUG") != null) ex.printStackTrace();
            if (ex instanceof org.crosscheck.isa.IsaException || ex instanceof UserError) {
                report(commandLine, "crosscheck: " + ex.getMessage());
                return 2;
            }
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (t instanceof org.crosscheck.coordinator.findings.NoSpaceException) {
                    report(commandLine, "crosscheck: " + t.getMessage() + " (stopped at once; what was written is intact: "
                            + "free some space and run the same command to resume)");
                    return 2;
                }
            }
            report(commandLine, "crosscheck: internal error: " + ex + " (CROSSCHECK_DEBUG=1 shows the stack trace)");
            return 70;
        });
        cl.setParameterExceptionHandler(Main::usageError);
        return cl.execute(args);
    }

    /**
     * A command line picocli cannot parse (unknown option, missing or malformed value): one line naming
     * the command and the problem, and where to read its usage (exit code 2).
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        if (System.getenv("CROSSCHECK_DEBUG") != null) ex.printStackTrace();
        CommandLine command = ex.getCommandLine();
        String name = command.getCommandSpec().qualifiedName(" ");
        String problem = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            problem = (arg.startsWith("-") ? "unknown option '" : command.getSubcommands().isEmpty() ? "unexpected argument '" : "unknown command '")
                    + arg + "'";
        }
        report(command, name + ": " + problem);
        command.getErr().println("try '" + name + " --help'");
        return 2;
    }

    /** An error line on stderr; what it quotes of the input (arguments, file content) is {@link org.crosscheck.isa.Printable}. */
    static void report(CommandLine command, String line) {
        command.getErr().println(org.crosscheck.isa.Printable.escape(line));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"crosscheck " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
