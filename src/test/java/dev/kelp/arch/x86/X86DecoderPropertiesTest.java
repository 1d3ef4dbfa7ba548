package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnKind;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Robustness of the decoder on arbitrary bytes. */
class X86DecoderPropertiesTest {
    private final X86Decoder dec = X86Decoder.instance();

    @Property(tries = 3000)
    void neverThrowsAndFieldsStayInside(@ForAll @Size(min = 1, max = 40) byte[] code,
            @ForAll @IntRange(min = 0, max = 39) int start) {
        int pos = Math.min(start, code.length - 1);
        Insn insn = new Insn();
        int len = dec.decode(code, pos, code.length, 0, insn);
        assertThat(len).isEqualTo(insn.length).isBetween(1, 15);
        assertThat(pos + len).isLessThanOrEqualTo(code.length);
        if (insn.kind == InsnKind.INVALID) {
            assertThat(len).isEqualTo(1);
            return;
        }
        if (insn.dispSize > 0) {
            assertThat(insn.dispSize).isIn(1, 4);
            assertThat(insn.dispOffset).isPositive();
            assertThat(insn.dispOffset + insn.dispSize).isLessThanOrEqualTo(len);
        }
        if (insn.immSize > 0) {
            assertThat(insn.immSize).isIn(1, 2, 3, 4, 8);
            assertThat(insn.immOffset).isPositive();
            assertThat(insn.immOffset + insn.immSize).isLessThanOrEqualTo(len);
            if (insn.dispSize > 0) {
                assertThat(insn.immOffset).isGreaterThanOrEqualTo(insn.dispOffset + insn.dispSize);
            }
        }
        if (insn.relative) {
            assertThat(insn.immSize).isIn(1, 2, 4);
            assertThat(insn.immOffset + insn.immSize).as("branch displacement ends the instruction").isEqualTo(len);
        }
    }

    @Property(tries = 2000)
    void sweepCoversEveryByteExactlyOnce(@ForAll @Size(min = 1, max = 300) byte[] code) {
        Insn insn = new Insn();
        int pos = 0;
        int count = 0;
        while (pos < code.length) {
            pos += dec.decode(code, pos, code.length, 0, insn);
            count++;
        }
        assertThat(pos).isEqualTo(code.length);
        assertThat(count).isLessThanOrEqualTo(code.length);
    }

    @Property(tries = 3000)
    void trailingBytesDoNotChangeAValidInstruction(@ForAll @Size(min = 1, max = 15) byte[] head,
            @ForAll @Size(min = 0, max = 20) byte[] tail) {
        Insn a = new Insn();
        dec.decode(head, 0, head.length, 0, a);
        if (a.kind == InsnKind.INVALID) {
            return;
        }
        byte[] longer = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, longer, head.length, tail.length);
        Insn b = new Insn();
        dec.decode(longer, 0, longer.length, 0, b);
        assertThat(b.toString()).isEqualTo(a.toString());
    }

    @Property(tries = 3000)
    void cuttingAnInstructionShortMakesItInvalid(@ForAll("instructionLike") byte[] code) {
        Insn full = new Insn();
        dec.decode(code, 0, code.length, 0, full);
        if (full.kind == InsnKind.INVALID || full.length == 1) {
            return;
        }
        Insn cut = new Insn();
        dec.decode(code, 0, full.length - 1, 0, cut);
        assertThat(cut.kind).isEqualTo(InsnKind.INVALID);
    }

    /** Random bytes biased towards prefixes, escapes and VEX/EVEX so that long forms show up. */
    @Provide
    Arbitrary<byte[]> instructionLike() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 0x66, (byte) 0x67, (byte) 0xF2, (byte) 0xF3,
                (byte) 0x48, (byte) 0x0F, (byte) 0x38, (byte) 0x3A, (byte) 0xC4, (byte) 0xC5, (byte) 0x62,
                (byte) 0xF6, (byte) 0xF7, (byte) 0xB8, (byte) 0xA1, (byte) 0x05, (byte) 0x04, (byte) 0x84);
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, interesting), net.jqwik.api.Tuple.of(2, any))
                .array(byte[].class).ofMinSize(15).ofMaxSize(15);
    }
}
