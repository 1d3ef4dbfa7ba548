package dev.kelp.elf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Kernel modules may be installed compressed ({@code .ko.xz}, {@code .ko.gz}, {@code .ko.zst}):
 * recognised by their magic, xz and gzip are decompressed in memory so the ELF reader sees the
 * plain object.
 */
final class CompressedInput {
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    /** Larger decompressed output could not be addressed by one buffer. */
    private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    private CompressedInput() {
    }

    static ByteBuffer decompressIfNeeded(String file, ByteBuffer image) {
        try {
            if (startsWith(image, XZ_MAGIC)) {
                return inflate(file, new XZInputStream(new ByteBufferInput(image)));
            }
            if (startsWith(image, GZIP_MAGIC)) {
                return inflate(file, new GZIPInputStream(new ByteBufferInput(image)));
            }
        } catch (IOException e) {
            throw new ElfFormatException(file, "corrupt compressed data: " + e.getMessage(), 0);
        }
        if (startsWith(image, ZSTD_MAGIC)) {
            throw new ElfFormatException(file, "zstd-compressed file: decompress it first (unzstd)", 0);
        }
        return image;
    }

    private static ByteBuffer inflate(String file, InputStream in) throws IOException {
        try (in) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] chunk = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                total += n;
                if (total > MAX_SIZE) {
                    throw new ElfFormatException(file, "decompressed data is larger than 2 GiB", 0);
                }
                out.write(chunk, 0, n);
            }
            return ByteBuffer.wrap(out.toByteArray());
        } catch (RuntimeException e) {
            if (e instanceof ElfFormatException) {
                throw e;
            }
            // The decompressors signal some corruptions with unchecked exceptions.
            throw new ElfFormatException(file, "corrupt compressed data: " + e, 0);
        }
    }

    private static boolean startsWith(ByteBuffer b, byte[] magic) {
        if (b.capacity() < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Streams a buffer without copying it. */
    private static final class ByteBufferInput extends InputStream {
        private final ByteBuffer b;

        ByteBufferInput(ByteBuffer b) {
            this.b = b.duplicate().position(0);
        }

        @Override
        public int read() {
            return b.hasRemaining() ? b.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            if (!b.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, b.remaining());
            b.get(dst, off, n);
            return n;
        }
    }
}
