package dev.kelp.arch.x86;

import dev.kelp.elf.Elf;
import dev.kelp.util.KelpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.SingleXZInputStream;

/**
 * kelp's one reader of an x86 boot image ({@code /boot/vmlinuz-*}, Documentation/x86/boot.rst):
 * the setup header, marked "HdrS" at 0x202, gives the protocol version (0x206), the offset, less
 * 0x200, of the kernel version string (0x20E), and, from protocol 2.08, where the compressed
 * kernel lies inside the protected-mode part: payload_offset (0x248) and payload_length (0x24C).
 * The protected-mode part starts after setup_sects (0x1F1; 0 means 4) sectors of 512 bytes plus
 * the boot sector. The payload is the compressed vmlinux.bin (vmlinux stripped of symbols,
 * section headers kept) followed by its relocation table; kbuild appends the uncompressed size.
 *
 * <p>Booting wants "is there a vmlinux" ({@link #payload}); reading kallsyms wants the reason
 * when there is none ({@link #kernelElf}). Both go through the same checks.
 */
final class BzImage {
    private static final int MAGIC = 0x53726448; // "HdrS"
    /** The payload fields end at 0x250; a real image is far larger, anything this small is not one. */
    private static final int MIN_PAYLOAD_IMAGE = 0x261;

    /** Compression formats by their stream magic; only gzip and xz are read. */
    private record Format(String name, byte[] magic, boolean supported) {}

    private static final List<Format> FORMATS = List.of(
            new Format("gzip", new byte[] {0x1f, (byte) 0x8b}, true),
            new Format("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, true),
            new Format("zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, false),
            new Format("lz4", new byte[] {0x02, 0x21, 0x4c, 0x18}, false),
            new Format("lzo", new byte[] {(byte) 0x89, 'L', 'Z', 'O'}, false),
            new Format("bzip2", new byte[] {'B', 'Z', 'h'}, false),
            new Format("lzma", new byte[] {0x5d, 0, 0}, false));

    private BzImage() {}

    /** True if IMAGE starts with an x86 boot sector and setup header ("HdrS"). */
    static boolean is(byte[] image) {
        return header(image).isPresent();
    }

    /** The kernel release: the version string up to its first space. HEAD is the image's start. */
    static Optional<String> release(byte[] head) {
        ByteBuffer b = header(head).orElse(null);
        if (b == null) {
            return Optional.empty();
        }
        int at = Short.toUnsignedInt(b.getShort(0x20E)) + 0x200;
        int end = at;
        while (end < head.length && head[end] != 0 && head[end] != ' ') {
            end++;
        }
        if (at >= head.length || end == at) {
            return Optional.empty();
        }
        return Optional.of(new String(head, at, end - at, StandardCharsets.US_ASCII));
    }

    /**
     * The vmlinux ELF inside IMAGE when it has one kelp reads (xz or gzip, decompressing cleanly),
     * else empty: the boot code then boots the image as it is, and its own decompressor speaks.
     */
    static Optional<byte[]> payload(byte[] image) {
        try {
            return Optional.of(kernelElf("image", image));
        } catch (KelpException noneKelpReads) {
            return Optional.empty();
        }
    }

    /**
     * The vmlinux ELF inside IMAGE, the content of FILE (stripped, followed by its relocation
     * table), or an error naming FILE, what is wrong and what to pass instead.
     */
    static byte[] kernelElf(String file, byte[] image) {
        ByteBuffer header = header(image).filter(h -> image.length >= MIN_PAYLOAD_IMAGE).orElseThrow(
                () -> new KelpException(file + ": not an x86 bzImage (no 'HdrS' boot header at 0x202)"));
        int version = Short.toUnsignedInt(header.getShort(0x206));
        if (version < 0x208) {
            throw new KelpException(file + ": boot protocol " + (version >> 8) + "." + (version & 0xff)
                    + " has no payload_offset (needs 2.08 or later); pass --vmlinux or --kallsyms instead");
        }
        int setupSects = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        long start = (setupSects + 1L) * 512 + Integer.toUnsignedLong(header.getInt(0x248));
        long length = Integer.toUnsignedLong(header.getInt(0x24C));
        if (start + length > image.length || length < 8) {
            throw new KelpException(file + ": payload_offset/payload_length point outside the file");
        }
        int s = (int) start;
        int n = (int) length;
        Format format = FORMATS.stream().filter(f -> startsWith(image, s, f.magic())).findFirst()
                .orElseThrow(() -> new KelpException(file + ": unknown compression of the kernel payload (magic "
                        + String.format("%02x %02x %02x %02x", image[s], image[s + 1], image[s + 2], image[s + 3])
                        + "); pass --vmlinux or --kallsyms instead"));
        if (!format.supported()) {
            throw new KelpException(file + ": the kernel payload is " + format.name()
                    + "-compressed; kelp reads gzip and xz kernels. Decompress it with scripts/extract-vmlinux"
                    + " and pass --vmlinux, or pass --kallsyms");
        }
        byte[] out = inflate(file, format, image, s, n);
        if (!Elf.hasMagic(out)) {
            throw new KelpException(file + ": the decompressed payload is not an ELF vmlinux");
        }
        return out;
    }

    private static byte[] inflate(String file, Format format, byte[] image, int start, int length) {
        // The last 4 bytes of the payload hold the uncompressed size (kbuild's size_append).
        int expected = ByteBuffer.wrap(image, start + length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteArrayOutputStream out = new ByteArrayOutputStream(expected > 0 ? expected : 1 << 26);
        try (InputStream in = open(format, new ByteArrayInputStream(image, start, length))) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new KelpException(file + ": cannot decompress the " + format.name() + " kernel payload: "
                    + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static InputStream open(Format format, InputStream raw) throws IOException {
        return switch (format.name()) {
            case "gzip" -> new GZIPInputStream(raw, 1 << 16);
            // One stream only: the size word kbuild appends after it is not another xz stream.
            case "xz" -> new SingleXZInputStream(raw);
            default -> throw new IllegalStateException(format.name());
        };
    }

    private static Optional<ByteBuffer> header(byte[] image) {
        if (image.length < 0x210) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(0x202) == MAGIC ? Optional.of(b) : Optional.empty();
    }

    private static boolean startsWith(byte[] data, int at, byte[] magic) {
        if (data.length - at < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data[at + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
