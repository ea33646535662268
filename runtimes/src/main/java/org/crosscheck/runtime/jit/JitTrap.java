package org.crosscheck.runtime.jit;

import org.crosscheck.runtime.Outcome.TrapKind;

/** A trap raised by compiled code or its helpers; the pc is known where it is thrown. No stack trace: traps are ordinary. */
final class JitTrap extends RuntimeException {
    final TrapKind kind;
    final int pc;

    JitTrap(TrapKind kind, int pc, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.pc = pc;
    }
}
