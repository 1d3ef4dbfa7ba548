package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnKind;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Robustness of the decoder on arbitrary bytes. Each property runs over seeded random inputs,
 * so a failure names the seed that reproduces it.
 */
class X86DecoderPropertiesTest {
    private final X86Decoder dec = X86Decoder.instance();

    private static byte[] randomBytes(Random r, int min, int max) {
        byte[] b = new byte[min + r.nextInt(max - min + 1)];
        r.nextBytes(b);
        return b;
    }

    /** Random bytes biased towards prefixes, escapes and VEX/EVEX so that long forms show up. */
    private static byte[] instructionLike(Random r) {
        byte[] interesting = {0x66, 0x67, (byte) 0xF2, (byte) 0xF3, 0x48, 0x0F, 0x38, 0x3A, (byte) 0xC4,
            (byte) 0xC5, 0x62, (byte) 0xF6, (byte) 0xF7, (byte) 0xB8, (byte) 0xA1, 0x05, 0x04, (byte) 0x84};
        byte[] b = new byte[15];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextInt(3) == 0 ? interesting[r.nextInt(interesting.length)] : (byte) r.nextInt(256);
        }
        return b;
    }

    @Test
    void neverThrowsAndFieldsStayInside() {
        Random seeds = new Random(1);
        for (int t = 0; t < 3000; t++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            byte[] code = r.nextBoolean() ? randomBytes(r, 1, 40) : instructionLike(r);
            int pos = Math.min(r.nextInt(40), code.length - 1);
            Insn insn = new Insn();
            int len = dec.decode(code, pos, code.length, 0, insn);
            String at = "seed " + seed;
            assertThat(len).as(at).isEqualTo(insn.length).isBetween(1, 15);
            assertThat(pos + len).as(at).isLessThanOrEqualTo(code.length);
            if (insn.kind == InsnKind.INVALID) {
                assertThat(len).as(at).isEqualTo(1);
                continue;
            }
            if (insn.dispSize > 0) {
                assertThat(insn.dispSize).as(at).isIn(1, 4);
                assertThat(insn.dispOffset).as(at).isPositive();
                assertThat(insn.dispOffset + insn.dispSize).as(at).isLessThanOrEqualTo(len);
            }
            if (insn.immSize > 0) {
                assertThat(insn.immSize).as(at).isIn(1, 2, 3, 4, 8);
                assertThat(insn.immOffset).as(at).isPositive();
                assertThat(insn.immOffset + insn.immSize).as(at).isLessThanOrEqualTo(len);
                if (insn.dispSize > 0) {
                    assertThat(insn.immOffset).as(at).isGreaterThanOrEqualTo(insn.dispOffset + insn.dispSize);
                }
            }
            if (insn.relative) {
                assertThat(insn.immSize).as(at).isIn(1, 2, 4);
                assertThat(insn.immOffset + insn.immSize).as(at + ": branch displacement ends the instruction")
                        .isEqualTo(len);
            }
        }
    }

    @Test
    void sweepCoversEveryByteExactlyOnce() {
        Random seeds = new Random(2);
        for (int t = 0; t < 2000; t++) {
            long seed = seeds.nextLong();
            byte[] code = randomBytes(new Random(seed), 1, 300);
            Insn insn = new Insn();
            int pos = 0;
            int count = 0;
            while (pos < code.length) {
                pos += dec.decode(code, pos, code.length, 0, insn);
                count++;
            }
            assertThat(pos).as("seed %d", seed).isEqualTo(code.length);
            assertThat(count).as("seed %d", seed).isLessThanOrEqualTo(code.length);
        }
    }

    @Test
    void trailingBytesDoNotChangeAValidInstruction() {
        Random seeds = new Random(3);
        for (int t = 0; t < 3000; t++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            byte[] head = r.nextBoolean() ? randomBytes(r, 1, 15) : instructionLike(r);
            byte[] tail = randomBytes(r, 0, 20);
            Insn a = new Insn();
            dec.decode(head, 0, head.length, 0, a);
            if (a.kind == InsnKind.INVALID) {
                continue;
            }
            byte[] longer = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, longer, head.length, tail.length);
            Insn b = new Insn();
            dec.decode(longer, 0, longer.length, 0, b);
            assertThat(b.toString()).as("seed %d", seed).isEqualTo(a.toString());
        }
    }

    @Test
    void cuttingAnInstructionShortMakesItInvalid() {
        Random seeds = new Random(4);
        int checked = 0;
        for (int t = 0; t < 3000; t++) {
            long seed = seeds.nextLong();
            byte[] code = instructionLike(new Random(seed));
            Insn full = new Insn();
            dec.decode(code, 0, code.length, 0, full);
            if (full.kind == InsnKind.INVALID || full.length == 1) {
                continue;
            }
            Insn cut = new Insn();
            dec.decode(code, 0, full.length - 1, 0, cut);
            assertThat(cut.kind).as("seed %d", seed).isEqualTo(InsnKind.INVALID);
            checked++;
        }
        assertThat(checked).as("multi-byte instructions among 3000 inputs").isGreaterThan(1000);
    }
}
