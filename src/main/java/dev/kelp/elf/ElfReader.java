package dev.kelp.elf;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Parses an ELF64 image into an {@link ElfFile}. Every field that is used as an offset, size,
 * count or index is checked against the image before use, so malformed input ends in an
 * {@link ElfFormatException} and never in a runtime exception or a huge allocation: every
 * object created corresponds to bytes that exist in the image.
 */
final class ElfReader {
    private final String file;
    private final ByteBuffer buf;
    private final int length;

    // Section headers, by index (0 = null section).
    private int shnum;
    private long shoff;
    private int[] shName;
    private int[] shType;
    private long[] shOffset;
    private long[] shSize;
    private int[] shLink;
    private int[] shInfo;
    private Section[] table;
    private final Map<Section, byte[]> stringTables = new IdentityHashMap<>();

    ElfReader(String file, ByteBuffer image) {
        this.file = file;
        this.buf = image.slice();
        this.length = buf.capacity();
    }

    static ElfFile read(Path path) {
        String name = path.toString();
        ByteBuffer image;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long n = ch.size();
            if (n > Integer.MAX_VALUE) {
                throw new ElfFormatException(name, "file is larger than 2 GiB, which kelp cannot map", 0);
            }
            image = n == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, n);
        } catch (NoSuchFileException e) {
            throw new KelpException(name + ": no such file");
        } catch (IOException e) {
            throw new KelpException(name + ": cannot read: " + e.getMessage(), e);
        }
        return new ElfReader(name, CompressedInput.decompressIfNeeded(name, image)).read();
    }

    ElfFile read() {
        readIdent();
        ElfFile elf = new ElfFile(file, buf.order(), u16(Elf.E_TYPE), u16(Elf.E_MACHINE));
        elf.setVersion((int) u32(Elf.E_VERSION));
        elf.setOsabi(buf.get(Elf.EI_OSABI) & 0xff);
        elf.setAbiVersion(buf.get(Elf.EI_ABIVERSION) & 0xff);
        elf.setEntry(buf.getLong(Elf.E_ENTRY));
        elf.setFlags(buf.getInt(Elf.E_FLAGS));
        elf.setProgramHeaderCount(u16(Elf.E_PHNUM));
        elf.setProgramHeaderTypes(programHeaderTypes());
        readSectionHeaders();
        if (shnum == 0) {
            elf.setIndexTable(new Section[1]);
            return elf;
        }
        int shstrndx = sectionNameTableIndex();
        createSections(elf, shstrndx);
        resolveLinks();
        for (int i = 1; i < shnum; i++) {
            if (table[i] instanceof SymbolTable t) {
                readSymbols(t, i);
            }
        }
        for (int i = 1; i < shnum; i++) {
            if (table[i] instanceof GroupSection g) {
                readGroup(g, i);
            } else if (table[i] instanceof RelocationSection r) {
                prepareRelocations(r, i);
            }
        }
        elf.setIndexTable(table);
        return elf;
    }

    private void readIdent() {
        if (length < 4 || buf.get(0) != 0x7f || buf.get(1) != 'E' || buf.get(2) != 'L' || buf.get(3) != 'F') {
            throw fail("not an ELF file (bad magic)", 0);
        }
        if (length < Elf.EHDR_SIZE) {
            throw fail("truncated ELF header: file is " + length + " bytes, the header needs 64", length);
        }
        int cls = buf.get(Elf.EI_CLASS);
        if (cls == Elf.ELFCLASS32) {
            throw fail("32-bit ELF (ELFCLASS32) is not supported: kelp reads ELF64 only", 4);
        }
        if (cls != Elf.ELFCLASS64) {
            throw fail("bad ELF class " + cls, 4);
        }
        int data = buf.get(Elf.EI_DATA);
        if (data == Elf.ELFDATA2LSB) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else if (data == Elf.ELFDATA2MSB) {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw fail("bad ELF data encoding " + data, 5);
        }
    }

    /** p_type of each program header (executables; a relocatable object has none). */
    private int[] programHeaderTypes() {
        long phoff = buf.getLong(Elf.E_PHOFF);
        int phentsize = u16(Elf.E_PHENTSIZE);
        int phnum = u16(Elf.E_PHNUM);
        if (phnum == 0) {
            return new int[0];
        }
        if (phentsize < 4 || phoff < 0 || phoff + (long) phnum * phentsize > length) {
            throw fail("program header table out of bounds (" + phnum + " entries of " + phentsize + " bytes at "
                    + phoff + ")", Elf.E_PHOFF);
        }
        int[] types = new int[phnum];
        for (int i = 0; i < phnum; i++) {
            types[i] = buf.getInt((int) (phoff + (long) i * phentsize) + Elf.P_TYPE);
        }
        return types;
    }

    private void readSectionHeaders() {
        shoff = buf.getLong(Elf.E_SHOFF);
        int eShnum = u16(Elf.E_SHNUM);
        if (shoff == 0) {
            if (eShnum != 0) {
                throw fail("e_shnum is " + eShnum + " but there is no section header table (e_shoff 0)", 60);
            }
            return;
        }
        if (u16(Elf.E_SHENTSIZE) != Elf.SHDR_SIZE) {
            throw fail("section header size e_shentsize is " + u16(Elf.E_SHENTSIZE) + ", expected 64", Elf.E_SHENTSIZE);
        }
        if (shoff < 0 || shoff > length - Elf.SHDR_SIZE) {
            throw fail("section header table offset e_shoff 0x" + Long.toHexString(shoff)
                    + " is beyond the end of the file (" + length + " bytes)", 40);
        }
        long count = eShnum;
        long countAt = 60;
        if (eShnum == 0) {
            // Extended numbering: the real count is section 0's sh_size.
            count = buf.getLong((int) shoff + Elf.SH_SIZE);
            countAt = shoff + 32;
        }
        long fits = (length - shoff) / Elf.SHDR_SIZE;
        if (count < 0 || count > fits) {
            throw fail("section count " + Long.toUnsignedString(count) + " does not fit in the file (room for "
                    + fits + " section headers at offset 0x" + Long.toHexString(shoff) + ")", countAt);
        }
        shnum = (int) count;
        shName = new int[shnum];
        shType = new int[shnum];
        shOffset = new long[shnum];
        shSize = new long[shnum];
        shLink = new int[shnum];
        shInfo = new int[shnum];
        for (int i = 0; i < shnum; i++) {
            int h = (int) shoff + i * Elf.SHDR_SIZE;
            shName[i] = buf.getInt(h + Elf.SH_NAME);
            shType[i] = buf.getInt(h + Elf.SH_TYPE);
            shOffset[i] = buf.getLong(h + Elf.SH_OFFSET);
            shSize[i] = buf.getLong(h + Elf.SH_SIZE);
            shLink[i] = buf.getInt(h + Elf.SH_LINK);
            shInfo[i] = buf.getInt(h + Elf.SH_INFO);
        }
    }

    private int sectionNameTableIndex() {
        int idx = u16(Elf.E_SHSTRNDX);
        long at = 62;
        if (idx == Elf.SHN_XINDEX) {
            idx = shLink[0];
            at = shoff + 40;
        }
        if (idx < 0 || idx >= shnum) {
            throw fail("section name table index (e_shstrndx) " + Integer.toUnsignedString(idx)
                    + " is out of range (" + shnum + " sections)", at);
        }
        if (idx != 0) {
            checkContents(idx);
        }
        return idx;
    }

    private void createSections(ElfFile elf, int shstrndx) {
        table = new Section[shnum];
        byte[] names = shstrndx == 0 ? new byte[0] : stringTable(shstrndx);
        for (int i = 1; i < shnum; i++) {
            int h = header(i);
            String name;
            if (shName[i] == 0 && names.length == 0) {
                name = "";
            } else if (Integer.toUnsignedLong(shName[i]) >= names.length) {
                throw fail("section " + i + ": name offset " + Integer.toUnsignedString(shName[i])
                        + " is beyond the section name table (" + names.length + " bytes)", h);
            } else {
                name = string(names, shName[i]);
            }
            checkContents(i);
            Section s = newSection(name, shType[i]);
            if (s == null) {
                continue;
            }
            s.index = i;
            s.setFlags(buf.getLong(h + Elf.SH_FLAGS));
            s.setAddr(buf.getLong(h + Elf.SH_ADDR));
            s.setAddralign(buf.getLong(h + Elf.SH_ADDRALIGN));
            s.setEntsize(buf.getLong(h + Elf.SH_ENTSIZE));
            s.setInfo(shInfo[i]);
            s.fileOffset = shOffset[i];
            if (s.isNobits()) {
                s.setNobitsSizeRaw(shSize[i]);
            } else {
                s.setSource(buf.slice((int) shOffset[i], (int) shSize[i]).order(buf.order()));
            }
            table[i] = s;
            elf.addRead(s);
            if (i == shstrndx) {
                elf.setShstrtab(s);
            }
        }
    }

    /** The model object for a section type; null for SHT_SYMTAB_SHNDX, which is not modelled. */
    private static Section newSection(String name, int type) {
        switch (type) {
            case Elf.SHT_SYMTAB:
            case Elf.SHT_DYNSYM:
                return new SymbolTable(name, type);
            case Elf.SHT_REL:
            case Elf.SHT_RELA:
                return new RelocationSection(name, type);
            case Elf.SHT_GROUP:
                return new GroupSection(name);
            case Elf.SHT_SYMTAB_SHNDX:
                return null;
            default:
                return new Section(name, type);
        }
    }

    private void resolveLinks() {
        for (int i = 1; i < shnum; i++) {
            Section s = table[i];
            if (s == null) {
                continue;
            }
            int link = shLink[i];
            if (link != 0) {
                if (link < 0 || link >= shnum) {
                    throw fail("section " + i + " (" + s.name() + "): sh_link " + Integer.toUnsignedString(link)
                            + " is not a section index (" + shnum + " sections)", header(i) + 40);
                }
                s.setLink(table[link]);
            }
            int info = shInfo[i];
            boolean infoIsSection = s instanceof RelocationSection
                    || (s.hasFlag(Elf.SHF_INFO_LINK) && !(s instanceof SymbolTable) && !(s instanceof GroupSection));
            if (infoIsSection && info != 0) {
                if (info < 0 || info >= shnum) {
                    throw fail("section " + i + " (" + s.name() + "): sh_info " + Integer.toUnsignedString(info)
                            + " is not a section index (" + shnum + " sections)", header(i) + 44);
                }
                if (s instanceof RelocationSection r) {
                    r.setTargetRaw(table[info]);
                } else {
                    s.setInfoSection(table[info]);
                }
            }
        }
    }

    private void readSymbols(SymbolTable t, int i) {
        int h = header(i);
        if (shSize[i] % Elf.SYM_SIZE != 0 || (shSize[i] != 0 && t.entsize() != Elf.SYM_SIZE)) {
            throw fail("symbol table " + t.name() + ": size " + shSize[i] + " / entry size " + t.entsize()
                    + " do not describe 24-byte ELF64 symbols", h + 32);
        }
        int n = (int) (shSize[i] / Elf.SYM_SIZE);
        Symbol[] byIndex = new Symbol[Math.max(n, 1)];
        t.asRead = byIndex;
        if (n <= 1) {
            return;
        }
        int link = shLink[i];
        if (link == 0 || shType[link] != Elf.SHT_STRTAB) {
            throw fail("symbol table " + t.name() + ": sh_link " + link + " is not a string table", h + 40);
        }
        byte[] names = stringTable(link);
        int xtab = extendedIndexTable(i, n);
        int base = (int) shOffset[i];
        java.util.List<Symbol> list = t.symbols();
        ((java.util.ArrayList<Symbol>) list).ensureCapacity(n - 1);
        for (int k = 1; k < n; k++) {
            int off = base + k * Elf.SYM_SIZE;
            int nameOff = buf.getInt(off + Elf.ST_NAME);
            if (Integer.toUnsignedLong(nameOff) >= names.length && !(nameOff == 0 && names.length == 0)) {
                throw fail("symbol " + k + " in " + t.name() + ": name offset " + Integer.toUnsignedString(nameOff)
                        + " is beyond the string table (" + names.length + " bytes)", off);
            }
            int shndx = buf.getShort(off + Elf.ST_SHNDX) & 0xffff;
            Section sec = null;
            int special = Elf.SHN_UNDEF;
            if (shndx == Elf.SHN_XINDEX) {
                if (xtab < 0) {
                    throw fail("symbol " + k + " in " + t.name() + ": section index SHN_XINDEX but no"
                            + " SHT_SYMTAB_SHNDX section", off + 6);
                }
                int real = buf.getInt(xtab + 4 * k);
                if (real != 0) {
                    sec = sectionForSymbol(t, k, real, xtab + 4 * k);
                }
            } else if (shndx != Elf.SHN_UNDEF && shndx < Elf.SHN_LORESERVE) {
                sec = sectionForSymbol(t, k, shndx, off + 6);
            } else {
                special = shndx;
            }
            Symbol s = new Symbol(names.length == 0 ? "" : string(names, nameOff), buf.getLong(off + Elf.ST_VALUE),
                    buf.getLong(off + Elf.ST_SIZE), buf.get(off + Elf.ST_INFO) & 0xff, buf.get(off + Elf.ST_OTHER) & 0xff, sec, special);
            s.index = k;
            byIndex[k] = s;
            list.add(s);
        }
    }

    private Section sectionForSymbol(SymbolTable t, int k, int index, long at) {
        if (index < 0 || index >= shnum || table[index] == null) {
            throw fail("symbol " + k + " in " + t.name() + ": section index " + Integer.toUnsignedString(index)
                    + " does not name a section (" + shnum + " sections)", at);
        }
        return table[index];
    }

    /** File offset of the SHT_SYMTAB_SHNDX contents for symbol table i, or -1. */
    private int extendedIndexTable(int symtab, int nsyms) {
        for (int j = 1; j < shnum; j++) {
            if (shType[j] == Elf.SHT_SYMTAB_SHNDX && shLink[j] == symtab) {
                if (shSize[j] < 4L * nsyms) {
                    throw fail("extended section index table (section " + j + ") has " + shSize[j] / 4
                            + " entries for " + nsyms + " symbols", header(j) + 32);
                }
                return (int) shOffset[j];
            }
        }
        return -1;
    }

    private void readGroup(GroupSection g, int i) {
        int h = header(i);
        if (shSize[i] < 4 || shSize[i] % 4 != 0) {
            throw fail("group section " + g.name() + ": size " + shSize[i] + " is not a positive multiple of 4",
                    h + 32);
        }
        int base = (int) shOffset[i];
        int n = (int) (shSize[i] / 4);
        g.setGroupFlags(buf.getInt(base));
        for (int k = 1; k < n; k++) {
            int m = buf.getInt(base + 4 * k);
            if (m <= 0 || m >= shnum || table[m] == null) {
                throw fail("group section " + g.name() + ": member " + Integer.toUnsignedString(m)
                        + " is not a section index (" + shnum + " sections)", base + 4L * k);
            }
            g.members().add(table[m]);
        }
        int sig = shInfo[i];
        if (sig != 0) {
            if (!(g.link() instanceof SymbolTable t) || sig < 0 || sig >= t.asRead.length) {
                throw fail("group section " + g.name() + ": signature symbol " + Integer.toUnsignedString(sig)
                        + " is not in its symbol table", h + 44);
            }
            g.setSignature(t.asRead[sig]);
        }
    }

    private void prepareRelocations(RelocationSection r, int i) {
        int h = header(i);
        long es = r.isRela() ? Elf.RELA_SIZE : Elf.REL_SIZE;
        if (shSize[i] % es != 0 || (shSize[i] != 0 && r.entsize() != es)) {
            throw fail("relocation section " + r.name() + ": size " + shSize[i] + " / entry size " + r.entsize()
                    + " do not describe " + es + "-byte entries", h + 32);
        }
        Symbol[] syms = r.link() instanceof SymbolTable t ? t.asRead : null;
        r.deferParse(file, shOffset[i], syms, buf.order());
    }

    /** Checks that section i's contents lie inside the file (NOBITS have none). */
    private void checkContents(int i) {
        if (shType[i] == Elf.SHT_NOBITS) {
            return;
        }
        long off = shOffset[i];
        long size = shSize[i];
        if (off < 0 || size < 0 || off > length || size > length - off) {
            throw fail("section " + i + ": contents (offset 0x" + Long.toHexString(off) + ", size "
                    + Long.toUnsignedString(size) + ") extend beyond the end of the file (" + length + " bytes)",
                    header(i) + 24);
        }
    }

    /** A string table's bytes on the heap, loaded once: names are scanned from there. */
    private byte[] stringTable(int i) {
        Section s = table == null ? null : table[i];
        if (s != null) {
            byte[] cached = stringTables.get(s);
            if (cached != null) {
                return cached;
            }
        }
        checkContents(i);
        byte[] b = new byte[shType[i] == Elf.SHT_NOBITS ? 0 : (int) shSize[i]];
        buf.get((int) shOffset[i], b);
        if (s != null) {
            stringTables.put(s, b);
        }
        return b;
    }

    /** Latin-1 keeps every byte value, so names round-trip exactly. */
    private static String string(byte[] t, int off) {
        int end = off;
        while (end < t.length && t[end] != 0) {
            end++;
        }
        return new String(t, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private int header(int i) {
        return (int) shoff + i * Elf.SHDR_SIZE;
    }

    private int u16(int at) {
        return buf.getShort(at) & 0xffff;
    }

    private long u32(int at) {
        return buf.getInt(at) & 0xffffffffL;
    }

    private ElfFormatException fail(String what, long offset) {
        return new ElfFormatException(file, what, offset);
    }
}
