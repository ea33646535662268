package org.crosscheck.coordinator.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Shape;
import org.junit.jupiter.api.Test;

class VerifierProfileTest {
    /** Loads of the input immediately bounded by a mask, per program, over 300 programs. */
    static double boundedLoads(Generator.Profile profile) {
        Generator g = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4).withProfile(profile));
        int n = 0;
        for (long i = 0; i < 300; i++) {
            List<Insn> insns = g.generate(9, i).program().insns();
            for (int k = 0; k + 1 < insns.size(); k++) {
                Insn a = insns.get(k), b = insns.get(k + 1);
                if (a.op().shape == Shape.LDX && b.op() == Op.AND64_IMM && b.dst() == a.dst()) n++;
            }
        }
        return n / 300.0;
    }

    @Test
    void theVerifierProfileChainsBoundedValuesAndTheDefaultIsUnchanged() {
        double def = boundedLoads(Generator.Profile.DEFAULT), ver = boundedLoads(Generator.Profile.VERIFIER);
        assertTrue(ver >= 3 && ver > 10 * def, "bounded loads per program: verifier " + ver + ", default " + def);
        Generator g = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4));
        Generator same = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4).withProfile(Generator.Profile.DEFAULT));
        assertEquals(g.generate(9, 5).program(), same.generate(9, 5).program());
        assertEquals(Generator.Profile.VERIFIER, Generator.Profile.parse("verifier"));
    }
}
