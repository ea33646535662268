package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier oracle is on by default (1/16) when a kernel takes part, the host's or a guest's; given, its rate is taken as it is. */
class OracleDefaultTest {
    @Test
    void onByDefaultWithAKernelOrAGuestKernel() {
        assertEquals(16, CampaignOptions.oracleEvery(null, List.of("interp", "kernel")));
        assertEquals(16, CampaignOptions.oracleEvery(null, List.of("interp", "kernel-instrumented")));
        assertEquals(16, CampaignOptions.oracleEvery(null, List.of("interp", "vm:amd64-6.1:interp")));
        assertEquals(16, CampaignOptions.oracleEvery(null, List.of("interp", "jit", "vm:arm64-6.12:jit")));
        assertEquals(0, CampaignOptions.oracleEvery(null, List.of("interp", "jit", "dpdk-interp")));
        assertEquals(0, CampaignOptions.oracleEvery("off", List.of("interp", "vm:amd64-6.1:interp")));
        assertEquals(1, CampaignOptions.oracleEvery("1/1", List.of("interp", "jit")));
        assertEquals("--verifier-oracle: expected 1/N (N at least 1) or off, got '2/3'",
                assertThrows(UserError.class, () -> CampaignOptions.oracleEvery("2/3", List.of("interp"))).getMessage());
    }
}
