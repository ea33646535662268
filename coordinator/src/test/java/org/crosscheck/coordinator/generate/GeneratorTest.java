package org.crosscheck.coordinator.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.Capabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GeneratorTest {
    static final int PROGRAMS = 100_000;

    /** Over 100,000 programs per group: nothing outside the (RFC-widened) groups, every op of the group seen. */
    @ParameterizedTest
    @EnumSource(Group.class)
    void staysInsideItsGroupsAndCoversThem(Group group) {
        Generator gen = new Generator(Generator.Config.of(EnumSet.of(group), CpuVersion.V4));
        Set<Group> allowed = gen.config().groups();
        Set<Op> seen = EnumSet.noneOf(Op.class);
        for (int i = 0; i < PROGRAMS; i++) {
            for (Insn insn : gen.generate(7, i).program().insns()) {
                assertTrue(allowed.contains(insn.op().group), insn.op() + " outside " + allowed);
                seen.add(insn.op());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (Op op : Op.values()) {
            if (op.group == group && !Generator.NEVER.contains(op) && !seen.contains(op)) missing.add(op.name());
        }
        assertEquals(Set.of(), missing, "ops of " + group + " never generated");
    }

    @Test
    void cpuVersionIsRespected() {
        Generator gen = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V2));
        for (int i = 0; i < 20_000; i++) {
            assertTrue(gen.generate(1, i).program().cpu().compareTo(CpuVersion.V2) <= 0);
        }
    }

    @Test
    void seedAndIndexDetermineTheCase() {
        Generator a = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4));
        Generator b = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4));
        for (int i = 0; i < 1000; i++) {
            Generator.Case x = a.generate(99, i), y = b.generate(99, i);
            assertEquals(x.program(), y.program());
            assertArrayEquals(x.memory(), y.memory());
        }
        assertTrue(!a.generate(99, 1).program().equals(a.generate(99, 2).program()));
    }

    /** Generated programs run to their exit on the reference: no traps, no budget exhaustion. */
    @Test
    void programsRunCleanlyOnTheReference() {
        Generator gen = new Generator(Generator.Config.of(EnumSet.allOf(Group.class), CpuVersion.V4));
        Interpreter interp = new Interpreter();
        int returned = 0;
        for (int i = 0; i < 20_000; i++) {
            Generator.Case c = gen.generate(3, i);
            Outcome o = interp.run(c.program(), c.memory(), Limits.DEFAULT);
            assertTrue(o instanceof Outcome.Returned, i + ": " + o.describe() + "\n" + c.program());
            returned++;
        }
        assertEquals(20_000, returned);
    }

    /** What DPDK asks for: none of its unsupported ops, no backward jumps; and, when allowed, some programs without their exit. */
    @Test
    void excludedOpsNoLoopsAndMissingExitsAsConfigured() {
        Set<Op> excluded = EnumSet.of(Op.JNE32_IMM, Op.SDIV64_REG, Op.CALL_LOCAL);
        Generator gen = new Generator(new Generator.Config(new Capabilities(Group.rfc(), excluded, false, true), CpuVersion.V4, 24, true));
        Generator usual = new Generator(new Generator.Config(new Capabilities(Group.rfc(), excluded, true, true), CpuVersion.V4, 24, false));
        int missing = 0;
        for (int i = 0; i < 4000; i++) {
            var insns = gen.generate(11, i).program().insns();
            for (Insn insn : insns) {
                assertTrue(!excluded.contains(insn.op()), insn.op() + " is excluded");
                assertTrue(!insn.op().shape.isJump() || insn.jumpOffset() >= 0, "backward jump " + insn);
            }
            if (insns.getLast().op() != Op.EXIT) missing++;
            assertEquals(Op.EXIT, usual.generate(11, i).program().insns().getLast().op());
        }
        assertTrue(missing > 4000 / Generator.MISSING_EXIT_SHARE / 2 && missing < 4000 * 2 / Generator.MISSING_EXIT_SHARE, "missing exits: " + missing);
    }
}
