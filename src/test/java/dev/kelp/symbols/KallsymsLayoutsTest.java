package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import dev.kelp.util.KelpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table locator on layouts other than the Debian 6.1 one: tables written by this test in the
 * 6.1–6.3 order and in the later order (offsets and relative_base after the token index), with
 * and without absolute per-cpu addresses, and with a name long enough for a 2-byte length.
 * The symbols are the first ones of the real kernel's list plus one 300-character name.
 */
class KallsymsLayoutsTest {
    static final long RODATA = 0xffffffff82000000L;
    static List<RawSym> symbols;

    @BeforeAll
    static void load() {
        List<KSym> real = KernelSymbols.load(new SymbolSource.Vmlinuz(CapturedKernel.target().vmlinuz()))
                .symbols(KernelSymbols.VMLINUX);
        symbols = new ArrayList<>();
        // Per-cpu symbols (absolute, from 0) and the start of .text.
        for (KSym s : real.subList(0, 3000)) {
            symbols.add(new RawSym(s.address(), s.type(), s.name()));
        }
        long last = symbols.get(symbols.size() - 1).address();
        symbols.add(new RawSym(last + 16, 't', "x".repeat(300)));
    }

    record Tables(ByteArrayOutputStream out) {
        void pad(int align) {
            while (out.size() % align != 0) {
                out.write(0);
            }
        }

        void u32(long v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }

        void u64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
    }

    /** Writes .rodata holding kallsyms tables; names use one token per byte (no compression). */
    static byte[] rodata(List<RawSym> syms, boolean laterLayout, boolean absolutePercpu) {
        Tables t = new Tables(new ByteArrayOutputStream());
        t.out().writeBytes("some other read-only data before the tables\0".getBytes(StandardCharsets.US_ASCII));
        t.pad(8);
        long base = syms.stream().filter(s -> !absolutePercpu || s.type() != 'A').findFirst().orElseThrow().address();
        Runnable offsets = () -> {
            t.pad(8);
            for (RawSym s : syms) {
                if (!absolutePercpu) {
                    t.u32(s.address() - base);
                } else if (s.type() == 'A') {
                    t.u32(s.address());
                } else {
                    t.u32(base - s.address() - 1);
                }
            }
            t.pad(8);
            t.u64(base);
        };
        if (!laterLayout) {
            offsets.run();
        }
        t.pad(8);
        t.u32(syms.size());
        t.pad(8);
        boolean[] used = new boolean[256];
        List<Integer> markers = new ArrayList<>();
        int namesStart = t.out().size();
        for (int i = 0; i < syms.size(); i++) {
            if (i % 256 == 0) {
                markers.add(t.out().size() - namesStart);
            }
            byte[] name = (syms.get(i).type() + syms.get(i).name()).getBytes(StandardCharsets.ISO_8859_1);
            if (name.length < 0x80) {
                t.out().write(name.length);
            } else {
                t.out().write((name.length & 0x7f) | 0x80);
                t.out().write(name.length >> 7);
            }
            t.out().writeBytes(name);
            for (byte b : name) {
                used[b & 0xff] = true;
            }
        }
        t.pad(8);
        markers.forEach(t::u32);
        t.pad(8);
        if (!laterLayout) {
            t.out().writeBytes(new byte[3 * syms.size()]); // kallsyms_seqs_of_names (not read)
            t.pad(8);
        }
        int tableStart = t.out().size();
        List<Integer> index = new ArrayList<>();
        for (int c = 0; c < 256; c++) {
            index.add(t.out().size() - tableStart);
            t.out().writeBytes(used[c] ? new byte[] {(byte) c} : new byte[] {'_', (byte) ('a' + c % 26)});
            t.out().write(0);
        }
        t.pad(8);
        for (int i : index) {
            t.out().writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) i).array());
        }
        if (laterLayout) {
            offsets.run();
            t.out().writeBytes(new byte[3 * syms.size()]);
        }
        t.out().writeBytes("and some after them".getBytes(StandardCharsets.US_ASCII));
        return t.out().toByteArray();
    }

    static List<RawSym> decode(byte[] rodata) {
        ElfFile elf = ElfFile.create(ByteOrder.LITTLE_ENDIAN, Elf.EM_X86_64);
        elf.addSection(new Section(".rodata", Elf.SHT_PROGBITS)).setData(rodata).setFlags(Elf.SHF_ALLOC)
                .setAddr(RODATA);
        return KallsymsTables.read("test image", elf).symbols();
    }

    @Test
    void linux61LayoutWithAbsolutePercpu() {
        assertThat(decode(rodata(symbols, false, true))).isEqualTo(symbols);
    }

    @Test
    void laterLayoutWithAbsolutePercpu() {
        assertThat(decode(rodata(symbols, true, true))).isEqualTo(symbols);
    }

    @Test
    void plainBaseRelativeInBothLayouts() {
        List<RawSym> text = symbols.stream().filter(s -> s.type() != 'A').toList();
        assertThat(decode(rodata(text, false, false))).isEqualTo(text);
        assertThat(decode(rodata(text, true, false))).isEqualTo(text);
    }

    @Test
    void missingTablesAreReported() {
        byte[] broken = rodata(symbols, false, true);
        // Damage the token index so that nothing decodes.
        int at = broken.length - "and some after them".length() - 200;
        for (int i = 0; i < 64; i++) {
            broken[at + i] = (byte) 0xff;
        }
        assertThatThrownBy(() -> decode(broken)).isInstanceOf(KelpException.class)
                .hasMessageContaining("test image: no kallsyms tables found").hasMessageContaining("--kallsyms");
    }
}
