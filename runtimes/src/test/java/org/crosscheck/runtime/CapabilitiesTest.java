package org.crosscheck.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.dpdk.DpdkRuntime;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void whatRuntimesHaveInCommonIsTheLeastOfEach() {
        Capabilities kernel = Capabilities.all().withUnsupported(Set.of(Op.CALL));
        Capabilities common = Capabilities.common(List.of(new Interpreter().capabilities(), kernel, DpdkRuntime.CAPABILITIES));
        assertEquals(DpdkRuntime.GROUPS, common.groups());
        assertTrue(common.unsupportedOps().contains(Op.CALL), "the kernel's");
        assertTrue(common.unsupportedOps().containsAll(DpdkRuntime.CAPABILITIES.unsupportedOps()), "DPDK's");
        assertFalse(common.loops());
        assertFalse(common.scalarPlusPointer());
        Capabilities ours = Capabilities.common(List.of(new Interpreter().capabilities()));
        assertEquals(EnumSet.allOf(Group.class), ours.groups());
        assertTrue(ours.loops() && ours.scalarPlusPointer() && ours.unsupportedOps().isEmpty());
    }

    @Test
    void withinKeepsOnlyTheWantedGroups() {
        Capabilities c = DpdkRuntime.CAPABILITIES.within(EnumSet.of(Group.BASE64, Group.PACKET));
        assertEquals(EnumSet.of(Group.BASE64), c.groups(), "DPDK has no packet loads");
        assertEquals(DpdkRuntime.CAPABILITIES.unsupportedOps(), c.unsupportedOps());
    }

    @Test
    void theFaithfulKernelGeneratesNoHelperCalls() {
        try (KernelRuntime faithful = new KernelRuntime(); KernelRuntime instrumented = new KernelRuntime(KernelRuntime.Mode.INSTRUMENTED)) {
            assertEquals(Set.of(Op.CALL), faithful.capabilities().unsupportedOps());
            assertEquals(Set.of(), instrumented.capabilities().unsupportedOps());
        }
    }
}
