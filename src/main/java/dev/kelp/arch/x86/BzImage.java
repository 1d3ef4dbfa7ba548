package dev.kelp.arch.x86;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.SingleXZInputStream;

/**
 * What kelp reads from an x86 boot image (Documentation/x86/boot.rst): the setup header, marked
 * "HdrS" at 0x202, gives the protocol version (0x206), the offset, less 0x200, of the kernel
 * version string (0x20E), and, from protocol 2.08, where the compressed kernel lies inside the
 * protected-mode part: payload_offset (0x248) and payload_length (0x24C). The protected-mode part
 * starts after setup_sects (0x1F1; 0 means 4) sectors of 512 bytes plus the boot sector.
 * (dev.kelp.symbols reads the same header for kallsyms; this one serves booting.)
 */
final class BzImage {
    private static final int MAGIC = 0x53726448; // "HdrS"

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

    /** The decompressed kernel (a vmlinux ELF) when it is compressed with xz or gzip. */
    static Optional<byte[]> payload(byte[] image) throws IOException {
        ByteBuffer b = header(image).orElse(null);
        if (b == null || image.length < 0x250 || Short.toUnsignedInt(b.getShort(0x206)) < 0x208) {
            return Optional.empty();
        }
        int setupSects = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        long start = (setupSects + 1L) * 512 + Integer.toUnsignedLong(b.getInt(0x248));
        long length = Integer.toUnsignedLong(b.getInt(0x24C));
        if (length < 6 || start + length > image.length) {
            return Optional.empty();
        }
        int s = (int) start;
        InputStream raw = new ByteArrayInputStream(image, s, (int) length);
        // The build appends the decompressed size after the stream: read exactly one stream.
        if (image[s] == (byte) 0xFD && image[s + 1] == '7' && image[s + 2] == 'z' && image[s + 3] == 'X') {
            return Optional.of(readAll(new SingleXZInputStream(raw)));
        }
        if (image[s] == 0x1F && image[s + 1] == (byte) 0x8B) {
            return Optional.of(readAll(new GZIPInputStream(raw)));
        }
        return Optional.empty();
    }

    private static Optional<ByteBuffer> header(byte[] image) {
        if (image.length < 0x210) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(0x202) == MAGIC ? Optional.of(b) : Optional.empty();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
