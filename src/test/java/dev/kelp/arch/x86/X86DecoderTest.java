package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Field-level checks on encodings taken from the architecture manuals, plus an assembled stress file. */
class X86DecoderTest {
    private final Insn insn = new Insn();

    private Insn decode(String hex) {
        byte[] code = HexFormat.of().parseHex(hex.replace(" ", ""));
        X86Decoder.instance().decode(code, 0, code.length, 0x1000, insn);
        return insn;
    }

    @Test
    void movImm64WithRexW() {
        decode("48 b8 88 77 66 55 44 33 22 11");
        assertThat(insn.length).isEqualTo(10);
        assertThat(insn.kind).isEqualTo(InsnKind.MOV_IMM);
        assertThat(insn.immOffset).isEqualTo(2);
        assertThat(insn.immSize).isEqualTo(8);
        assertThat(insn.immValue).isEqualTo(0x1122334455667788L);
        assertThat(insn.dstReg).isEqualTo(0);
        assertThat(insn.operandSize).isEqualTo(8);
    }

    @Test
    void moffsIsEightBytesUnless67() {
        assertThat(decode("a1 88 77 66 55 44 33 22 11").length).isEqualTo(9);
        assertThat(insn.immSize).isEqualTo(8);
        assertThat(decode("48 a3 88 77 66 55 44 33 22 11").length).isEqualTo(10);
        assertThat(decode("67 a1 44 33 22 11").length).isEqualTo(6);
        assertThat(insn.immSize).isEqualTo(4);
    }

    @Test
    void groupF6TakesImmediateOnlyForTest() {
        decode("f6 47 03 80"); // testb $0x80,0x3(%rdi)
        assertThat(insn.length).isEqualTo(4);
        assertThat(insn.dispOffset).isEqualTo(2);
        assertThat(insn.dispSize).isEqualTo(1);
        assertThat(insn.immOffset).isEqualTo(3);
        assertThat(insn.immSize).isEqualTo(1);
        assertThat(decode("f6 57 03").length).as("notb 0x3(%%rdi)").isEqualTo(3);
        assertThat(decode("f7 46 08 00 00 01 00").length).as("testl $0x10000,0x8(%%rsi)").isEqualTo(7);
        assertThat(decode("66 f7 c0 01 00").length).as("testw $1,%%ax").isEqualTo(5);
        assertThat(decode("48 f7 d8").length).as("neg %%rax").isEqualTo(3);
    }

    @Test
    void ripRelativeDisplacementBeforeImmediate() {
        decode("c7 05 f0 0f 00 00 07 00 00 00"); // movl $7,0xff0(%rip)
        assertThat(insn.length).isEqualTo(10);
        assertThat(insn.ripRelative).isTrue();
        assertThat(insn.dispOffset).isEqualTo(2);
        assertThat(insn.dispSize).isEqualTo(4);
        assertThat(insn.immOffset).isEqualTo(6);
        assertThat(insn.immSize).isEqualTo(4);
        assertThat(insn.kind).isEqualTo(InsnKind.MOV_IMM);
        assertThat(insn.dstReg).isEqualTo(Insn.NO_REG);
        decode("80 3d 00 00 00 00 05"); // cmpb $5,0x0(%rip)
        assertThat(insn.immOffset).isEqualTo(6);
        assertThat(insn.immSize).isEqualTo(1);
    }

    @Test
    void sibWithoutBaseHasDisp32() {
        decode("48 8d 0c c5 00 00 00 00"); // lea 0x0(,%rax,8),%rcx
        assertThat(insn.length).isEqualTo(8);
        assertThat(insn.kind).isEqualTo(InsnKind.LEA);
        assertThat(insn.dispOffset).isEqualTo(4);
        assertThat(insn.dispSize).isEqualTo(4);
        assertThat(insn.ripRelative).isFalse();
        assertThat(decode("49 8d 45 00").length).as("lea 0x0(%%r13),%%rax").isEqualTo(4);
        assertThat(decode("49 8d 04 24").length).as("lea (%%r12),%%rax").isEqualTo(4);
    }

    @Test
    void relativeBranchesAndTargets() {
        decode("e8 fb ff ff ff");
        assertThat(insn.kind).isEqualTo(InsnKind.CALL);
        assertThat(insn.relative).isTrue();
        assertThat(insn.immOffset).isEqualTo(1);
        assertThat(insn.immSize).isEqualTo(4);
        assertThat(insn.target()).isEqualTo(0x1000);
        decode("eb fe");
        assertThat(insn.kind).isEqualTo(InsnKind.JUMP);
        assertThat(insn.target()).isEqualTo(0x1000);
        decode("0f 84 10 00 00 00");
        assertThat(insn.kind).isEqualTo(InsnKind.COND_JUMP);
        assertThat(insn.target()).isEqualTo(0x1016);
        decode("2e e8 00 00 00 00"); // cs call (retpoline-safe thunk call)
        assertThat(insn.kind).isEqualTo(InsnKind.CALL);
        assertThat(insn.immOffset).isEqualTo(2);
        decode("e3 fe");
        assertThat(insn.kind).isEqualTo(InsnKind.COND_JUMP);
        decode("ff d0");
        assertThat(insn.kind).isEqualTo(InsnKind.CALL_INDIRECT);
        assertThat(insn.relative).isFalse();
        decode("ff 24 c5 00 00 00 00");
        assertThat(insn.kind).isEqualTo(InsnKind.JUMP_INDIRECT);
    }

    @Test
    void kernelIdioms() {
        assertThat(decode("f3 0f 1e fa").kind).isEqualTo(InsnKind.LANDING_PAD);
        assertThat(insn.length).isEqualTo(4);
        assertThat(decode("0f 1f 44 00 00").kind).isEqualTo(InsnKind.NOP);
        assertThat(insn.length).isEqualTo(5);
        assertThat(decode("66 66 2e 0f 1f 84 00 00 00 00 00").kind).isEqualTo(InsnKind.NOP);
        assertThat(insn.length).isEqualTo(11);
        assertThat(decode("66 90").kind).isEqualTo(InsnKind.NOP);
        assertThat(decode("f3 90").kind).as("pause").isEqualTo(InsnKind.OTHER);
        assertThat(decode("41 90").kind).as("xchg %%eax,%%r8d").isEqualTo(InsnKind.OTHER);
        assertThat(decode("cc").kind).isEqualTo(InsnKind.TRAP);
        assertThat(decode("0f 0b").kind).isEqualTo(InsnKind.BUG);
        assertThat(decode("c3").kind).isEqualTo(InsnKind.RET);
        assertThat(decode("c2 08 00").length).isEqualTo(3);
        assertThat(decode("c8 20 00 01").length).as("enter $0x20,$1").isEqualTo(4);
        assertThat(insn.immSize).isEqualTo(3);
        decode("be a3 01 00 00");
        assertThat(insn.kind).isEqualTo(InsnKind.MOV_IMM);
        assertThat(insn.dstReg).isEqualTo(6);
        assertThat(insn.immValue).isEqualTo(0x1a3);
        decode("41 b8 ff ff ff ff");
        assertThat(insn.dstReg).isEqualTo(8);
        assertThat(insn.immValue).isEqualTo(-1);
    }

    @Test
    void vexEvexAndThreeDNow() {
        assertThat(decode("c5 f8 77").length).as("vzeroupper").isEqualTo(3);
        assertThat(decode("c4 e3 fd 00 ca 4e").length).as("vpermq $0x4e,%%ymm2,%%ymm1").isEqualTo(6);
        assertThat(decode("62 f1 6d 48 fe d9").length).as("vpaddd %%zmm1,%%zmm2,%%zmm3").isEqualTo(6);
        assertThat(decode("62 f1 6d c9 fe 58 01").length).as("vpaddd 0x40(%%rax),%%zmm2,%%zmm3{%%k1}{z}")
                .isEqualTo(7);
        assertThat(insn.dispSize).as("compressed disp8").isEqualTo(1);
        assertThat(decode("0f 0f ca 9e").length).as("pfadd %%mm2,%%mm1").isEqualTo(4);
        assertThat(decode("0f 0f ca 48").kind).as("undefined 3DNow! suffix").isEqualTo(InsnKind.INVALID);
    }

    @Test
    void invalidAndTruncatedBytesAdvanceByOne() {
        assertThat(decode("06").kind).isEqualTo(InsnKind.INVALID);
        assertThat(insn.length).isEqualTo(1);
        assertThat(decode("e8 00 00").kind).as("truncated call").isEqualTo(InsnKind.INVALID);
        assertThat(decode("66 66 66 66 66 66 66 66 66 66 66 66 66 66 90").length).isEqualTo(15);
        assertThat(decode("66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90").kind)
                .as("16 bytes is over the limit").isEqualTo(InsnKind.INVALID);
    }

    @Test
    void assembledStressFileAgreesWithObjdump(@TempDir Path dir) throws IOException, InterruptedException {
        Path source = dir.resolve("tricky.s");
        try (InputStream in = getClass().getResourceAsStream("tricky.s")) {
            Files.copy(in, source);
        }
        Path object = dir.resolve("tricky.o");
        Process as = new ProcessBuilder("as", "-o", object.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(as.getInputStream().readAllBytes());
        assertThat(as.waitFor()).as(log).isZero();
        ObjdumpComparison cmp = new ObjdumpComparison();
        cmp.compare(object);
        System.out.println("x86 decoder vs objdump, tricky.s: " + cmp.summary());
        assertThat(cmp.examples).as(cmp.summary()).isEmpty();
        assertThat(cmp.instructions).isGreaterThan(200);
        assertThat(cmp.vex).isGreaterThan(10);
        assertThat(cmp.evex).isGreaterThan(5);
        assertThat(cmp.badLines).isZero();
    }
}
