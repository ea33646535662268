package org.crosscheck.runtime.executor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;

/**
 * The executor child: {@code java -cp CLASSPATH org.crosscheck.runtime.executor.ExecutorMain NAME}.
 * Creates the in-process runtime NAME ({@link Runtimes#inExecutor}), says hello, then answers run
 * requests one at a time ({@link Framing}) until its stdin closes. Its stdout carries frames only.
 */
public final class ExecutorMain {
    private ExecutorMain() {}

    public static void main(String[] args) throws IOException {
        InputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(System.err); // nothing else may write to the frame stream
        if (args.length != 1) {
            Framing.writeHello(out, "executor: expected one runtime name, got " + args.length + " arguments");
            return;
        }
        Runtime inner;
        try {
            inner = Runtimes.inExecutor(args[0]);
        } catch (IllegalArgumentException e) {
            Framing.writeHello(out, e.getMessage());
            return;
        }
        serve(inner, in, out);
    }

    /** Answers requests until the input ends. */
    static void serve(Runtime inner, InputStream in, OutputStream out) throws IOException {
        Framing.writeHello(out, inner.unavailableReason().orElse(""));
        Framing.Run run;
        while ((run = Framing.readRun(in)) != null) {
            Outcome o;
            try {
                o = inner.run(Program.decode(run.program()), run.memory(), run.limits());
            } catch (DecodeException e) {
                o = new Outcome.Unsupported("executor cannot decode the program: " + e.getMessage());
            }
            Framing.writeOutcome(out, o);
        }
    }
}
