package dev.kelp.symbols;

import dev.kelp.util.KelpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.SingleXZInputStream;

/**
 * An x86 bzImage ({@code /boot/vmlinuz-*}): finds the compressed kernel through the boot
 * protocol's setup header and inflates it back into the ELF vmlinux it was made from.
 *
 * <p>Boot protocol (Documentation/x86/boot.rst): the header starts at 0x1f1; "HdrS" at 0x202,
 * the version at 0x206; setup_sects (0x1f1) gives the real-mode part's size in 512-byte
 * sectors (0 means 4), the protected-mode part follows; payload_offset (0x248) and
 * payload_length (0x24c), protocol 2.08 and later, locate the compressed vmlinux inside the
 * protected-mode part.
 */
final class BzImage {
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

    private final Path file;
    private final byte[] data;
    private final ByteBuffer header;

    private BzImage(Path file, byte[] data) {
        this.file = file;
        this.data = data;
        this.header = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    static boolean looksLikeBzImage(byte[] data) {
        return data.length > 0x260 && data[0x202] == 'H' && data[0x203] == 'd' && data[0x204] == 'r'
                && data[0x205] == 'S';
    }

    static BzImage read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!looksLikeBzImage(data)) {
            throw new KelpException(file + ": not an x86 bzImage (no 'HdrS' boot header at 0x202)");
        }
        return new BzImage(file, data);
    }

    /** The boot protocol version as major.minor, e.g. "2.15". */
    String protocol() {
        int v = Short.toUnsignedInt(header.getShort(0x206));
        return (v >> 8) + "." + (v & 0xff);
    }

    /** The kernel_version string the setup header points at (release, builder, build number). */
    String kernelVersion() {
        int ptr = Short.toUnsignedInt(header.getShort(0x20e));
        int at = ptr + 0x200;
        if (ptr == 0 || at >= data.length) {
            return "";
        }
        int end = at;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, at, end - at, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Decompresses the payload: the stripped ELF vmlinux (followed by its relocation table). */
    byte[] vmlinux() {
        int version = Short.toUnsignedInt(header.getShort(0x206));
        if (version < 0x208) {
            throw new KelpException(file + ": boot protocol " + protocol()
                    + " has no payload_offset (needs 2.08 or later); pass --vmlinux or --kallsyms instead");
        }
        int setupSects = data[0x1f1] & 0xff;
        int pmStart = ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        long payloadOffset = Integer.toUnsignedLong(header.getInt(0x248));
        long payloadLength = Integer.toUnsignedLong(header.getInt(0x24c));
        long start = pmStart + payloadOffset;
        if (start + payloadLength > data.length || payloadLength < 8) {
            throw new KelpException(file + ": payload_offset/payload_length point outside the file");
        }
        byte[] payload = Arrays.copyOfRange(data, (int) start, (int) (start + payloadLength));
        Format format = FORMATS.stream().filter(f -> startsWith(payload, f.magic())).findFirst()
                .orElseThrow(() -> new KelpException(file + ": unknown compression of the kernel payload (magic "
                        + String.format("%02x %02x %02x %02x", payload[0], payload[1], payload[2], payload[3])
                        + "); pass --vmlinux or --kallsyms instead"));
        if (!format.supported()) {
            throw new KelpException(file + ": the kernel payload is " + format.name()
                    + "-compressed; kelp reads gzip and xz kernels. Decompress it with scripts/extract-vmlinux"
                    + " and pass --vmlinux, or pass --kallsyms");
        }
        byte[] out = inflate(format, payload);
        if (!isElf(out)) {
            throw new KelpException(file + ": the decompressed payload is not an ELF vmlinux");
        }
        return out;
    }

    private byte[] inflate(Format format, byte[] payload) {
        // The last 4 bytes of the payload hold the uncompressed size (kbuild's size_append).
        int expected = ByteBuffer.wrap(payload, payload.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteArrayOutputStream out = new ByteArrayOutputStream(expected > 0 ? expected : 1 << 26);
        try (InputStream in = open(format, payload)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new KelpException(file + ": cannot decompress the " + format.name() + " kernel payload: "
                    + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static InputStream open(Format format, byte[] payload) throws IOException {
        InputStream raw = new ByteArrayInputStream(payload);
        return switch (format.name()) {
            case "gzip" -> new GZIPInputStream(raw, 1 << 16);
            // One stream only: the size word kbuild appends after it is not another xz stream.
            case "xz" -> new SingleXZInputStream(raw);
            default -> throw new IllegalStateException(format.name());
        };
    }

    static boolean isElf(byte[] data) {
        return startsWith(data, new byte[] {0x7f, 'E', 'L', 'F'});
    }

    private static boolean startsWith(byte[] data, byte[] magic) {
        if (data.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
