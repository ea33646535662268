package org.crosscheck.coordinator.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Capabilities;
import org.junit.jupiter.api.Test;

/**
 * Findings are regenerated from their (seed, index): the generator must keep giving exactly the
 * same programs and memory for a given {@link Generator#VERSION}. The constants are SHA-256 digests
 * (first 16 hex digits) of the first 20,000 cases of a few configurations, computed once; a change
 * that alters any generated case must bump VERSION and recompute them on purpose.
 */
class GeneratorIdentityTest {
    static final int CASES = 20_000;

    /** Digest of (encoded program, memory) of cases 0..CASES-1 of {@code seed}. */
    static String digest(Generator.Config config, long seed) throws NoSuchAlgorithmException {
        Generator gen = new Generator(config);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < CASES; i++) {
            Generator.Case c = gen.generate(seed, i);
            byte[] code = c.program().encode();
            sha.update(ByteBuffer.allocate(8).putInt(code.length).putInt(c.memory().length).array());
            sha.update(code);
            sha.update(c.memory());
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    @Test
    void rfcGroupsCpuV4AsADefaultCampaign() throws Exception {
        assertEquals("63110bff250c52c0", digest(Generator.Config.of(Group.rfc(), CpuVersion.V4), 1));
        assertEquals("4ff014610a28f49e", digest(Generator.Config.of(Group.rfc(), CpuVersion.V4), -7_345_112_000_913L));
    }

    @Test
    void allGroupsIncludingCallxAndAcqrel() throws Exception {
        assertEquals("619b79ae84c35a26", digest(Generator.Config.of(EnumSet.allOf(Group.class), CpuVersion.V4), 42));
    }

    @Test
    void withoutPacketLoadsTheInputPointerIsR6() throws Exception {
        Set<Group> groups = EnumSet.of(Group.BASE64, Group.ATOMIC64, Group.DIVMUL64);
        assertEquals("10d7f1ae561cf4d1", digest(Generator.Config.of(groups, CpuVersion.V3), 5));
    }

    @Test
    void base32OnlyCpuV1FallsBackTo32BitOps() throws Exception {
        assertEquals("cdaf8ff8c526226c", digest(Generator.Config.of(EnumSet.of(Group.BASE32), CpuVersion.V1), 9));
    }

    /** As for DPDK: excluded ops, no loops, some programs without their exit. */
    @Test
    void excludedOpsNoLoopsMissingExits() throws Exception {
        Set<Op> excluded = EnumSet.of(Op.JNE32_IMM, Op.SDIV64_REG, Op.CALL_LOCAL, Op.CALLX, Op.MOVSX8_32);
        assertEquals("af43715be63f80de", digest(new Generator.Config(new Capabilities(Group.rfc(), excluded, false, true), CpuVersion.V4, 24, true), 11));
        assertEquals("ce030b146ced203c", digest(new Generator.Config(new Capabilities(Group.rfc(), excluded, true, true), CpuVersion.V2, 5, false), 12));
    }
}
