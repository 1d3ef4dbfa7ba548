package dev.kelp.qemu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format (magic 070701), the format the kernel unpacks as an
 * initramfs. Each entry is a 110-byte ASCII header of 13 eight-digit hex fields, the NUL-ended
 * name, padding to 4 bytes, the data, padding to 4 bytes; a "TRAILER!!!" entry ends the archive.
 *
 * <p>Times and owners are zero so that the same inputs give the same bytes. Parent directories
 * are not created implicitly: the kernel's unpacker needs them listed before their children, so
 * callers add them in order (see {@link #directories(String)}).
 */
final class CpioWriter implements AutoCloseable {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    private final OutputStream out;
    private final Set<String> names = new HashSet<>();
    private long written;
    private int nextInode = 1;
    private boolean finished;

    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** Adds DIR and each missing parent of it, parents first. */
    public CpioWriter directories(String dir) throws IOException {
        String path = relative(dir);
        int slash = -1;
        while (true) {
            slash = path.indexOf('/', slash + 1);
            String prefix = slash < 0 ? path : path.substring(0, slash);
            if (!names.contains(prefix)) {
                entry(prefix, S_IFDIR | 0755, 2, 0, 0, new byte[0]);
            }
            if (slash < 0) {
                return this;
            }
        }
    }

    public CpioWriter file(String path, int permissions, byte[] data) throws IOException {
        return entry(relative(path), S_IFREG | permissions, 1, 0, 0, data);
    }

    public CpioWriter symlink(String path, String target) throws IOException {
        return entry(relative(path), S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    public CpioWriter charDevice(String path, int permissions, int major, int minor) throws IOException {
        return entry(relative(path), S_IFCHR | permissions, 1, major, minor, new byte[0]);
    }

    public boolean contains(String path) {
        return names.contains(relative(path));
    }

    /** Writes the trailer; the underlying stream stays open. */
    public void finish() throws IOException {
        if (!finished) {
            entry("TRAILER!!!", 0, 1, 0, 0, new byte[0]);
            finished = true;
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }

    private CpioWriter entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data)
            throws IOException {
        if (finished) {
            throw new IllegalStateException("cpio archive already finished");
        }
        if (!name.equals("TRAILER!!!") && !names.add(name)) {
            throw new IllegalArgumentException("duplicate cpio entry " + name);
        }
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append("070701");
        long[] fields = {
            mode == 0 ? 0 : nextInode++, mode, 0, 0, links, 0, data.length,
            0, 0, rdevMajor, rdevMinor, nameBytes.length, 0
        };
        for (long f : fields) {
            String hex = Long.toHexString(f);
            h.append("0".repeat(8 - hex.length())).append(hex);
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
        return this;
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        int n = (int) ((4 - (written & 3)) & 3);
        write(new byte[n]);
    }

    private static String relative(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.contains("//") || p.equals("..") || p.startsWith("../") || p.contains("/../")) {
            throw new IllegalArgumentException("bad cpio path '" + path + "'");
        }
        return p;
    }
}
