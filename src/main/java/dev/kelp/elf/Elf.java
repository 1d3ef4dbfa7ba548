package dev.kelp.elf;

/**
 * ELF64 constants as named in {@code <elf.h>} and the kernel's {@code include/uapi/linux/elf.h}.
 * Only the values kelp reads, writes or shows; other values pass through as plain numbers.
 */
public final class Elf {
    private Elf() {
    }

    /** True if DATA starts with the ELF magic (ELFMAG, "\177ELF"), whatever its class and machine. */
    public static boolean hasMagic(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    // e_ident
    public static final int EI_NIDENT = 16;
    public static final int ELFCLASS32 = 1;
    public static final int ELFCLASS64 = 2;
    public static final int ELFDATA2LSB = 1;
    public static final int ELFDATA2MSB = 2;
    public static final int EV_CURRENT = 1;
    public static final int ELFOSABI_NONE = 0;
    public static final int ELFOSABI_GNU = 3;

    // e_type
    public static final int ET_NONE = 0;
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;

    // p_type
    public static final int PT_LOAD = 1;
    public static final int PT_INTERP = 3;

    // e_machine
    public static final int EM_NONE = 0;
    public static final int EM_386 = 3;
    public static final int EM_PPC = 20;
    public static final int EM_PPC64 = 21;
    public static final int EM_S390 = 22;
    public static final int EM_ARM = 40;
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_RISCV = 243;
    public static final int EM_LOONGARCH = 258;

    // e_ident bytes
    public static final int EI_CLASS = 4;
    public static final int EI_DATA = 5;
    public static final int EI_VERSION = 6;
    public static final int EI_OSABI = 7;
    public static final int EI_ABIVERSION = 8;

    // Elf64_Ehdr field offsets (<elf.h>), for every reader and writer of ELF headers
    public static final int E_TYPE = 16;
    public static final int E_MACHINE = 18;
    public static final int E_VERSION = 20;
    public static final int E_ENTRY = 24;
    public static final int E_PHOFF = 32;
    public static final int E_SHOFF = 40;
    public static final int E_FLAGS = 48;
    public static final int E_EHSIZE = 52;
    public static final int E_PHENTSIZE = 54;
    public static final int E_PHNUM = 56;
    public static final int E_SHENTSIZE = 58;
    public static final int E_SHNUM = 60;
    public static final int E_SHSTRNDX = 62;

    // Elf64_Shdr field offsets
    public static final int SH_NAME = 0;
    public static final int SH_TYPE = 4;
    public static final int SH_FLAGS = 8;
    public static final int SH_ADDR = 16;
    public static final int SH_OFFSET = 24;
    public static final int SH_SIZE = 32;
    public static final int SH_LINK = 40;
    public static final int SH_INFO = 44;
    public static final int SH_ADDRALIGN = 48;
    public static final int SH_ENTSIZE = 56;

    // Elf64_Sym field offsets
    public static final int ST_NAME = 0;
    public static final int ST_INFO = 4;
    public static final int ST_OTHER = 5;
    public static final int ST_SHNDX = 6;
    public static final int ST_VALUE = 8;
    public static final int ST_SIZE = 16;

    // Elf64_Rela field offsets (Elf64_Rel: the first two)
    public static final int R_OFFSET = 0;
    public static final int R_INFO = 8;
    public static final int R_ADDEND = 16;

    // Elf64_Phdr field offsets
    public static final int P_TYPE = 0;
    public static final int P_OFFSET = 8;
    public static final int P_FILESZ = 32;
    public static final int PHDR_SIZE = 56;

    // Elf64_Nhdr field offsets; name and descriptor follow, each padded to 4 bytes
    public static final int N_NAMESZ = 0;
    public static final int N_DESCSZ = 4;
    public static final int N_TYPE = 8;
    public static final int NHDR_SIZE = 12;

    // sizes of the ELF64 structures
    public static final int EHDR_SIZE = 64;
    public static final int SHDR_SIZE = 64;
    public static final int SYM_SIZE = 24;
    public static final int RELA_SIZE = 24;
    public static final int REL_SIZE = 16;

    // special section indices
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_LOPROC = 0xff00;
    public static final int SHN_HIPROC = 0xff1f;
    public static final int SHN_LOOS = 0xff20;
    /** Kernel livepatch symbols: resolved by the livepatch core, not the module loader. */
    public static final int SHN_LIVEPATCH = 0xff20;
    public static final int SHN_HIOS = 0xff3f;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;
    public static final int SHN_HIRESERVE = 0xffff;

    // sh_type
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_HASH = 5;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_SHLIB = 10;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_INIT_ARRAY = 14;
    public static final int SHT_FINI_ARRAY = 15;
    public static final int SHT_PREINIT_ARRAY = 16;
    public static final int SHT_GROUP = 17;
    public static final int SHT_SYMTAB_SHNDX = 18;
    public static final int SHT_GNU_ATTRIBUTES = 0x6ffffff5;
    public static final int SHT_GNU_HASH = 0x6ffffff6;
    public static final int SHT_GNU_VERDEF = 0x6ffffffd;
    public static final int SHT_GNU_VERNEED = 0x6ffffffe;
    public static final int SHT_GNU_VERSYM = 0x6fffffff;
    public static final int SHT_LLVM_ADDRSIG = 0x6fff4c03;
    public static final int SHT_X86_64_UNWIND = 0x70000001;

    // sh_flags
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_MERGE = 0x10;
    public static final long SHF_STRINGS = 0x20;
    public static final long SHF_INFO_LINK = 0x40;
    public static final long SHF_LINK_ORDER = 0x80;
    public static final long SHF_OS_NONCONFORMING = 0x100;
    public static final long SHF_GROUP = 0x200;
    public static final long SHF_TLS = 0x400;
    public static final long SHF_COMPRESSED = 0x800;
    /** Kernel livepatch relocation section: applied by the livepatch core, not the module loader. */
    public static final long SHF_RELA_LIVEPATCH = 0x00100000;
    public static final long SHF_GNU_RETAIN = 0x00200000;
    public static final long SHF_EXCLUDE = 0x80000000L;

    // section group flags
    public static final int GRP_COMDAT = 0x1;

    // symbol binding (st_info >> 4)
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STB_GNU_UNIQUE = 10;

    // symbol type (st_info & 0xf)
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_COMMON = 5;
    public static final int STT_TLS = 6;
    public static final int STT_GNU_IFUNC = 10;

    // symbol visibility (st_other & 0x3)
    public static final int STV_DEFAULT = 0;
    public static final int STV_INTERNAL = 1;
    public static final int STV_HIDDEN = 2;
    public static final int STV_PROTECTED = 3;

    /** Prefix of livepatch relocation section names: {@code .klp.rela.OBJNAME.SECTION}. */
    public static final String KLP_RELA_PREFIX = ".klp.rela.";
    /** Prefix of livepatch symbol names: {@code .klp.sym.OBJNAME.SYMBOL,SYMPOS}. */
    public static final String KLP_SYM_PREFIX = ".klp.sym.";
}
